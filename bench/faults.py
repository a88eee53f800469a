"""The fault scenario of issue 3: the simulator injects 5% HTTP 500, 2% timeouts, 10% duplicate and reordered
webhooks; a dispatcher subprocess is killed with SIGKILL twice mid-run and restarted. At the end every message must
have been received by the simulator exactly once, and our states must match the simulator's.

Used by the test (reduced size) and by `triplec bench run faults` (full size, 2,000)."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import httpx

from bench.kit import queue_replies
from triplec.messaging.models import OutboundMessage, State
from triplec.messaging.tests.factories import KODE_BILLING_PARAMS
from triplec.tests.support import database_url_for_subprocess, wait_until

# Small timings so a run takes seconds: our client gives up after 1 s while the simulator holds a "timeout" for
# 2 s (half of those are accepted anyway); a claim whose dispatcher stopped beating is resolved after 3 s.
DISPATCHER_ENV = {
    "WHATSAPP_READ_TIMEOUT": "1.0",
    "WHATSAPP_STALE_CLAIM_SECONDS": "3.0",
    "WHATSAPP_RETRY_BASE_SECONDS": "0.2",
    "WHATSAPP_RETRY_MAX_SECONDS": "2.0",
    "WHATSAPP_MAX_ATTEMPTS": "12",
    "WHATSAPP_PAIR_LIMIT_COUNT": "45",
}
IN_FLIGHT = [State.QUEUED, State.SENDING]
DONE = [State.SENT, State.DELIVERED, State.READ]


def start_dispatcher(rate: float) -> subprocess.Popen:
    bin_dir = os.path.dirname(sys.executable)
    return subprocess.Popen(
        [os.path.join(bin_dir, "triplec"), "dispatcher", "--rate", str(rate), "--threads", "8"],
        env={**os.environ, "DATABASE_URL": database_url_for_subprocess(), **DISPATCHER_ENV},
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )


def kill(proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)


def run_fault_scenario(*, channel, sim_base_url: str, size: int, rate: float, timeout: float = 300) -> dict:
    http = httpx.Client(base_url=sim_base_url, timeout=30)
    http.post(
        "/_sim/config",
        json={
            "per_number_mps": None,
            "pair_limit": None,
            "faults": {
                "http_500": 0.05,
                "timeout": 0.02,
                "timeout_seconds": 2.0,
                "duplicate_webhook": 0.10,
                "reorder_statuses": 0.10,
            },
        },
    ).raise_for_status()
    queue_replies(channel, "kode_billing_v1", KODE_BILLING_PARAMS, size, first_number=1300000000, key="faults")
    started = time.perf_counter()
    kills = 0
    proc = start_dispatcher(rate)
    try:
        for fraction in (1 / 3, 2 / 3):
            wait_until(
                lambda: OutboundMessage.objects.filter(state__in=DONE).count() >= size * fraction,
                timeout=timeout,
                interval=0.05,
                message="the dispatcher made no progress",
            )
            kill(proc)
            kills += 1
            proc = start_dispatcher(rate)
        wait_until(
            lambda: not OutboundMessage.objects.filter(state__in=IN_FLIGHT).exists(),
            timeout=timeout,
            interval=0.1,
            message="messages still queued or in flight",
        )
        seconds = time.perf_counter() - started
    finally:
        kill(proc, signal.SIGTERM)
    sim_messages = http.get("/_sim/messages").json()["messages"]
    ours = {str(m.callback_id): m for m in OutboundMessage.objects.filter(idempotency_key__startswith="faults:")}
    received = Counter(m["biz_opaque_callback_data"] for m in sim_messages if m["biz_opaque_callback_data"] in ours)

    def states_match() -> bool:
        latest = {m["biz_opaque_callback_data"]: m for m in http.get("/_sim/messages").json()["messages"]}
        rows = OutboundMessage.objects.filter(idempotency_key__startswith="faults:").values_list(
            "callback_id", "state", "wamid"
        )
        return all(
            str(cb) in latest and latest[str(cb)]["wamid"] == wamid and state == _final(latest[str(cb)])
            for cb, state, wamid in rows
        )

    # Every status webhook must have arrived and been applied: allow for a slow endpoint on a busy machine.
    wait_until(
        states_match, timeout=max(60.0, size * 0.3), interval=0.5, message="our states never matched the simulator's"
    )
    stats = http.get("/_sim/stats").json()
    http.close()
    return {
        "size": size,
        "seconds": round(seconds, 3),
        "kills": kills,
        "received_once": sum(1 for cb in ours if received[cb] == 1),
        "duplicates": sum(1 for n in received.values() if n > 1),
        "missing": sum(1 for cb in ours if received[cb] == 0),
        "failed": sum(1 for m in ours.values() if m.state == State.FAILED),
        "faults": stats.get("faults", {}),
        "webhooks": stats.get("webhooks", {}),
    }


def _final(sim_message: dict) -> str:
    """The simulator's furthest status of a message, in our vocabulary."""
    seen = {s["status"] if isinstance(s, dict) else s for s in sim_message.get("statuses", [])}
    for status in ("failed", "read", "delivered", "sent"):
        if status in seen:
            return status
    return "sent"
