"""One writer at a time on SQLite, queued in the kernel instead of in SQLite's busy handler.

SQLite lets one connection write at a time; a second writer gets SQLITE_BUSY and its busy handler sleeps and
retries (1, 2, 5, 10 … ms), while every other request of its process waits behind it. Measured under granian
with 8 concurrent webhook clients, that turned ~30 webhooks/s with a p99 of seconds into the figures in
docs/whatsapp-channel.md. The hot writers (webhook intake and processing) therefore queue here first: a thread
lock within the process and an exclusive `flock` on a file beside the database across processes, which wakes the
next writer the moment the last one is done. PostgreSQL has row locks and needs none of this.
"""

import contextlib
import fcntl
import os
import threading

from django.db import connection


def lock_path(database_name: str) -> str | None:
    """The lock file beside an SQLite database; None for an in-memory one (no other process can share it)."""
    name = str(database_name)
    if name == ":memory:" or name.startswith("file:"):
        return None
    return name + ".writelock"


class SqliteWriteLock:
    def __init__(self) -> None:
        self._threads = threading.Lock()
        self._path: str | None = None
        self._fd: int | None = None
        self._held: int | None = None  # the file locked by the current holder, if any

    def _file(self) -> int | None:
        path = lock_path(connection.settings_dict["NAME"])
        if path is None:
            return None
        if path != self._path:  # first use in this process, or another database (tests)
            if self._fd is not None:
                os.close(self._fd)
            self._fd, self._path = os.open(path, os.O_RDWR | os.O_CREAT, 0o600), path
        return self._fd

    def __enter__(self) -> None:
        self._threads.acquire()
        try:
            fd = self._file()
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise
        self._held = fd

    def __exit__(self, *exc) -> None:
        try:
            if self._held is not None:
                fcntl.flock(self._held, fcntl.LOCK_UN)
        finally:
            self._threads.release()


_sqlite = SqliteWriteLock()


def write_lock():
    """Hold around a hot write (or a transaction of them): the kernel-queued lock on SQLite, nothing elsewhere."""
    return _sqlite if connection.vendor == "sqlite" else contextlib.nullcontext()
