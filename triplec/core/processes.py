"""Helpers for tests and benchmarks that run servers in subprocesses. Free of Django imports, so that pytest
plugins loaded before Django is set up (the simulator's) can use them too."""

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from typing import Any


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate: Callable[[], Any], *, timeout: float = 10, interval: float = 0.05,
               message: str = "condition not met") -> Any:
    """A bounded poll: returns the predicate's truthy value, or fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{message} within {timeout} s")
        time.sleep(interval)


def stop_process_group(proc: subprocess.Popen, *, grace: float = 1.0) -> None:
    """Stop a process started with start_new_session=True and everything it spawned (granian's workers):
    SIGTERM, `grace` seconds for a clean exit, then SIGKILL for whatever is left of the group."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):  # open SSE streams keep a graceful shutdown waiting
        proc.wait(timeout=grace)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=5)
