"""The request every handler gets, and a router per area of the simulator.

Each area (Graph API, control API, phone page) keeps its own router because each answers an unknown path in its
own way: Meta's error JSON for the Graph API, a plain JSON error for the others. A handler registers itself with
`@ROUTER.route(methods, path)` right above its definition. Routes are compiled regular expressions tried in order,
not a routing library: matching costs about a microsecond, where werkzeug's matcher costs 10 to 30 µs a request on
the 2-core bench machine, a sixth of the whole send path's CPU.

Order: the first route whose path and method match wins, and routes are tried in the order they read in the
module, top to bottom (stacked decorators included, although Python applies them bottom-up). Where two paths
overlap, the more specific one must therefore come first, e.g. `/_sim/messages/by-callback/{callback:.*}` above
`/_sim/messages/{wamid:.*}`; tests/test_routing.py pins those cases.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from triplec.simulator.replies import Reply

Handler = Callable[..., Awaitable[Reply]]

# `{name}` in a route path: one path segment; `{name:regex}`: what the regex matches (no braces inside).
PLACEHOLDER = re.compile(r"\{(\w+)(?::([^{}]+))?\}")


@dataclass
class Request:
    method: str
    path: str
    query_string: str
    headers: dict[str, str]  # names in lower case
    body: bytes

    @functools.cached_property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(self.query_string)

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Route:
    methods: tuple[str, ...] | None  # None: any method
    path: str  # e.g. "/{version}/{phone_number_id}/messages", "/_sim/messages/by-callback/{callback:.*}"
    handler: Handler


class Router:
    """One area's routes; the first whose path and method match takes the request."""

    def __init__(self) -> None:
        self._routes: list[tuple[Route, re.Pattern[str]]] = []

    def route(self, methods: str | tuple[str, ...] | None, path: str) -> Callable[[Handler], Handler]:
        """Register the decorated handler for `path` and `methods` (one, a tuple, or None for any), after the
        routes above it in the module."""
        allowed = (methods,) if isinstance(methods, str) else methods
        pattern = re.compile(_regex(path))

        def register(handler: Handler) -> Handler:
            # Stacked decorators run bottom-up: this route goes before those the decorators below it added for the
            # same handler, so that routes keep the order they read in.
            at = len(self._routes)
            while at and self._routes[at - 1][0].handler is handler:
                at -= 1
            self._routes.insert(at, (Route(allowed, path, handler), pattern))
            return handler

        return register

    def match(self, method: str, path: str) -> tuple[Handler, dict[str, str]] | None:
        """The handler for this request and the values taken from its path, or None when no route takes it."""
        for route, pattern in self._routes:
            found = pattern.fullmatch(path)
            if found and (route.methods is None or method in route.methods):
                return route.handler, found.groupdict()
        return None


def _regex(path: str) -> str:
    parts, end = [], 0
    for placeholder in PLACEHOLDER.finditer(path):
        name, pattern = placeholder.groups()
        parts += [re.escape(path[end : placeholder.start()]), f"(?P<{name}>{pattern or '[^/]+'})"]
        end = placeholder.end()
    parts.append(re.escape(path[end:]))
    return "".join(parts)
