"""Meta's two send limits: messages per second per phone number (130429) and the burst to one user (131056)."""

from __future__ import annotations

import time

from triplec.simulator.state import Simulator


def take_token(sim: Simulator, phone_number_id: str) -> bool:
    """A token bucket per phone number id holding one second of burst (`per_number_mps`; None: no limit)."""
    mps = sim.config["per_number_mps"]
    if mps is None:
        return True
    now = time.monotonic()
    capacity = max(1.0, float(mps))
    tokens, last = sim.buckets.get(phone_number_id, (capacity, now))
    tokens = min(capacity, tokens + (now - last) * mps)
    if tokens < 1:
        sim.buckets[phone_number_id] = (tokens, now)
        return False
    sim.buckets[phone_number_id] = (tokens - 1, now)
    return True


def pair_allows(sim: Simulator, key: str) -> bool:
    """At most `pair_limit.count` messages to one user within `pair_limit.seconds` (None: no limit)."""
    limit = sim.config["pair_limit"]
    if limit is None:
        return True
    now = time.monotonic()
    times = sim.pairs[key]
    while times and now - times[0] >= limit["seconds"]:
        times.popleft()
    if len(times) >= limit["count"]:
        return False
    times.append(now)
    return True
