"""The supervisor of `triplec demo` with real processes: restarts with backoff, stops whole process groups."""

import os
import signal
import socket
import sys
import threading

from triplec.core.processes import Supervisor, alive, free_port, port_holder, wait_until

# A child that listens on a port through a grandchild (as granian's workers do), then waits.
SERVER = """
import socket, subprocess, sys, time
port = int(sys.argv[1])
subprocess.Popen([sys.executable, "-c", f'''
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", {port})); s.listen()
while True:
    conn, _ = s.accept(); conn.sendall(b"ok"); conn.close()
'''])
while True:
    time.sleep(3600)
"""
SLEEPER = "import time\nwhile True: time.sleep(3600)"


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            return conn.recv(2) == b"ok"
    except OSError:
        return False


def _children(pid: int) -> list[int]:
    found = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/children") as f:
            found += [int(c) for c in f.read().split()]
    return found


class Running:
    """A supervisor running in a thread of the test, as `triplec demo` runs it in its main thread."""

    def __init__(self, commands: dict[str, list[str]], **options):
        self.lines: list[str] = []
        self.supervisor = Supervisor(commands, log=self.lines.append, **options)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        wait_until(lambda: len(self.supervisor.pids()) == len(commands), message="children did not start")

    def _run(self):
        self.supervisor.run(handle_signals=False, tick=0.05)  # signal handlers need the main thread

    def stop(self):
        self.supervisor.stop_requested.set()
        self.thread.join(timeout=20)
        assert not self.thread.is_alive()


def test_it_restarts_a_killed_child_and_leaves_the_others_running():
    port = free_port()
    running = Running(
        {"server": [sys.executable, "-c", SERVER, str(port)], "sleeper": [sys.executable, "-c", SLEEPER]},
        backoff_min=0.1,
    )
    try:
        wait_until(lambda: _answers(port), message="server did not answer")
        before = running.supervisor.pids()
        os.kill(before["server"], signal.SIGKILL)
        wait_until(
            lambda: running.supervisor.pids().get("server") not in (None, before["server"]),
            message="server was not restarted",
        )
        wait_until(lambda: _answers(port), message="restarted server did not answer")
        assert running.supervisor.pids()["sleeper"] == before["sleeper"]
        assert any(line.startswith("server: ended with signal 9") for line in running.lines)
    finally:
        running.stop()


def test_it_waits_longer_after_each_crash_in_a_row():
    lines: list[str] = []
    supervisor = Supervisor(
        {"crasher": [sys.executable, "-c", "import sys; sys.exit(3)"]},
        log=lines.append,
        backoff_min=0.05,
        backoff_max=0.2,
    )
    supervisor.start(supervisor.children["crasher"])
    wait_until(
        lambda: supervisor._tend() or len([l for l in lines if "ended" in l]) >= 4,
        timeout=15,
        message="crasher did not crash four times",
    )
    supervisor.stop_all()
    delays = [line.rsplit("restarting in ", 1)[1] for line in lines if "ended" in line][:4]
    assert delays == ["0.05 s", "0.1 s", "0.2 s", "0.2 s"]
    assert "exit code 3" in lines[0]


def test_it_stops_every_child_and_grandchild_and_frees_their_ports():
    port = free_port()
    running = Running({"server": [sys.executable, "-c", SERVER, str(port)], "sleeper": [sys.executable, "-c", SLEEPER]})
    wait_until(lambda: _answers(port), message="server did not answer")
    server = running.supervisor.pids()["server"]
    family = [*running.supervisor.pids().values(), *_children(server)]
    assert len(family) == 3
    running.stop()
    assert not [pid for pid in family if alive(pid)]
    assert port_holder(port) is None


def test_it_ends_what_a_crashed_child_left_behind_before_starting_it_again():
    port = free_port()
    running = Running({"server": [sys.executable, "-c", SERVER, str(port)]}, backoff_min=0.1)
    try:
        wait_until(lambda: _answers(port), message="server did not answer")
        server = running.supervisor.pids()["server"]
        orphan = _children(server)[0]
        os.kill(server, signal.SIGKILL)  # its grandchild still holds the port
        wait_until(lambda: running.supervisor.pids().get("server") not in (None, server), message="no restart")
        assert not alive(orphan)
        wait_until(lambda: _answers(port), message="restarted server did not answer")
    finally:
        running.stop()


def test_it_names_the_process_that_holds_a_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        holder = port_holder(sock.getsockname()[1])
    assert holder.startswith(f"process {os.getpid()} (") and "pytest" in holder
