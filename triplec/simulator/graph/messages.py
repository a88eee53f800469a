"""`POST /{phone_number_id}/messages`: Meta's checks in Meta's order, then acceptance (the answer, the record, the
status timeline); also the mark-as-read form of the same endpoint.

Order of checks: JSON and ids, injected faults, payload/template validation, per-number rate, pair rate, 24-hour
window, non-WhatsApp number. Only accepted messages are recorded. Nothing awaits between a check and the write it
allows.
"""

from __future__ import annotations

import json
import logging
import random
import time
from typing import Any

from triplec.core.masking import mask_text
from triplec.simulator import faults, statuses
from triplec.simulator.graph import media, rate_limits
from triplec.simulator.graph.message_view import build_view
from triplec.simulator.replies import Rejected, Reply, meta_error, rejection, reply_json, unknown_object
from triplec.simulator.state import BSUID, Simulator, digits_of

log = logging.getLogger("triplec.simulator")

ERROR_HREF = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"


async def post_message(sim: Simulator, phone_number_id: str, body: bytes) -> Reply:
    sim.stats["received"] += 1
    if phone_number_id != sim.config["phone_number_id"]:
        sim.stats["rejected"]["100"] += 1
        return unknown_object(phone_number_id)
    try:
        payload = json.loads(body)
        if not isinstance(payload, dict):
            raise ValueError
    except ValueError:
        sim.stats["rejected"]["100"] += 1
        return meta_error(100, "Invalid parameter", "The request body is not a JSON object.")
    if payload.get("messaging_product") != "whatsapp":
        sim.stats["rejected"]["100"] += 1
        return meta_error(100, "Invalid parameter", "messaging_product must be 'whatsapp'.")
    if payload.get("status") == "read":
        return mark_as_read(sim, payload)
    rng = faults.rng_for_request(sim)
    return await faults.around_send(sim, rng, lambda: _send_checked(sim, phone_number_id, payload, rng))


def _send_checked(sim: Simulator, phone_number_id: str, payload: dict[str, Any], rng: random.Random) -> Reply:
    try:
        return accept(sim, phone_number_id, payload, rng)
    except Rejected as exc:
        sim.stats["rejected"][str(exc.code)] += 1
        log.info(
            "rejected a %s message to %s: %s",
            payload.get("type", "text"),
            mask_text(digits_of(payload.get("to")) or "-"),
            exc.code,
        )
        return rejection(exc)


def accept(sim: Simulator, phone_number_id: str, payload: dict[str, Any], rng: random.Random) -> Reply:
    """Meta's synchronous checks, then acceptance; raises Rejected with Meta's code."""
    raw_to = payload.get("to")
    recipient = payload.get("recipient")
    key, to, user_id = _recipient(sim, raw_to, recipient)
    view, category = build_view(sim, payload)
    if not rate_limits.take_token(sim, phone_number_id):
        raise Rejected(
            130429,
            f"Message failed to send because there were more than "
            f"{sim.config['per_number_mps']} messages per second from this phone number.",
        )
    if not rate_limits.pair_allows(sim, key):
        raise Rejected(
            131056,
            "Message failed to send because there were too many messages sent from this "
            "phone number to the same phone number in a short period of time.",
        )
    if payload.get("type", "text") != "template" and not sim.window_open(sim.users.get(key)):
        raise Rejected(
            131047,
            "Message failed to send because more than 24 hours have passed since the "
            "customer last replied to this number.",
        )
    undeliverable = bool(to) and to in sim.config["non_whatsapp_numbers"]
    if undeliverable and sim.config["non_whatsapp_mode"] == "sync":
        raise Rejected(131026, "Message Undeliverable.")
    u = sim.user(key, wa_id=to or None, user_id=user_id)
    msg = _record(sim, payload, key, to, u, user_id is not None, view, category)
    failed = None
    if undeliverable:
        failed = {
            "code": 131026,
            "title": "Message undeliverable",
            "message": "Message undeliverable",
            "error_data": {"details": "Message Undeliverable."},
            "href": ERROR_HREF,
        }
    header = view.get("header")
    if header and header.get("type") == "document" and header.get("link") and not failed:
        # Meta fetches a linked document before it delivers the message: the statuses follow the fetch.
        sim.spawn(media.fetch_document(sim, msg, header, rng))
    else:
        statuses.schedule(sim, msg, rng, failed)
        if header and header.get("type") == "document" and header.get("id"):
            header["media_id"] = str(header["id"])
    if log.isEnabledFor(logging.DEBUG):
        log.debug("accepted %s to %s as %s", msg["type"], mask_text(to or "-"), msg["wamid"])
    contact: dict[str, Any] = {"input": raw_to if raw_to is not None else recipient}
    if to:
        contact["wa_id"] = to
    if u["user_id"]:
        contact["user_id"] = u["user_id"]
    return reply_json(
        {
            "messaging_product": "whatsapp",
            "contacts": [contact],
            "messages": [{"id": msg["wamid"], "message_status": "accepted"}],
        }
    )


def _recipient(sim: Simulator, raw_to: Any, recipient: Any) -> tuple[str, str | None, str | None]:
    """(chat key, phone digits when known, the BSUID when the message was addressed to one)."""
    for bsuid in (recipient, raw_to):
        if isinstance(bsuid, str) and BSUID.match(bsuid):
            key = sim.bsuids.get(bsuid, bsuid)
            return key, sim.users[key]["wa_id"] if key in sim.users else None, bsuid
    to = digits_of(raw_to)
    if not 8 <= len(to) <= 15:
        raise Rejected(
            100,
            "to must be a phone number in international format (E.164 digits) or a business-scoped user id.",
        )
    return to, to, None


def _record(
    sim: Simulator,
    payload: dict[str, Any],
    key: str,
    to: str | None,
    u: dict[str, Any],
    to_bsuid: bool,
    view: dict[str, Any],
    category: str,
) -> dict[str, Any]:
    """Keep an accepted message (indexed by wamid, recipient and callback data) and count it."""
    sim.seq += 1
    wamid = sim.new_id()
    callback = payload.get("biz_opaque_callback_data")
    callback = str(callback) if callback is not None else None
    msg = {
        "seq": sim.seq,
        "wamid": wamid,
        "to": to,
        "user_id": u["user_id"],
        "to_bsuid": to_bsuid,
        "chat": key,
        "type": payload.get("type", "text"),
        "body": payload,
        "biz_opaque_callback_data": callback,
        "received_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "at": time.time(),
        "statuses": [],
        "status": "accepted",
        "view": view,
        "faults": [],
        "media_error": None,
        "pricing": {
            "billable": category != "service" or sim.config["service_billable"],
            "pricing_model": "PMP",
            "type": "regular",
            "category": category,
        },
    }
    sim.messages.append(msg)
    sim.by_wamid[wamid] = msg
    sim.by_to[key].append(msg)
    if callback is not None:
        sim.by_callback[callback].append(msg)
    sim.stats["accepted"] += 1
    sim.touch(key)
    return msg


def mark_as_read(sim: Simulator, payload: dict[str, Any]) -> Reply:
    """`{"status": "read", "message_id"}` (and `typing_indicator`): the phone page shows the inbound message read."""
    shown = sim.inbound_by_wamid.get(str(payload.get("message_id")))
    if shown is None:
        sim.stats["rejected"]["100"] += 1
        return meta_error(
            100,
            "Invalid parameter",
            f"message_id {payload.get('message_id')} is not an inbound message of this phone number.",
        )
    shown["read"] = True
    if isinstance(payload.get("typing_indicator"), dict):
        shown["typing_at"] = time.time()
    sim.stats["read_marks"] += 1
    for key, u in sim.users.items():
        if shown in u["inbound"]:
            sim.touch(key)
            break
    return reply_json({"success": True})
