"""`faults`: the full-size fault run of issue 3 (2,000 messages). The web process (our webhook endpoint) runs under
granian on the throwaway database, the simulator injects 5% HTTP 500, 2% timeouts, 10% duplicate and reordered
webhooks, and the dispatcher subprocess is killed with SIGKILL twice and restarted. The line reports how many
messages the simulator received exactly once (must be all), duplicates and misses (must be 0).

Baseline: the same messages sent by an undisturbed dispatcher with no faults, in the same process."""

import time

import httpx


def run(size: int = 2000) -> dict:
    from bench.faults import run_fault_scenario
    from bench.kit import queue_replies, setup_channel, start_simulator, stop
    from triplec.messaging.dispatcher import Dispatcher
    from triplec.messaging.tests.factories import KODE_BILLING_PARAMS
    from triplec.tests.support import start_server, stop_server

    rate = 200.0
    web, web_url = start_server("wsgi", "triplec.wsgi:application")
    sim, base_url = start_simulator(
        webhook_url=f"{web_url}/whatsapp/webhook", config={"per_number_mps": None, "pair_limit": None}
    )
    try:
        channel = setup_channel(base_url)
        # Baseline: no faults, no kills, same rate.
        queue_replies(channel, "kode_billing_v1", KODE_BILLING_PARAMS, size, first_number=1600000000, key="base")
        start = time.perf_counter()
        Dispatcher(rate_override=rate, threads=8).run(until_idle=True)
        baseline_seconds = time.perf_counter() - start
        result = run_fault_scenario(channel=channel, sim_base_url=base_url, size=size, rate=rate)
        stats = httpx.get(base_url + "/_sim/stats").json()
    finally:
        stop(sim)
        stop_server(web)
    rate_done = size / result["seconds"]
    baseline_rate = size / baseline_seconds
    return {
        "name": "faults",
        "size": size,
        "seconds": result["seconds"],
        "rate": round(rate_done, 1),
        "baseline_rate": round(baseline_rate, 1),
        "ratio": round(rate_done / baseline_rate, 3),
        "received_once": result["received_once"],
        "duplicates": result["duplicates"],
        "missing": result["missing"],
        "failed": result["failed"],
        "kills": result["kills"],
        "injected": {k: v for k, v in result["faults"].items()},
        "webhooks": stats.get("webhooks"),
    }
