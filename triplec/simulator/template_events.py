"""What happens to a template after it is submitted: Meta's review (approved after `template_approval_ms`), and the
template notifications the control API triggers (status, quality, category), each applied and sent as a webhook."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from triplec.simulator import webhooks
from triplec.simulator.replies import Reply, reply_json
from triplec.simulator.state import Simulator

# A template status notification's event → the template's status afterwards.
TEMPLATE_EVENTS = {
    "APPROVED": "APPROVED",
    "REJECTED": "REJECTED",
    "PENDING": "PENDING",
    "PAUSED": "PAUSED",
    "DISABLED": "DISABLED",
    "FLAGGED": "APPROVED",
    "REINSTATED": "APPROVED",
    "IN_APPEAL": "REJECTED",
    "PENDING_DELETION": "DISABLED",
}


def approve_later(sim: Simulator, item: dict[str, Any]) -> None:
    """A template under review is approved after `template_approval_ms`, with its status webhook."""
    generation = sim.generation

    def approve() -> None:
        if generation != sim.generation or item["status"] != "PENDING":
            return
        item["status"] = "APPROVED"
        sim.save_templates()
        webhooks.send(
            sim,
            webhooks.envelope(
                sim,
                {
                    "event": "APPROVED",
                    "message_template_id": int(item["id"]),
                    "message_template_name": item["name"],
                    "message_template_language": item["language"],
                    "message_template_category": item["category"],
                    "reason": "NONE",
                },
                field="message_template_status_update",
            ),
            "template_status",
        )

    asyncio.get_running_loop().call_later(sim.config["template_approval_ms"] / 1000, approve)


def review_pending(sim: Simulator) -> None:
    """Once per process: templates saved while still under review (a restart in between) are reviewed now."""
    if sim.pending_scheduled:
        return
    sim.pending_scheduled = True
    for item in sim.templates:
        if item["status"] == "PENDING":
            approve_later(sim, item)


def notify(sim: Simulator, template_id: str, action: str, data: Any) -> Reply:
    """Meta's template notifications on request: a status change (PAUSED, DISABLED, ...), a quality score
    change, or a category change (impending or completed), each applied and sent as its webhook."""
    item = sim.find_template_by_id(template_id)
    if item is None:
        return reply_json({"error": f"unknown template id {template_id}"}, 404)
    if not isinstance(data, dict):
        return reply_json({"error": "the body must be a JSON object"}, 400)
    head = {
        "message_template_id": int(item["id"]),
        "message_template_name": item["name"],
        "message_template_language": item["language"],
    }
    if action == "status":
        event = str(data.get("event", "")).upper()
        if event not in TEMPLATE_EVENTS:
            return reply_json({"error": f"event must be one of {', '.join(TEMPLATE_EVENTS)}"}, 400)
        item["status"] = TEMPLATE_EVENTS[event]
        item["rejected_reason"] = str(data.get("reason") or "NONE")
        value = {
            "event": event,
            **head,
            "message_template_category": item["category"],
            "reason": str(data.get("reason") or "NONE"),
        }
        field = "message_template_status_update"
    elif action == "quality":
        score = str(data.get("new_quality_score", "")).upper()
        if score not in ("GREEN", "YELLOW", "RED", "UNKNOWN"):
            return reply_json({"error": "new_quality_score must be GREEN, YELLOW, RED or UNKNOWN"}, 400)
        previous = item.get("quality_score", {}).get("score", "UNKNOWN")
        item["quality_score"] = {"score": score, "date": int(time.time())}
        value = {"previous_quality_score": previous, "new_quality_score": score, **head}
        field = "message_template_quality_update"
    else:  # category (the route admits nothing else)
        new = str(data.get("new_category", "")).upper()
        if new not in ("MARKETING", "UTILITY", "AUTHENTICATION"):
            return reply_json({"error": "new_category must be MARKETING, UTILITY or AUTHENTICATION"}, 400)
        if data.get("impending"):  # announced 24 hours ahead: nothing changes yet
            value = {**head, "correct_category": new, "new_category": item["category"]}
        else:
            value = {**head, "previous_category": item["category"], "new_category": new}
            item["category"] = new
        field = "template_category_update"
    sim.save_templates()
    webhooks.send(sim, webhooks.envelope(sim, value, field=field), field)
    return reply_json({"template": item, "webhook": value})
