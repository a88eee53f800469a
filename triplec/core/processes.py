"""Running processes: the supervisor of `triplec demo`, and helpers for tests and benchmarks that run servers in
subprocesses. Free of Django imports, so that pytest plugins loaded before Django is set up (the simulator's) can
use them too. Linux: process groups, /proc."""

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from typing import Any


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(
    predicate: Callable[[], Any], *, timeout: float = 10, interval: float = 0.05, message: str = "condition not met"
) -> Any:
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


# --- ports -----------------------------------------------------------------------------------------------------
def port_holder(port: int, host: str = "127.0.0.1") -> str | None:
    """None when `port` can be listened on, else who holds it ("process 123 (granian …)" when /proc tells)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers bind: TIME_WAIT is no holder
        try:
            sock.bind((host, port))
            return None
        except OSError:
            pass
    pid = _listening_pid(port)
    return f"process {pid} ({_cmdline(pid)})" if pid else "another program"


def _listening_pid(port: int) -> int | None:
    """The pid of a process listening on TCP `port` (one we may inspect), from /proc/net/tcp* and /proc/*/fd."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                rows = f.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            cols = row.split()
            if cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == port:  # 0A = LISTEN
                inodes.add(f"socket:[{cols[9]}]")
    for pid in _pids():
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") in inodes:
                    return pid
            except OSError:
                continue
    return None


def _pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            words = [os.path.basename(w.decode(errors="replace")) for w in f.read().split(b"\0") if w]
    except OSError:
        return "?"
    if words and words[0].startswith("python"):
        words = words[1:]
    return " ".join(words)[:100]


def alive(pid: int) -> bool:
    """A process that exists and is not a zombie (a zombie has already closed its sockets)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def group_members(pgid: int) -> list[int]:
    """Live processes of process group `pgid` (a child started in its own session, and what it spawned)."""
    members = []
    for pid in _pids():
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(pid)
    return members


def kill_group(pgid: int, *, grace: float = 5.0) -> None:
    """SIGTERM to every process of the group, `grace` seconds to go, then SIGKILL for whatever is left, and wait
    until none is left (the ports they held are free once they are gone)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while group_members(pgid) and time.monotonic() < deadline:
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)
    with contextlib.suppress(AssertionError):
        wait_until(lambda: not group_members(pgid), timeout=5, message=f"process group {pgid} still alive")


# --- the supervisor --------------------------------------------------------------------------------------------
def _start_in_own_session() -> None:
    """In the child between fork and exec: a session (and so a process group) of its own, so that stopping it
    reaches what it spawns (granian's workers) and a terminal's Ctrl-C reaches only the supervisor; and SIGTERM
    when the supervisor dies, so a supervisor killed with SIGKILL leaves no orphan behind."""
    os.setsid()
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


class Child:
    def __init__(self, name: str, argv: list[str]):
        self.name, self.argv = name, argv
        self.proc: subprocess.Popen | None = None
        self.started_at = 0.0
        self.restart_at: float | None = None  # when a crashed child is due to start again
        self.failures = 0  # crashes in a row (each one doubles the wait before the next start)
        self.restarts = 0


class Supervisor:
    """Runs a fixed set of commands, restarts any that ends with exponential backoff, and stops them all.

    Every child runs in its own session: stopping one is SIGTERM to its whole process group, `stop_grace`
    seconds, then SIGKILL for what is left, and waiting until the group is gone, so no worker of a server is
    left holding a port. A child that ran for `stable_after` seconds before it ended starts again after
    `backoff_min`; each crash in a row doubles the wait, up to `backoff_max`. One child's crash never stops the
    others. `run()` returns when SIGINT or SIGTERM arrives (or `stop_requested` is set), with every child gone."""

    def __init__(
        self,
        commands: dict[str, list[str]],
        *,
        log: Callable[[str], Any] = print,
        backoff_min: float = 0.5,
        backoff_max: float = 30.0,
        stable_after: float = 30.0,
        stop_grace: float = 5.0,
        env: dict[str, str] | None = None,
    ):
        self.children = {name: Child(name, argv) for name, argv in commands.items()}
        self.log = log
        self.backoff_min, self.backoff_max, self.stable_after = backoff_min, backoff_max, stable_after
        self.stop_grace = stop_grace
        self.env = env
        self.stop_requested = threading.Event()

    def start(self, child: Child) -> None:
        child.proc = subprocess.Popen(child.argv, env=self.env, preexec_fn=_start_in_own_session)
        child.started_at = time.monotonic()
        child.restart_at = None

    def pids(self) -> dict[str, int]:
        return {c.name: c.proc.pid for c in self.children.values() if c.proc is not None and c.proc.poll() is None}

    def run(
        self, *, on_started: Callable[[], Any] | None = None, handle_signals: bool = True, tick: float = 0.25
    ) -> None:
        """Start every child, tend them every `tick` seconds until a stop is requested, then stop them all.
        `handle_signals`: SIGINT and SIGTERM request the stop (only possible in the main thread)."""
        previous = (
            {sig: signal.signal(sig, lambda *_: self.stop_requested.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
            if handle_signals
            else {}
        )
        try:
            for child in self.children.values():
                self.start(child)
            if on_started:
                on_started()
            while not self.stop_requested.is_set():
                self._tend()
                self.stop_requested.wait(tick)
        finally:
            self.stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _tend(self) -> None:
        now = time.monotonic()
        for child in self.children.values():
            if child.restart_at is not None:
                if now >= child.restart_at:
                    child.restarts += 1
                    self.log(f"{child.name}: starting again (restart {child.restarts})")
                    self.start(child)
                continue
            code = child.proc.poll()
            if code is None:
                continue
            kill_group(child.proc.pid, grace=1.0)  # the leader is gone: what it spawned must not hold its port
            ran = now - child.started_at
            child.failures = 1 if ran >= self.stable_after else child.failures + 1
            delay = min(self.backoff_max, self.backoff_min * 2 ** (child.failures - 1))
            how = f"signal {-code}" if code < 0 else f"exit code {code}"
            self.log(f"{child.name}: ended with {how} after {ran:.1f} s; restarting in {delay:g} s")
            child.restart_at = now + delay

    def stop_all(self) -> None:
        """SIGTERM to every child's group at once, then wait for each (SIGKILL after `stop_grace`)."""
        running = [c for c in self.children.values() if c.proc is not None]
        for child in running:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + self.stop_grace
        started = time.monotonic()
        for child in running:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            if group_members(child.proc.pid) and time.monotonic() >= deadline:
                self.log(f"{child.name}: still running {self.stop_grace:g} s after SIGTERM; killing it")
            kill_group(child.proc.pid, grace=max(0.0, deadline - time.monotonic()))
            if time.monotonic() - started > 1:
                self.log(f"{child.name}: stopped after {time.monotonic() - started:.1f} s")
            if child.proc.poll() is None:
                child.proc.kill()
            child.proc.wait()
