"""Shared plumbing of the WhatsApp benchmarks: the simulator as a subprocess, the channel, small statistics.
`triplec bench` runs each benchmark on a throwaway database, never the real one."""

import json
import os
import subprocess
import sys
import time

import httpx

from triplec.core.processes import stop_process_group
from triplec.messaging.models import Lane, Template
from triplec.messaging.registry import templates_sync
from triplec.messaging.services import message_enqueue
from triplec.simulator.testing import simulator_command
from triplec.tests.support import database_url_for_subprocess, free_port, make_channel, start_server, wait_until


def start_simulator(*, port: int | None = None, webhook_url: str | None = None, config: dict | None = None):
    """`python -m triplec.simulator` on a free port; returns (process, base_url) once /_sim/health answers."""
    port = port or free_port()
    options = {"webhook_url": webhook_url} if webhook_url else {}
    if config:
        options["config"] = json.dumps(config)
    proc = subprocess.Popen(simulator_command(port, **options), start_new_session=True)
    base_url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        try:
            return httpx.get(base_url + "/_sim/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    wait_until(healthy, timeout=20, message="the simulator did not start")
    return proc, base_url


def stop(proc: subprocess.Popen) -> None:
    stop_process_group(proc, grace=5)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def latency_fields(values: list[float], digits: int) -> dict:
    """p50_ms, p95_ms and p99_ms of a benchmark's latencies (in ms), rounded to `digits`."""
    return {f"p{p}_ms": round(percentile(values, p), digits) for p in (50, 95, 99)}


def setup_channel(base_url: str):
    """Office 922, its channel pointed at the simulator, and the simulator's templates synced into the registry."""
    channel = make_channel(base_url, messages_per_second=80)
    templates_sync(channel=channel)
    return channel


def queue_replies(channel, template_name: str, params, count: int, *, first_number: int, key: str) -> None:
    """`count` messages of the synced template on the reply lane (throughput, not office hours), one to each of
    the numbers +628<first_number>, +628<first_number + 1>, ..."""
    template = Template.objects.get(channel=channel, name=template_name, is_current=True)
    for i in range(count):
        message_enqueue(
            channel=channel,
            to=f"+628{first_number + i}",
            kind="template",
            template=template,
            params=params,
            idempotency_key=f"{key}:{i}",
            lane=Lane.REPLY,
        )


def now() -> float:
    return time.perf_counter()


def start_web(
    app: str = "triplec.wsgi:application",
    *,
    workers: int = 1,
    blocking_threads: int | None = None,
    env: dict | None = None,
):
    """Our app under granian WSGI on the current (throwaway) database, with the worker and thread counts the
    benchmarks compare; returns (process, base_url). Stop it with `triplec.tests.support.stop_server`."""
    extra = ("--blocking-threads", str(blocking_threads)) if blocking_threads else ()
    return start_server("wsgi", app, env=env, workers=workers, extra_args=extra)


def start_loop(args: list[str], env: dict | None = None) -> subprocess.Popen:
    """A `triplec` management command (a processing loop) on the current database, in its own process group."""
    return subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "triplec"), *args],
        start_new_session=True,
        env={**os.environ, "DATABASE_URL": database_url_for_subprocess(), **(env or {})},
    )
