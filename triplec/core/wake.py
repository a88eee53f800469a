"""Wake-ups between processes: the writer of new work tells the loops that wait for it, so that an idle loop
sleeps in a blocking wait instead of polling the database.

    notify(OUTBOX)                  # after the commit that queued a message (or notify_on_commit)
    waiter = Waiter(OUTBOX)         # in the loop that sends them
    waiter.wait(timeout)            # True when woken, False when the timeout passed
    waiter.set()                    # wake it from this process (a signal handler that stops the loop)

Transport, chosen by the database the product runs on:
- PostgreSQL: LISTEN/NOTIFY. `notify` is `pg_notify` on the writer's own connection (delivered at commit);
  each listening Waiter holds one extra connection, blocked in a wait for notifications.
- SQLite (the embedded default, every process on one machine): a Unix datagram socket per Waiter in a private
  directory of the temp folder named after the database file; `notify` sends an empty datagram to each of them.

A wake-up is a hint, never the only way work is found: a loop still looks after its timeout (with a backoff, see
`Backoff`), so a notification lost to a restart or a full buffer delays work by at most the longest wait.
Redis (REDIS_URL) carries the event bus and Huey's queue with its own blocking reads; it is not needed here.
"""

import contextlib
import hashlib
import itertools
import logging
import os
import socket
import tempfile
import threading
import time

import psycopg
from django.db import connection, transaction

log = logging.getLogger(__name__)

OUTBOX = "outbox"  # a message was queued: the dispatcher
WEBHOOKS = "webhooks"  # a webhook event was stored for the processing loop
EVENTS = "events"  # an event was published: the SSE hub of each web process

# One notification per channel per process per this many seconds: a campaign queues thousands of messages in one
# go. Safe because a woken loop looks again within Backoff.minimum after it woke.
THROTTLE_SECONDS = 0.02
_last_sent: dict[str, float] = {}
_serial = itertools.count()


def notify(channel: str) -> None:
    """Wake every Waiter of `channel` (in any process on this database). Never raises."""
    now = time.monotonic()
    if now - _last_sent.get(channel, -1.0) < THROTTLE_SECONDS:
        return
    _last_sent[channel] = now
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_notify(%s, '')", [_pg_channel(channel)])
        else:
            _send_datagrams(channel)
    except Exception:  # the waiter finds the work at its next look; the writer must not fail for a hint
        log.warning("wake-up %s not sent", channel, exc_info=True)


def notify_on_commit(channel: str) -> None:
    """Wake the waiters once the surrounding transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: notify(channel))


class Backoff:
    """How long an idle loop waits: `minimum` after work or a wake-up, doubling on each idle look, up to
    `maximum`. Busy, a loop looks again at once; idle, it costs a few queries per `maximum` seconds."""

    def __init__(self, minimum: float = 0.05, maximum: float = 2.0):
        self.minimum, self.maximum = minimum, maximum
        self.current = minimum

    def reset(self) -> None:
        self.current = self.minimum

    def next(self) -> float:
        value = self.current
        self.current = min(self.maximum, self.current * 2)
        return value


class Waiter:
    """Blocks until `notify(channel)` from any process, `set()` from this one, or the timeout. With
    listen=False it hears only `set()` (a loop in a test, or one that needs no other process)."""

    def __init__(self, channel: str, *, listen: bool = True):
        self.channel = channel
        self.flag = threading.Event()
        self._listen = listen
        self._listener: _Listener | None = None

    def start(self, timeout: float = 10) -> bool:
        """Listen to other processes now; True once listening (a notification sent after that is heard)."""
        if self._listener is None:
            self._listener = (_PgListener if connection.vendor == "postgresql" else _SocketListener)(self)
        return self._listener.ready.wait(timeout)

    def wait(self, timeout: float) -> bool:
        if self._listen and self._listener is None:
            self.start(timeout=0)
        woken = self.flag.wait(timeout)
        self.flag.clear()
        return woken

    def set(self) -> None:
        self.flag.set()

    def listening(self, on: bool) -> None:
        """Listen to other processes from the next wait on, or stop listening now."""
        self._listen = on
        if not on:
            self.close()

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None


class _Listener:
    def __init__(self, waiter: Waiter):
        self.waiter = waiter
        self.closed = threading.Event()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self.run, name=f"wake-{waiter.channel}", daemon=True)
        self.thread.start()

    def run(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self.closed.set()
        self.thread.join(timeout=3)


# --- SQLite: Unix datagram sockets --------------------------------------------------------------------------------
def _socket_dir() -> str:
    """A private folder per database file (its path hashed: short enough for a socket address anywhere)."""
    name = str(connection.settings_dict["NAME"])
    digest = hashlib.sha256(os.path.abspath(name).encode()).hexdigest()[:16]
    path = os.path.join(tempfile.gettempdir(), f"triplec-wake-{os.getuid()}", digest)
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def _send_datagrams(channel: str) -> None:
    folder = _socket_dir()
    prefix = f"{channel}."
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.setblocking(False)
        for name in os.listdir(folder):
            if not name.startswith(prefix):
                continue
            path = os.path.join(folder, name)
            try:
                sock.sendto(b"", path)
            except BlockingIOError:
                pass  # its buffer is full of wake-ups it has not read yet: it is awake anyway
            except (ConnectionRefusedError, FileNotFoundError):
                with contextlib.suppress(OSError):
                    os.unlink(path)  # the socket of a process that has ended


class _SocketListener(_Listener):
    def __init__(self, waiter: Waiter):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        for attempt in range(3):  # another process's last listener may remove the folder in between
            self.path = os.path.join(_socket_dir(), f"{waiter.channel}.{os.getpid()}.{next(_serial)}")
            try:
                self.sock.bind(self.path)
                break
            except FileNotFoundError:
                if attempt == 2:
                    raise
        super().__init__(waiter)

    def run(self) -> None:
        self.ready.set()  # bound in __init__: datagrams queue from then on
        try:
            while not self.closed.is_set():
                self.sock.recv(64)  # blocks without using the CPU until a datagram comes
                self.waiter.set()
        finally:
            self.sock.close()
            with contextlib.suppress(OSError):
                os.unlink(self.path)
            with contextlib.suppress(OSError):
                os.rmdir(os.path.dirname(self.path))  # the last one out (a test database's folder goes too)

    def close(self) -> None:
        self.closed.set()
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock, contextlib.suppress(OSError):
            sock.sendto(b"", self.path)  # unblock the recv
        self.thread.join(timeout=3)


# --- PostgreSQL: LISTEN/NOTIFY ------------------------------------------------------------------------------------
def _pg_channel(channel: str) -> str:
    return f"triplec_{channel}"


class _PgListener(_Listener):
    def __init__(self, waiter: Waiter):
        self.params = connection.get_connection_params()
        super().__init__(waiter)

    def run(self) -> None:
        while not self.closed.is_set():
            try:
                with psycopg.connect(**self.params, autocommit=True) as conn:
                    conn.execute(f"LISTEN {_pg_channel(self.waiter.channel)}")
                    self.waiter.set()  # anything queued while we were not listening
                    self.ready.set()
                    while not self.closed.is_set():
                        # One wake a second to see `closed`: a blocking wait on the socket, not a query.
                        for _ in conn.notifies(timeout=1.0, stop_after=1):
                            self.waiter.set()
            except Exception:
                log.warning("wake-up listener for %s lost its connection; retrying", self.waiter.channel)
                self.closed.wait(2.0)
