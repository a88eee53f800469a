"""Server-sent events: the browser end of the bus. Served by the ASGI process (see docs/realtime.md)."""

import asyncio
import json
from collections.abc import AsyncIterator, Callable

from asgiref.sync import sync_to_async
from django.db import close_old_connections, connection
from django.http import HttpResponse, StreamingHttpResponse

from .bus import hub, latest_event_id
from .models import Event

HEARTBEAT_SECONDS = 15
RETRY_MS = 1000

# Which topics a user may listen to: prefix -> check(user, ident). Apps register theirs
# ("conversation" -> may this user see that conversation?). "user:<own id>" and "office:<own office>"
# are always allowed; anything else is refused unless a registered check says yes.
TOPIC_CHECKS: dict[str, Callable[[object, str], bool]] = {}


def register_topic(prefix: str, check: Callable[[object, str], bool]) -> None:
    TOPIC_CHECKS[prefix] = check


def allowed_topics(user, requested: list[str]) -> set[str]:
    topics = {f"user:{user.pk}"}
    if user.office_id:
        topics.add(f"office:{user.office_id}")
    for topic in requested:
        prefix, _, ident = topic.partition(":")
        check = TOPIC_CHECKS.get(prefix)
        if check is not None and ident and check(user, ident):
            topics.add(topic)
    return topics


def format_event(event: Event) -> str:
    return f"id: {event.id}\nevent: {event.kind}\ndata: {json.dumps({'topic': event.topic, **event.data})}\n\n"


def _parse_last_id(request) -> int | None:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("last_event_id")
    # ASCII digits only ("²".isdigit() is true) and within a 64-bit id: anything else starts from now.
    return int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) <= 18 else None


def _prepare(request, requested: list[str]) -> tuple[set[str], int]:
    topics = allowed_topics(request.user, requested)
    after = _parse_last_id(request)
    if after is None:
        after = latest_event_id()
    # The stream lives for minutes or hours: it must not hold a database connection (see architecture.md).
    close_old_connections()
    connection.close()
    return topics, after


async def event_stream(topics: set[str], after_id: int) -> AsyncIterator[str]:
    sub = hub().subscribe(topics, after_id)
    try:
        yield f"retry: {RETRY_MS}\n\n"
        while True:
            try:
                event = await asyncio.wait_for(sub.queue.get(), timeout=HEARTBEAT_SECONDS)
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            yield format_event(event)
    finally:
        hub().unsubscribe(sub)


async def stream(request) -> StreamingHttpResponse:
    """GET /events/stream?topic=conversation:12&topic=campaign:4 — the user's own topics plus allowed extras."""
    user = await request.auser()
    if not user.is_authenticated:
        return HttpResponse(status=401)
    request.user = user
    topics, after = await sync_to_async(_prepare)(request, request.GET.getlist("topic"))
    response = StreamingHttpResponse(event_stream(topics, after), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
