"""`ratelimit`: the achieved send rate with the channel at 80 msg/s, over `size` seconds (default 30).

Target: within ±5% of 80 msg/s, with no 130429 from the simulator (which enforces 80/s itself). The baseline is
the configured rate; `ratio` = achieved / configured."""

import time

import httpx


def run(size: int = 30) -> dict:
    from bench.kit import queue_replies, setup_channel, start_simulator, stop
    from triplec.messaging.dispatcher import Dispatcher
    from triplec.messaging.models import OutboundMessage, State

    configured = 80
    sim, base_url = start_simulator(config={"per_number_mps": configured, "pair_limit": None, "webhook_url": None})
    try:
        channel = setup_channel(base_url)
        count = configured * size + configured * 5  # more than can go in `size` seconds
        params = {"nama": "Budi", "perihal": "tagihan"}
        queue_replies(channel, "sapaan_lanjutan_v1", params, count, first_number=1400000000, key="rl")
        dispatcher = Dispatcher(threads=8)
        # Warm-up: let the bucket settle, then measure a window of `size` seconds by the send timestamps.
        dispatcher.run(max_seconds=2)
        before = OutboundMessage.objects.filter(state=State.SENT).count()
        start = time.perf_counter()
        dispatcher = Dispatcher(threads=8)
        dispatcher.run(max_seconds=size)
        seconds = time.perf_counter() - start
        sent = OutboundMessage.objects.filter(state=State.SENT).count() - before
        stats = httpx.get(base_url + "/_sim/stats").json()
    finally:
        stop(sim)
    rate = sent / seconds
    return {
        "name": "ratelimit",
        "size": size,
        "seconds": round(seconds, 3),
        "rate": round(rate, 2),
        "baseline_rate": configured,
        "ratio": round(rate / configured, 4),
        "sent": sent,
        "rejected_130429": stats.get("rejected", {}).get("130429", 0),
        "target": "80 msg/s ±5%",
    }
