import os

import pytest

from triplec.tests.support import start_server, stop_server

pytest_plugins = ["triplec.simulator.testing"]

# Playwright's sync API runs an event loop in the test thread; Django must still allow DB access there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


CHROMIUM = os.environ.get("TRIPLEC_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def asgi_server(django_db_setup):
    """Our ASGI application (live events, webhook) under granian on the test database, for a module's tests:
    its base URL."""
    proc, base_url = start_server("asgi", "triplec.asgi:application")
    yield base_url
    stop_server(proc)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium (`make test` installs it): Playwright cannot download its own browser here."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(autouse=True)
def browser_contexts_closed(request):
    """A browser test closes every context it opened. The browser lives for the whole session, and an open phone
    page keeps polling the session's simulator, marking read whatever that chat shows, whichever test sent it."""
    yield
    if "browser" in request.fixturenames:
        left = request.getfixturevalue("browser").contexts
        assert not left, f"{len(left)} browser context(s) left open by {request.node.nodeid}"


def pytest_sessionstart(session):
    """Under CI the PostgreSQL run must fail loudly, never be skipped, when the server is unreachable."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg

    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        pytest.exit(f"PostgreSQL at {url} is unreachable: {exc}", returncode=1)


def pytest_sessionfinish(session):
    """The test database is gone by now; so must be the write-lock file beside it (core.writelock)."""
    from django.conf import settings

    if not settings.configured:
        return
    from triplec.core.writelock import lock_path

    name = settings.DATABASES["default"].get("TEST", {}).get("NAME")
    path = lock_path(name) if name else None
    if path:
        try:
            os.remove(path)
        except FileNotFoundError:
            pass
