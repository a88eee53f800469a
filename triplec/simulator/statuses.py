"""The life of an accepted message after the answer: sent → delivered → read (or failed), each a status webhook
after `delays_ms` from the one before, disturbed by the injected faults."""

from __future__ import annotations

import asyncio
import random
from typing import Any

from triplec.simulator import faults, webhooks
from triplec.simulator.state import Simulator, now_ts

STATUS_RANK = {"accepted": 0, "sent": 1, "delivered": 2, "read": 3, "failed": 4}


def schedule(sim: Simulator, msg: dict[str, Any], rng: random.Random, failed: dict[str, Any] | None) -> None:
    """Plan sent → delivered → read (or one failed status, carrying the `failed` error) for an accepted message."""
    drawn = faults.draw_status_faults(sim, rng)
    d = sim.config["delays_ms"]
    if failed:
        events = [(d["sent"], "failed")]
    else:
        t_sent = d["sent"]
        t_delivered = t_sent + d["delivered"]
        events = [(t_sent, "sent"), (t_delivered, "delivered")]
        if sim.config["auto_read"]:
            events.append((t_delivered + d["read"], "read"))
        events = faults.disturb_statuses(events, drawn, msg["faults"])
    loop = asyncio.get_running_loop()
    generation = sim.generation
    for (delay, status), dup in zip(events, drawn.duplicates):
        if dup:
            msg["faults"].append(f"duplicate_{status}")
        loop.call_later(delay / 1000, fire, sim, generation, msg, status, dup, failed)


def fire(
    sim: Simulator,
    generation: int,
    msg: dict[str, Any],
    status: str,
    duplicate: bool = False,
    failed: dict[str, Any] | None = None,
) -> None:
    """Record one status and send its webhook (once per status; not at all after a reset)."""
    if generation != sim.generation or any(s["status"] == status for s in msg["statuses"]):
        return
    ts = now_ts()
    entry: dict[str, Any] = {"status": status, "timestamp": ts}
    webhook: dict[str, Any] = {"id": msg["wamid"], "status": status, "timestamp": ts}
    if msg["to"]:
        webhook["recipient_id"] = msg["to"]
    # Meta (2026 BSUID change): sent/delivered/read carry the BSUID and a `contacts` entry; a failed status
    # has no `contacts`, and its `recipient_user_id` only when the message was addressed to the BSUID.
    if msg["user_id"] and (not failed or msg["to_bsuid"]):
        webhook["recipient_user_id"] = msg["user_id"]
    if msg["biz_opaque_callback_data"] is not None:
        webhook["biz_opaque_callback_data"] = msg["biz_opaque_callback_data"]
    if failed:
        errors = [failed]
        entry["errors"] = errors
        webhook["errors"] = errors
    else:
        webhook["pricing"] = msg["pricing"]
    msg["statuses"].append(entry)
    if STATUS_RANK[status] > STATUS_RANK[msg["status"]]:
        msg["status"] = status
    sim.touch(msg["chat"])
    value: dict[str, Any] = {"statuses": [webhook]}
    u = sim.users.get(msg["chat"])
    if not failed and u is not None:
        value = {"contacts": [webhooks.contact(u, profile=False, username=status != "sent")], **value}
    webhooks.send(sim, webhooks.envelope(sim, value), f"status:{status}", duplicate=duplicate)


def mark_chat_read(sim: Simulator, key: str) -> int:
    """The taxpayer opened the chat: everything delivered to them turns blue (when not read already)."""
    count = 0
    for msg in sim.by_to.get(key, []):
        if msg["status"] in ("failed", "read") or not msg["statuses"]:
            continue
        if not any(s["status"] == "delivered" for s in msg["statuses"]):
            fire(sim, sim.generation, msg, "delivered")
        fire(sim, sim.generation, msg, "read")
        count += 1
    return count
