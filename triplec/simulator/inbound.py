"""The taxpayer writes: one inbound message of any kind (from the control API or the phone page), delivered to the
product as Meta's signed webhook; and Meta's `system` message when a taxpayer changes number."""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from typing import Any

from triplec.core.masking import mask_text
from triplec.simulator import faults, webhooks
from triplec.simulator.graph import media
from triplec.simulator.replies import Reply, reply_json
from triplec.simulator.state import BSUID, Simulator, digits_of, now_ts

log = logging.getLogger("triplec.simulator")

MEDIA_KINDS = ("image", "document", "audio", "video", "sticker")
MEDIA_DEFAULT_MIME = {
    "image": "image/jpeg",
    "document": "application/pdf",
    "audio": "audio/ogg; codecs=opus",
    "video": "video/mp4",
    "sticker": "image/webp",
}


async def receive(sim: Simulator, data: Any) -> Reply:
    """One inbound message; answers its wamid and the HTTP status our endpoint gave the first webhook attempt."""
    if not isinstance(data, dict):
        return reply_json({"error": "the body must be a JSON object"}, 400)
    wa_id = digits_of(data.get("from"))
    user_id = data.get("user_id")
    if user_id is not None and (not isinstance(user_id, str) or not BSUID.match(user_id)):
        return reply_json({"error": "user_id must be a business-scoped user id such as ID.1234567890"}, 400)
    if not wa_id and not user_id:
        return reply_json({"error": "from (phone digits) or user_id is required"}, 400)
    if wa_id and not 8 <= len(wa_id) <= 15:
        return reply_json({"error": "from must be 8 to 15 digits in international format"}, 400)
    username = data.get("username")
    if username is not None and (not isinstance(username, str) or not username.strip()):
        return reply_json({"error": "username must be a non-empty string"}, 400)
    try:
        kind, content, text = _content(sim, data)
    except ValueError as exc:
        return reply_json({"error": str(exc)}, 400)
    key = wa_id or sim.bsuids.get(user_id, user_id)
    u = sim.user(key, wa_id=wa_id or None, user_id=user_id, name=data.get("name"), username=username)
    wamid = sim.new_id()
    # Meta: `from` is the phone number when it may be shared, `from_user_id` the BSUID on every message
    # (a username user without a shareable phone has no `from` at all).
    message: dict[str, Any] = {}
    if u["wa_id"]:
        message["from"] = u["wa_id"]
    message.update({"from_user_id": u["user_id"], "id": wamid, "timestamp": now_ts(), "type": kind, kind: content})
    context_id = data.get("context_id")
    if not context_id and kind in ("button", "interactive"):
        # A tap always answers a message: Meta names it in `context` (the last one this chat received).
        sent = sim.by_to.get(key) or []
        context_id = sent[-1]["wamid"] if sent else sim.new_id()
    if context_id:
        message["context"] = {"from": sim.config["display_phone_number"], "id": str(context_id)}
    shown: dict[str, Any] = {
        "dir": "in",
        "wamid": wamid,
        "at": time.time(),
        "context_id": context_id,
        "kind": kind,
        "text": text,
    }
    u["last_inbound"] = time.time()
    u["inbound"].append(shown)
    sim.inbound_by_wamid[wamid] = shown
    sim.touch(key)
    sim.stats["inbound"] += 1
    duplicate = faults.duplicate_inbound(sim)
    result: asyncio.Future = asyncio.get_running_loop().create_future()
    webhooks.send(
        sim,
        webhooks.envelope(sim, {"contacts": [webhooks.contact(u, profile=True)], "messages": [message]}),
        "inbound",
        duplicate=duplicate,
        first_result=result,
    )
    log.info("inbound %s from %s", kind, mask_text(u["wa_id"] or "-"))
    status = await result
    shown["webhook_status"] = status
    return reply_json({"wamid": wamid, "webhook_status": status})


def _content(sim: Simulator, data: dict[str, Any]) -> tuple[str, dict[str, Any], str]:
    """(type, the type's object as Meta sends it, what the phone page shows) for a control-API inbound."""
    if "button" in data:
        button = data["button"]
        if not isinstance(button, dict) or not button.get("payload") or not button.get("text"):
            raise ValueError("button needs payload and text")
        return "button", {"payload": str(button["payload"]), "text": str(button["text"])}, str(button["text"])
    if "interactive" in data:
        inter = data["interactive"]
        if (
            not isinstance(inter, dict)
            or inter.get("type") not in ("button_reply", "list_reply")
            or not inter.get("id")
            or not inter.get("title")
        ):
            raise ValueError("interactive needs type (button_reply | list_reply), id and title")
        reply = {"id": str(inter["id"]), "title": str(inter["title"])}
        if inter["type"] == "list_reply" and inter.get("description"):
            reply["description"] = str(inter["description"])
        return "interactive", {"type": inter["type"], inter["type"]: reply}, reply["title"]
    for kind in MEDIA_KINDS:
        if kind in data:
            return kind, _media(sim, kind, data[kind]), f"[{kind}]"
    if "location" in data:
        loc = data["location"]
        if not isinstance(loc, dict) or not all(
            isinstance(loc.get(k), (int, float)) and not isinstance(loc.get(k), bool) for k in ("latitude", "longitude")
        ):
            raise ValueError("location needs numeric latitude and longitude")
        out = {"latitude": loc["latitude"], "longitude": loc["longitude"]}
        out.update({k: str(loc[k]) for k in ("name", "address", "url") if loc.get(k)})
        return "location", out, out.get("name") or f"{out['latitude']},{out['longitude']}"
    if "reaction" in data:
        reaction = data["reaction"]
        if (
            not isinstance(reaction, dict)
            or not reaction.get("message_id")
            or not isinstance(reaction.get("emoji", ""), str)
        ):
            raise ValueError("reaction needs message_id (and emoji; empty removes it)")
        return (
            "reaction",
            {"message_id": str(reaction["message_id"]), "emoji": reaction.get("emoji", "")},
            reaction.get("emoji", ""),
        )
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError(
            "text (non-empty) is required, or button, interactive, location, reaction or media ("
            + ", ".join(MEDIA_KINDS)
            + ")"
        )
    return "text", {"body": text}, text


def _media(sim: Simulator, kind: str, spec: Any) -> dict[str, Any]:
    """Store the file the taxpayer sent, so `GET /{media_id}` and its download work as on Meta."""
    if not isinstance(spec, dict):
        raise ValueError(f"{kind} must be an object (caption, filename, mime_type, content_base64)")
    try:
        content = base64.b64decode(spec.get("content_base64") or "", validate=True)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{kind}.content_base64 is not base64") from exc
    content = content or f"simulated {kind}".encode()
    mime = str(spec.get("mime_type") or MEDIA_DEFAULT_MIME[kind])
    filename = str(spec.get("filename") or "") or None
    media_id = media.store(sim, content, mime, filename)
    out: dict[str, Any] = {"mime_type": mime, "sha256": sim.media[media_id]["sha256"], "id": media_id}
    if spec.get("caption") and kind in ("image", "video", "document"):
        out["caption"] = str(spec["caption"])
    if kind == "document":
        out["filename"] = filename or f"{media_id}.pdf"
    if kind == "audio":
        out["voice"] = bool(spec.get("voice"))
    if kind == "sticker":
        out["animated"] = bool(spec.get("animated"))
    return out


async def change_number(sim: Simulator, data: Any) -> Reply:
    """The taxpayer changed their number: Meta's `system` message (`user_changed_number`, no contacts)."""
    if not isinstance(data, dict):
        return reply_json({"error": "the body must be a JSON object"}, 400)
    old, new = digits_of(data.get("from")), digits_of(data.get("new_wa_id"))
    if not (8 <= len(old) <= 15 and 8 <= len(new) <= 15) or old == new:
        return reply_json({"error": "from and new_wa_id must be two different numbers of 8 to 15 digits"}, 400)
    u = sim.user(old, wa_id=old)
    body = f"User {u['name'] or old} changed from {old} to {new}"
    wamid = sim.new_id()
    message = {
        "from": old,
        "id": wamid,
        "timestamp": now_ts(),
        "type": "system",
        "system": {"body": body, "wa_id": new, "type": "user_changed_number"},
    }
    result: asyncio.Future = asyncio.get_running_loop().create_future()
    webhooks.send(sim, webhooks.envelope(sim, {"messages": [message]}), "system", first_result=result)
    return reply_json({"wamid": wamid, "webhook_status": await result})
