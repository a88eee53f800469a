"""Injected faults (`config.faults`): failed, throttled and timed-out sends, and odd status webhooks.

Every draw comes from a generator made from the seed and the request's number, so the same seed and the same
request order give the same faults, however many draws each request makes and whatever else changes. The two
webhook faults (`webhook_delay_ms`, `webhook_down`) are applied where webhooks are delivered (webhooks.py).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass

from triplec.simulator.replies import Reply, meta_error
from triplec.simulator.state import Simulator


def rng_for_request(sim: Simulator) -> random.Random:
    sim.request_no += 1
    return random.Random(sim.config["seed"] * 1_000_003 + sim.request_no)


async def around_send(sim: Simulator, rng: random.Random, send: Callable[[], Reply]) -> Reply:
    """A send as the faults make it: an injected 500 or 429 instead, or a timeout that answers late; a
    `timeout_accept` share of timeouts accepted the message anyway (the ambiguous case a dispatcher resolves)."""
    faults = sim.config["faults"]
    draw = rng.random()
    if draw < faults["http_500"]:
        sim.stats["faults"]["http_500"] += 1
        return meta_error(131000, "Something went wrong", "Internal server error (injected).", 500, transient=True)
    if draw < faults["http_500"] + faults["http_429"]:
        sim.stats["faults"]["http_429"] += 1
        return meta_error(
            80007,
            "Rate limit issues",
            "The WhatsApp Business Account has reached its rate limit (injected).",
            429,
            transient=True,
        )
    if draw < faults["http_500"] + faults["http_429"] + faults["timeout"]:
        sim.stats["faults"]["timeout"] += 1
        accept = rng.random() < faults["timeout_accept"]
        result = send() if accept else None
        if accept:
            sim.stats["faults"]["timeout_accepted"] += 1
        await asyncio.sleep(faults["timeout_seconds"])
        if result is not None:
            return result
        return meta_error(
            2, "Service temporarily unavailable", "The request timed out (injected).", 503, transient=True
        )
    return send()


@dataclass(frozen=True)
class StatusFaults:
    skip_delivered: bool
    reorder: bool
    duplicates: tuple[bool, ...]  # per status in order: its webhook is sent twice


def draw_status_faults(sim: Simulator, rng: random.Random) -> StatusFaults:
    faults = sim.config["faults"]
    skip, reorder = rng.random() < faults["skip_delivered"], rng.random() < faults["reorder_statuses"]
    return StatusFaults(skip, reorder, tuple(rng.random() < faults["duplicate_webhook"] for _ in range(3)))


def disturb_statuses(events: list[tuple[float, str]], drawn: StatusFaults, noted: list[str]) -> list[tuple[float, str]]:
    """The planned (delay, status) events with `delivered` left out and/or the last two swapped, as drawn; each
    applied fault is noted on the message."""
    if drawn.skip_delivered:
        events = [e for e in events if e[1] != "delivered"]
        noted.append("skip_delivered")
    if drawn.reorder and len(events) >= 2:
        # The last status overtakes the one before it (read before delivered, or read before sent).
        (ta, sa), (tb, sb) = events[-2], events[-1]
        events[-2:] = [(ta, sb), (tb + 1, sa)]
        noted.append("reorder_statuses")
    return events


def duplicate_inbound(sim: Simulator) -> bool:
    """Whether this inbound message's webhook is sent twice (one draw of a new request)."""
    return rng_for_request(sim).random() < sim.config["faults"]["duplicate_webhook"]
