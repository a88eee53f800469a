"""`dispatch`: messages per second from the outbox to the simulator with the rate limit lifted.

Baseline, in the same process against the same simulator: a bare httpx loop posting the same payloads one after
another. Target: >= 1,000 msg/s for the dispatcher on this 2-core machine, simulator included.
"""

import json
import os
import time

import httpx

from bench.registry import headline


def run(size: int = 3000) -> dict:
    from django.db import connection

    from bench.kit import queue_replies, setup_channel, start_simulator, stop
    from triplec.messaging.dispatcher import Dispatcher
    from triplec.messaging.models import OutboundMessage, State
    from triplec.messaging.tests.factories import KODE_BILLING_PARAMS

    if True:  # `triplec bench` has already switched to a throwaway database
        sim, base_url = start_simulator(config={"per_number_mps": None, "pair_limit": None, "webhook_url": None})
        try:
            channel = setup_channel(base_url)
            queue_replies(channel, "kode_billing_v1", KODE_BILLING_PARAMS, size, first_number=1200000000, key="bench")
            payloads = [
                dict(p, biz_opaque_callback_data=f"baseline-{i}")
                for i, p in enumerate(OutboundMessage.objects.values_list("payload", flat=True))
            ]

            url = f"/{channel.api_version}/{channel.phone_number_id}/messages"
            with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {channel.access_token}"}) as c:
                start = time.perf_counter()
                for payload in payloads:
                    c.post(
                        url, content=json.dumps(payload), headers={"Content-Type": "application/json"}
                    ).raise_for_status()
                baseline_seconds = time.perf_counter() - start

            dispatcher = Dispatcher(rate_override=10**6, batch=500, threads=int(os.environ.get("BENCH_THREADS", "16")))
            start = time.perf_counter()
            dispatcher.run(until_idle=True)
            seconds = time.perf_counter() - start
            sent = OutboundMessage.objects.filter(state=State.SENT).count()
            stats = httpx.get(base_url + "/_sim/stats").json()
        finally:
            stop(sim)
        vendor = connection.vendor
    rate = sent / seconds
    baseline_rate = size / baseline_seconds
    return {
        **headline("dispatch", size, seconds, rate, baseline_rate),
        "sent": sent,
        "simulator_accepted": stats.get("accepted"),
        "database": vendor,
        "target_rate": 1000,
    }
