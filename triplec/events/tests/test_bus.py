import json
import queue
import threading

import httpx
import pytest
from django.db import transaction
from django.test import Client

from triplec.accounts.roles import Role
from triplec.events.bus import publish
from triplec.events.models import Event
from triplec.tests.support import make_office, make_user, wait_until


@pytest.mark.django_db
def test_it_publishes_only_when_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        publish("office:1", "message.new", {"id": 5})
    assert list(Event.objects.values_list("topic", "kind", "data")) == [("office:1", "message.new", {"id": 5})]


@pytest.mark.django_db(transaction=True)
def test_it_publishes_nothing_when_the_transaction_rolls_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        publish("office:1", "message.new", {"id": 5})
        raise RuntimeError("rolled back")
    assert not Event.objects.exists()


class SSEReader:
    """Reads an SSE stream in a thread and hands over parsed events."""

    def __init__(self, url: str, cookies: dict, headers: dict | None = None):
        self.events: queue.Queue = queue.Queue()
        self.status: int | None = None
        self._client = httpx.Client(cookies=cookies, timeout=httpx.Timeout(5, read=30))
        self._thread = threading.Thread(target=self._read, args=(url, headers or {}), daemon=True)
        self._thread.start()

    def _read(self, url, headers):
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                self.status = response.status_code
                event = {}
                for line in response.iter_lines():
                    if not line:
                        if "data" in event:
                            self.events.put(event)
                        event = {}
                    elif not line.startswith(":"):
                        key, _, value = line.partition(": ")
                        event[key] = value
        except httpx.HTTPError:
            pass

    def next(self, timeout: float = 5) -> dict:
        """The next event that is not a warm-up ping."""
        while True:
            event = self.events.get(timeout=timeout)
            if event["event"] != "ping":
                return {"id": int(event["id"]), "kind": event["event"], **json.loads(event["data"])}

    def close(self):
        self._client.close()


@pytest.fixture
def events_server(asgi_server, transactional_db):
    return asgi_server


def _session(user) -> dict:
    client = Client()
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value}


def _publish_now(topic, kind, data):
    with transaction.atomic():
        publish(topic, kind, data)


@pytest.mark.slow
def test_an_event_published_in_another_process_reaches_the_browser_stream(events_server):
    office = make_office()
    officer = make_user("petugas1", Role.SERVICE_OFFICER, office=office)
    other = make_user("petugas2", Role.SERVICE_OFFICER, office=office)
    reader = SSEReader(f"{events_server}/events/stream", _session(officer))
    wait_until(lambda: reader.status == 200, message="stream did not open")
    # The stream subscribes right after it answers; publish until the first event arrives, then check order.
    wait_until(lambda: _publish_now(f"user:{officer.pk}", "ping", {}) or not reader.events.empty(), timeout=10)

    _publish_now(f"user:{other.pk}", "message.new", {"n": 0})  # not this officer's
    _publish_now(f"user:{officer.pk}", "message.new", {"n": 1})
    _publish_now(f"office:{office.pk}", "conversation.new", {"n": 2})
    first, second = reader.next(), reader.next()
    assert (first["kind"], first["n"], second["kind"], second["n"]) == ("message.new", 1, "conversation.new", 2)
    reader.close()


@pytest.mark.slow
def test_a_reconnecting_stream_catches_up_from_last_event_id(events_server):
    officer = make_user("petugas1", Role.SERVICE_OFFICER, office=make_office())
    _publish_now(f"user:{officer.pk}", "message.new", {"n": 1})
    seen = Event.objects.get().id
    _publish_now(f"user:{officer.pk}", "message.new", {"n": 2})
    _publish_now(f"user:{officer.pk}", "message.new", {"n": 3})
    reader = SSEReader(f"{events_server}/events/stream", _session(officer), headers={"Last-Event-ID": str(seen)})
    assert [reader.next()["n"], reader.next()["n"]] == [2, 3]
    reader.close()


@pytest.mark.slow
def test_a_stream_refuses_strangers_and_topics_the_user_may_not_hear(events_server):
    assert httpx.get(f"{events_server}/events/stream", timeout=5).status_code == 401
    officer = make_user("petugas1", Role.SERVICE_OFFICER, office=make_office())
    reader = SSEReader(f"{events_server}/events/stream?topic=conversation:99&topic=user:12345", _session(officer))
    wait_until(lambda: reader.status == 200)
    _publish_now("user:12345", "message.new", {"n": "not yours"})
    _publish_now("conversation:99", "message.new", {"n": "not yours"})
    _publish_now(f"user:{officer.pk}", "message.new", {"n": "yours"})
    assert reader.next()["n"] == "yours"
    reader.close()
