"""A screen never offers what the server would refuse: every role walks the console from the home page, following
the links each page shows it (two clicks deep), and none answers 403, 404 or 500."""

import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from triplec.accounts.roles import Role

from .world import seed_office

HREF = re.compile(r'href="([^"#]+)')
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
                following |= _links(response.content.decode(), path)
        frontier = following
    assert len(seen) > 3, seen  # the walk went somewhere
    assert refused == [], refused
