"""The event bus: publish from anywhere, deliver to SSE streams in any process.

publish() writes an Event row when the surrounding transaction commits, then wakes the listeners:
- in the same process through a threading event (instant);
- in other processes through Redis pub/sub when REDIS_URL is set, else through core.wake (PostgreSQL's
  LISTEN/NOTIFY, or a local datagram on SQLite): instant too.
Each process runs ONE poller thread that fans events out to its subscribers, so a thousand open browser
streams cost one cheap indexed query per wake-up, not a thousand. Without a wake-up it still looks, after
EVENTS_POLL_INTERVAL (0.1 s) at first and then less and less often up to every IDLE_MAX_SECONDS, so an idle
console costs next to nothing and a lost wake-up delays an event by at most that.
"""

import asyncio
import logging
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import redis
from django.conf import settings
from django.db import close_old_connections, connection, transaction

from triplec.core import wake

from .models import Event

log = logging.getLogger(__name__)
REDIS_CHANNEL = "triplec:events"
IDLE_MAX_SECONDS = 2.0


def publish(topic: str, kind: str, data: dict[str, Any] | None = None, *, topics: list[str] | None = None) -> None:
    """Publish after commit (never announce what may still roll back). `topics` publishes to several at once."""
    names = topics or [topic]

    def write():
        Event.objects.bulk_create([Event(topic=t, kind=kind, data=data or {}) for t in names])
        hub().wake()
        if getattr(settings, "REDIS_URL", ""):
            _redis_notify()
        else:
            wake.notify(wake.EVENTS)

    transaction.on_commit(write)


def events_after(last_id: int, topics: set[str], limit: int = 500) -> list[Event]:
    return list(Event.objects.filter(id__gt=last_id, topic__in=topics).order_by("id")[:limit])


def latest_event_id() -> int:
    return Event.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _redis_notify() -> None:
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return
    try:
        _redis_client(url).publish(REDIS_CHANNEL, "1")
    except Exception:  # the poller still delivers within one interval; a Redis hiccup loses nothing
        log.warning("events: Redis publish failed; delivery falls back to polling")


_redis_clients: dict[str, Any] = {}


def _redis_client(url: str):
    if url not in _redis_clients:
        _redis_clients[url] = redis.Redis.from_url(url, socket_timeout=2)
    return _redis_clients[url]


# On PostgreSQL two concurrent inserts may commit in the other order than their ids; re-reading a short
# tail of ids each poll catches the one that committed late. Subscribers drop what they already had.
LOOKBACK_IDS = 200


@dataclass(eq=False)
class Subscription:
    topics: set[str]
    loop: asyncio.AbstractEventLoop
    after_id: int  # the stream starts after this id (Last-Event-ID, or the newest id when it opened)
    queue: asyncio.Queue = field(default_factory=asyncio.Queue)
    seen: deque = field(default_factory=lambda: deque(maxlen=4 * LOOKBACK_IDS))
    caught_up: bool = False

    def offer(self, event: Event) -> None:
        if event.id <= self.after_id or event.topic not in self.topics or event.id in self.seen:
            return
        self.seen.append(event.id)
        self.loop.call_soon_threadsafe(self.queue.put_nowait, event)


class Hub:
    """One per process: polls the Event table and hands each new event to the matching subscribers."""

    def __init__(self, poll_interval: float):
        self.poll_interval = poll_interval
        self._subs: set[Subscription] = set()
        self._lock = threading.Lock()
        # Other processes' wake-ups come through Redis when it is configured, else through core.wake.
        self._listen = not getattr(settings, "REDIS_URL", "")
        self._wake = wake.Waiter(wake.EVENTS, listen=False)
        self._backoff = wake.Backoff(minimum=poll_interval, maximum=max(poll_interval, IDLE_MAX_SECONDS))
        self._thread: threading.Thread | None = None
        self._last_id: int | None = None

    def wake(self) -> None:
        self._wake.set()

    def subscribe(self, topics: set[str], after_id: int) -> Subscription:
        """Deliver every event of `topics` with id > after_id: a reconnecting browser's catch-up comes the
        same way as live events, so nothing falls in a gap between "catch up" and "listen"."""
        sub = Subscription(topics=topics, loop=asyncio.get_running_loop(), after_id=after_id)
        with self._lock:
            self._subs.add(sub)
            if self._last_id is None:
                self._last_id = after_id
            self._ensure_running()
        self.wake()
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        with self._lock:
            self._subs.discard(sub)

    def _ensure_running(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="events-hub", daemon=True)
            self._thread.start()
            if getattr(settings, "REDIS_URL", ""):
                threading.Thread(target=self._listen_redis, name="events-redis", daemon=True).start()

    def _run(self) -> None:
        while True:
            with self._lock:
                active = bool(self._subs)
            # Listen for other processes only while a stream is open here (subscribe() wakes this thread).
            self._wake.listening(self._listen and active)
            if self._wake.wait(self._backoff.next() if active else IDLE_MAX_SECONDS):
                self._backoff.reset()
            with self._lock:
                if not self._subs:
                    continue
                subs = list(self._subs)
            try:
                if self._deliver(subs):
                    self._backoff.reset()
            except Exception:
                log.exception("events: poll failed")
            finally:
                # A poller that kept its connection would pin one PostgreSQL backend per process forever.
                close_old_connections()
                connection.close()

    def _deliver(self, subs: list[Subscription]) -> int:
        """Hand every new event to its subscribers; returns how many events were new."""
        topics = set().union(*(s.topics for s in subs))
        with self._lock:
            tail = (self._last_id or 0) - LOOKBACK_IDS
        # A new subscriber (a reconnect with Last-Event-ID) may need older events than the tail.
        cursor = max(0, min([tail, *(s.after_id for s in subs if not s.caught_up)]))
        new = 0
        while True:
            batch = events_after(cursor, topics)
            for event in batch:
                for sub in subs:
                    sub.offer(event)
            if batch:
                cursor = batch[-1].id
                with self._lock:
                    new += max(0, cursor - (self._last_id or 0))
                    self._last_id = max(self._last_id or 0, cursor)
            if len(batch) < 500:
                break
        for sub in subs:
            sub.caught_up = True
        return new

    def _listen_redis(self) -> None:
        while True:
            try:
                pubsub = _redis_client(settings.REDIS_URL).pubsub()
                pubsub.subscribe(REDIS_CHANNEL)
                for message in pubsub.listen():
                    if message.get("type") == "message":
                        self.wake()
            except Exception:
                log.warning("events: Redis subscription lost; polling until it is back")
                threading.Event().wait(5)


_hub: Hub | None = None


def hub() -> Hub:
    global _hub
    if _hub is None:
        _hub = Hub(poll_interval=float(getattr(settings, "EVENTS_POLL_INTERVAL", 0.1)))
    return _hub
