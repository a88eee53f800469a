"""The permission matrix, tested from the outside: every URL of the resolver is declared, docs/permissions.md is
current, and every role (and a stranger) gets exactly the answer the matrix declares for every URL and method."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from triplec.accounts import permissions
from triplec.api.models import ApiToken

from .world import seed_office


def _named_patterns(resolver=None, namespace=""):
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            inner = ":".join(x for x in (namespace, p.namespace) if x) if p.namespace else namespace
            yield from _named_patterns(p, inner)
        elif isinstance(p, URLPattern):
            yield (f"{namespace}:{p.name}" if namespace else (p.name or "")), str(p.pattern)


def test_it_declares_a_permission_for_every_url_in_the_resolver():
    undeclared = [
        (name, pattern)
        for name, pattern in _named_patterns()
        if permissions.route_rule(name or ":", "GET") is None
        and not any(permissions.route_rule(name, m) is not None for m in ("POST", "PATCH"))
    ]
    assert not undeclared, f"declare these URLs in triplec/accounts/permissions.py ROUTES: {undeclared}"


def test_it_declares_no_url_that_does_not_exist_and_no_action_outside_the_matrix():
    names = {name for name, _ in _named_patterns()}
    assert set(permissions.ROUTES) <= names, set(permissions.ROUTES) - names
    for methods in permissions.ROUTES.values():
        for rule in methods.values():
            rules = rule.all_actions() if isinstance(rule, permissions.ByArgument) else {rule}
            assert rules <= set(permissions.MATRIX) | set(permissions.MARKERS), rules


def test_it_keeps_docs_permissions_md_current():
    doc = Path(settings.BASE_DIR) / "docs" / "permissions.md"
    assert doc.read_text(encoding="utf-8") == permissions.render_markdown(), (
        "docs/permissions.md is stale: run `triplec permissions --write`"
    )


# --- every role x every URL x every method -------------------------------------------------------------------


def _cases():
    """(view name, method, argument name or "") for every declared rule; campaign actions once per action."""
    for name, methods in permissions.ROUTES.items():
        for method, rule in methods.items():
            if isinstance(rule, permissions.ByArgument):
                for value in rule.actions:
                    yield name, method, value
            else:
                yield name, method, ""


# The event stream is a long-lived response that closes its database connection; its topics, checked against what
# each user may see, have their own tests (inbox/tests/test_access.py, events/tests).
CASES = [
    c
    for c in _cases()
    if permissions.route_rule(c[0], c[1], {"action": c[2], "name": c[2]})
    not in (permissions.PUBLIC, permissions.ADMIN_SITE)
    and c[0] != "events:stream"
]


def _url(name: str, kwargs: dict, argument: str) -> tuple[str, dict]:
    from django.urls import NoReverseMatch

    specific = kwargs.get(name) or kwargs.get(name.split(":")[0]) or {}
    if argument:
        specific = {**specific, ("name" if name.startswith("campaigns_api") else "action"): argument}
    try:
        return reverse(name, kwargs=specific), specific
    except NoReverseMatch:
        return reverse(name), {}


def _request(client: Client, method: str, url: str, token: str | None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    call = getattr(client, method.lower())
    if method in ("POST", "PATCH"):
        return call(url, {}, content_type="application/json", **headers) if token else call(url, {}, **headers)
    return call(url, **headers)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "argument"), CASES, ids=[f"{n}-{m}-{a}".rstrip("-") for n, m, a in CASES])
def test_it_answers_every_role_as_the_matrix_declares(name, method, argument):
    users, kwargs = seed_office()
    url, url_kwargs = _url(name, kwargs, argument)
    token_route = name.split(":")[0] in permissions.TOKEN_NAMESPACES
    not_found = name.split(":")[0] in permissions.NOT_FOUND_NAMESPACES
    anonymous = _request(Client(), method, url, None)
    assert anonymous.status_code in ((401,) if token_route else (302,)), (name, "anonymous", anonymous.status_code)
    if not token_route:
        assert anonymous["Location"].startswith(reverse(settings.LOGIN_URL))
    wrong = []
    for role, user in users.items():
        client = Client()
        token = None
        if token_route:
            token = ApiToken.issue(user=user, name="t")[1]
        else:
            client.force_login(user)
        expected = permissions.request_allowed(user, name, method, url_kwargs)
        response = _request(client, method, url, token)
        refused = response.status_code == (404 if not_found else 403)
        if token_route and refused:  # the API's own 403s (not approved, maker is checker) are not refusals of role
            refused = response.json()["error"]["code"] == "forbidden"
        if expected == refused:
            wrong.append((str(role), "allowed" if expected else "refused", response.status_code))
    assert not wrong, (name, method, argument, wrong)
