"""`triplec demo` as a user runs it, on a temporary data folder and free ports: every process survives a
`kill -9` of any one of them, Ctrl-C leaves no process and no port behind, and a held port is refused."""

import os
import signal
import socket
import subprocess
import sys

import httpx
import pytest

from triplec.core.cpu import descendants
from triplec.core.processes import alive, free_port, kill_group, port_holder, wait_until

CHILDREN = {  # name -> what tells its command line apart
    "web": "asginl",
    "hooks": "triplec.messaging.wsgi",
    "worker": "run_huey",
    "simulator": "simulator",
    "dispatcher": "dispatcher",
    "webhooks": "process_webhooks",
}


def _ports() -> tuple[int, int]:
    """A web port whose webhook port (+10) is free too, and the simulator's."""
    while True:
        web = free_port()
        if web + 10 < 65536 and port_holder(web + 10) is None:
            return web, free_port()


class Demo:
    def __init__(self, tmp_path, web: int, sim: int):
        self.web, self.sim = web, sim
        self.log = open(tmp_path / "demo.log", "w+")
        env = {
            **os.environ,
            "TRIPLEC_DATA_DIR": str(tmp_path / "data"),
            "SIMULATOR_PORT": str(sim),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'triplec.sqlite3'}",
            "WHATSAPP_BASE_URL": f"http://127.0.0.1:{sim}",
            "SITE_URL": f"http://127.0.0.1:{web}",
        }
        env.pop("HUEY_IMMEDIATE", None)
        triplec = os.path.join(os.path.dirname(sys.executable), "triplec")
        self.proc = subprocess.Popen(
            [triplec, "demo", "--port", str(web), "--taxpayers", "20"],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.seen: set[int] = set()

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def children(self) -> dict[str, int]:
        """name -> pid of the demo's direct children; remembers every pid of the tree it has seen."""
        tree = descendants(self.proc.pid)
        self.seen.update(tree)
        found = {}
        for pid in tree:
            try:
                with open(f"/proc/{pid}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) != self.proc.pid:
                        continue
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cmd = f.read().decode(errors="replace")
            except OSError:
                continue
            for name, mark in CHILDREN.items():
                if mark in cmd and name not in found and not (name == "dispatcher" and "process_webhooks" in cmd):
                    found[name] = pid
                    break
        return found

    def answers(self) -> bool:
        try:
            web = httpx.get(f"http://127.0.0.1:{self.web}/login/", timeout=2).status_code == 200
            hooks = httpx.get(f"http://127.0.0.1:{self.web + 10}/whatsapp/webhook", timeout=2).status_code < 500
            sim = httpx.get(f"http://127.0.0.1:{self.sim}/_sim/health", timeout=2).json().get("ok")
            return web and hooks and bool(sim)
        except (httpx.HTTPError, ValueError):
            return False

    def cleanup(self) -> None:
        """Whatever a failed test left running."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        for pid in self.seen:
            if alive(pid):
                kill_group(os.getpgid(pid), grace=0)
        self.log.close()


def _bot_answers(demo: Demo, number: str) -> bool:
    """The taxpayer's phone writes; the reply comes back through webhook, bot, outbox and dispatcher."""
    sim = f"http://127.0.0.1:{demo.sim}"
    httpx.post(f"{sim}/_sim/inbound", json={"from": number, "text": "halo"}, timeout=10).raise_for_status()
    return wait_until(
        lambda: httpx.get(f"{sim}/_sim/messages", params={"to": number}, timeout=5).json()["messages"],
        timeout=30,
        message="no reply from the bot",
    )


@pytest.mark.slow
def test_it_keeps_the_demo_answering_after_a_kill_of_any_process_and_leaves_nothing_after_ctrl_c(tmp_path):
    web, sim = _ports()
    demo = Demo(tmp_path, web, sim)
    try:
        wait_until(
            lambda: demo.answers() and len(demo.children()) == len(CHILDREN),
            timeout=240,
            interval=0.5,
            message="the demo did not start",
        )
        for n, name in enumerate(CHILDREN):
            before = demo.children()
            os.kill(before[name], signal.SIGKILL)
            wait_until(
                lambda: demo.children().get(name) not in (None, before[name]),
                timeout=60,
                message=f"{name} was not restarted",
            )
            wait_until(demo.answers, timeout=60, interval=0.2, message=f"the product did not answer after {name}")
            after = demo.children()
            assert {k: v for k, v in after.items() if k != name} == {k: v for k, v in before.items() if k != name}
        assert _bot_answers(demo, "6281299990001")
        log = demo.output()
        for name in CHILDREN:
            assert f"supervisor: {name}: ended with signal 9" in log

        demo.children()
        demo.proc.send_signal(signal.SIGINT)  # what Ctrl-C in the terminal does
        assert demo.proc.wait(timeout=60) == 0
        assert not [pid for pid in demo.seen if alive(pid)]
        assert [port_holder(p) for p in (web, web + 10, sim)] == [None, None, None]
    finally:
        demo.cleanup()


def test_it_refuses_to_start_the_demo_beside_a_process_that_holds_its_port(tmp_path):
    web, sim = _ports()
    with socket.socket() as held:
        held.bind(("127.0.0.1", web + 10))
        held.listen()
        demo = Demo(tmp_path, web, sim)
        try:
            assert demo.proc.wait(timeout=120) != 0
            output = demo.output()
        finally:
            demo.cleanup()
    assert f"port {web + 10} is in use by process {os.getpid()}" in output
