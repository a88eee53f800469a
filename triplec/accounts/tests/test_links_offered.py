"""A screen never offers what the server would refuse: every role walks the console from the home page, following
the links each page shows it (three pages deep); none answers 403, 404 or 500, and no page shows it a form whose
action the permission matrix refuses it."""

import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from triplec.accounts.permissions import MARKERS, allowed, route_rule
from triplec.accounts.roles import Role

from .world import seed_office

HREF = re.compile(r'href="([^"#]+)')
POST_FORM = re.compile(r'<form\b[^>]*\bmethod="post"[^>]*>', re.IGNORECASE)
ACTION = re.compile(r'\baction="([^"]*)"')
# Not pages: downloads, the live event stream, the admin site (its own permission screens) and the public letter
# check (a token page).
SKIP = re.compile(r"^/(admin/|events/|verifikasi/|static/|i18n/)|format=|\.(csv|xlsx|pdf)$|/logout")
PAGES_PER_ROLE = 60


def _links(html: str, base: str) -> set[str]:
    found = set()
    for href in HREF.findall(html):
        url = urljoin(base, href.replace("&amp;", "&"))
        parts = urlsplit(url)
        if parts.netloc and parts.netloc != "testserver":
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith("/") and not SKIP.search(path):
            found.add(path)
    return found


def _forms_refused(user, html: str, base: str) -> list[str]:
    """The POST forms on a page whose action this user may not take."""
    refused = []
    for form in POST_FORM.findall(html):
        match = ACTION.search(form)
        path = urlsplit(urljoin(base, match[1] if match else base)).path
        try:
            found = resolve(path)
        except Resolver404:
            refused.append(path)
            continue
        rule = route_rule(found.view_name, "POST", found.kwargs)
        if rule and rule not in MARKERS and not allowed(user, rule):
            refused.append(f"{path} ({rule})")
    return refused


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_every_link_a_role_is_shown_answers_it(role):
    users, _ = seed_office()
    client = Client()
    client.force_login(users[role])
    frontier, seen, refused = {"/"}, set(), []
    for _depth in range(3):
        following = set()
        for path in sorted(frontier - seen)[:PAGES_PER_ROLE]:
            seen.add(path)
            response = client.get(path)
            if response.status_code in (403, 404) or response.status_code >= 500:
                refused.append((path, response.status_code))
            elif response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
                html = response.content.decode()
                following |= _links(html, path)
                refused += [(path, form) for form in _forms_refused(users[role], html, path)]
        frontier = following
    assert len(seen) > 3, seen  # the walk went somewhere
    assert refused == [], refused
