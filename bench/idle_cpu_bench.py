"""`idle_cpu`: CPU used by the whole embedded default while nobody uses it, as % of one core.

Starts `triplec demo` (every process of the product under its supervisor) on a temporary data folder and free
ports with a 200-taxpayer office, waits until every server answers and 15 s more (start-up work: template sync,
the first heartbeats), then reads utime + stime of every process in the demo's tree from /proc over SIZE seconds
(triplec.core.cpu.measure_tree) and divides by the wall time. The same reading works on a running `make demo`:
`.venv/bin/python -m triplec.core.cpu <pid of triplec demo> 60`.

rate: CPU % of one core used by all processes together; baseline_rate: the target (2 % of one core);
ratio: rate / target (below 1 meets it). per_process lists each process's share.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time

import httpx

from triplec.core.cpu import measure_tree
from triplec.core.processes import free_port, port_holder, wait_until

TARGET_PERCENT = 2.0
SETTLE_SECONDS = 15


def _answers(web: int, sim: int) -> bool:
    try:
        return (
            httpx.get(f"http://127.0.0.1:{web}/login/", timeout=2).status_code == 200
            and httpx.get(f"http://127.0.0.1:{web + 10}/whatsapp/webhook", timeout=2).status_code < 500
            and httpx.get(f"http://127.0.0.1:{sim}/_sim/health", timeout=2).status_code == 200
        )
    except httpx.HTTPError:
        return False


def run(size: int = 60) -> dict:
    web = free_port()
    while port_holder(web + 10) is not None:
        web = free_port()
    sim = free_port()
    with tempfile.TemporaryDirectory(prefix="triplec-idle-") as tmp:
        data = os.path.join(tmp, "data")
        env = {
            **os.environ,
            "TRIPLEC_DATA_DIR": data,
            "DATABASE_URL": f"sqlite:///{data}/triplec.sqlite3",
            "SIMULATOR_PORT": str(sim),
            "WHATSAPP_BASE_URL": f"http://127.0.0.1:{sim}",
            "SITE_URL": f"http://127.0.0.1:{web}",
        }
        triplec = os.path.join(os.path.dirname(sys.executable), "triplec")
        demo = subprocess.Popen(
            [triplec, "demo", "--port", str(web), "--taxpayers", "200"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until(lambda: _answers(web, sim), timeout=300, interval=0.5, message="the demo did not start")
            time.sleep(SETTLE_SECONDS)  # a measurement window, not a wait for a condition
            reading = measure_tree(demo.pid, size)
        finally:
            demo.send_signal(signal.SIGINT)
            demo.wait(timeout=60)
    rate = reading["cpu_percent_of_one_core"]
    return {
        "name": "idle_cpu",
        "size": size,
        "seconds": reading["seconds"],
        "rate": rate,
        "baseline_rate": TARGET_PERCENT,
        "ratio": round(rate / TARGET_PERCENT, 3),
        "unit": "% of one core",
        "processes": reading["processes"],
        "database": "sqlite",
        "per_process": [
            {"command": p["command"][:40], "cpu_percent": p["cpu_percent"]}
            for p in reading["per_process"]
            if p["cpu_percent"] > 0
        ],
    }
