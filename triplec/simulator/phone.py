"""The taxpayer's phone in the browser (`/phone/`): the page and its files (static/), and the JSON it polls and
posts. A reply typed or tapped on the page becomes a real inbound message (inbound.py), signed webhook included."""

from __future__ import annotations

import functools
import json
import mimetypes
from pathlib import Path
from typing import Any

from triplec.simulator import inbound, statuses
from triplec.simulator.graph import media
from triplec.simulator.replies import Reply, reply_json
from triplec.simulator.routing import Request, Router
from triplec.simulator.state import BSUID, Simulator, digits_of

STATIC_DIR = Path(__file__).with_name("static")
STATIC_FILES = ("phone.js", "phone.css")

# Routes are tried in the order they read below: the first match wins (see routing.py).
ROUTER = Router()


@ROUTER.route(None, "/")
@ROUTER.route(None, "/phone")
async def to_phone(sim: Simulator, request: Request) -> Reply:
    return 302, [(b"location", b"/phone/")], b""


@ROUTER.route("GET", "/phone/")
# A chat's key: phone digits, or a business-scoped user id (ID.1234…) for a user without a shareable phone.
@ROUTER.route("GET", "/phone/{key:[A-Za-z0-9.]+}")
async def page(sim: Simulator, request: Request, key: str = "") -> Reply:
    """The same page for the chat list and every chat: phone.js reads the chat from the URL."""
    return 200, [(b"content-type", b"text/html; charset=utf-8"), (b"cache-control", b"no-store")], _static("phone.html")


@ROUTER.route("GET", "/phone/static/{name:.*}")
async def static_file(sim: Simulator, request: Request, name: str) -> Reply:
    if name not in STATIC_FILES:
        return _not_found()
    ctype = mimetypes.guess_type(name)[0] or "text/plain"
    return 200, [(b"content-type", f"{ctype}; charset=utf-8".encode())], _static(name)


@ROUTER.route("GET", "/phone/api/chats")
async def chats(sim: Simulator, request: Request) -> Reply:
    return reply_json({"chats": chat_list(sim), "display_phone_number": sim.config["display_phone_number"]})


@ROUTER.route("GET", "/phone/media/{media_id:.*}")
async def media_file(sim: Simulator, request: Request, media_id: str) -> Reply:
    return media.file_reply(sim, media_id)


@ROUTER.route("GET", "/phone/api/chat/{key:[A-Za-z0-9.]+}")
async def chat(sim: Simulator, request: Request, key: str) -> Reply:
    """One chat; only its head when the page already has version `?v=` (polled every 500 ms)."""
    return reply_json(chat_view(sim, _chat_key(sim, key), int((request.query.get("v") or ["-1"])[0] or -1)))


@ROUTER.route("POST", "/phone/api/chat/{key:[A-Za-z0-9.]+}/read")
async def read_chat(sim: Simulator, request: Request, key: str) -> Reply:
    """The page shows the chat: with `auto_read` off, this is when its messages turn read."""
    if not sim.config["auto_read"]:
        statuses.mark_chat_read(sim, _chat_key(sim, key))
    return reply_json({"ok": True})


@ROUTER.route("POST", "/phone/api/chat/{key:[A-Za-z0-9.]+}/reply")
async def reply(sim: Simulator, request: Request, key: str) -> Reply:
    """The taxpayer types, taps a quick reply or a button, or picks a list row: an inbound message of that kind."""
    key = _chat_key(sim, key)
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return reply_json({"error": "the body must be JSON"}, 400)
    if not isinstance(data, dict):
        return reply_json({"error": "the body must be a JSON object"}, 400)
    u = sim.users.get(key)
    data = {**data, "from": u["wa_id"] if u and u["wa_id"] else key}
    if u and u["user_id"]:
        data["user_id"] = u["user_id"]
    if u and u["name"] and "name" not in data:
        data["name"] = u["name"]
    if not data["from"].isdigit():
        data.pop("from")
    return await inbound.receive(sim, data)


async def handle(sim: Simulator, request: Request) -> Reply:
    route = ROUTER.match(request.method, request.path)
    if route is None:
        return _not_found()
    handler, args = route
    return await handler(sim, request, **args)


def chat_list(sim: Simulator) -> list[dict[str, Any]]:
    out = []
    for key, u in sorted(sim.users.items(), key=lambda kv: -kv[1]["last_activity"]):
        items = chat_items(sim, key)
        last = items[-1] if items else None
        out.append(
            {
                "key": key,
                "wa_id": u["wa_id"],
                "user_id": u["user_id"],
                "name": u["name"],
                "last_text": _summary(last) if last else "",
                "last_at": last["at"] if last else None,
                "unread": sum(1 for m in sim.by_to.get(key, []) if m["status"] in ("sent", "delivered")),
            }
        )
    return out


def chat_items(sim: Simulator, key: str) -> list[dict[str, Any]]:
    """The chat's messages both ways, oldest first, as the page draws them."""
    out = [
        {
            "dir": "out",
            "seq": m["seq"],
            "wamid": m["wamid"],
            "at": m["at"],
            "view": m["view"],
            "status": m["status"],
            "media_error": m["media_error"],
            "error": (m["statuses"][-1].get("errors") or [{}])[0].get("title") if m["status"] == "failed" else None,
        }
        for m in sim.by_to.get(key, [])
    ]
    u = sim.users.get(key)
    if u:
        out.extend({**i, "read": bool(i.get("read"))} for i in u["inbound"])
    out.sort(key=lambda item: item["at"])
    return out


def chat_view(sim: Simulator, key: str, version: int) -> dict[str, Any]:
    u = sim.users.get(key)
    current = u["version"] if u else 0
    head = {
        "key": key,
        "version": current,
        "name": u["name"] if u else None,
        "wa_id": u["wa_id"] if u else (key if key.isdigit() else None),
        "window_open": sim.window_open(u),
        "auto_read": sim.config["auto_read"],
    }
    if version == current:
        return head
    return {**head, "items": chat_items(sim, key)}


def _chat_key(sim: Simulator, key: str) -> str:
    """The chat a URL names: phone digits, or a BSUID (the chat of a user without a shareable phone)."""
    return digits_of(key) if not BSUID.match(key) else sim.bsuids.get(key, key)


def _summary(item: dict[str, Any]) -> str:
    if item["dir"] == "in":
        return item.get("text", "")
    view = item["view"]
    text = view.get("body") or (view.get("header") or {}).get("filename") or ""
    return text.split("\n")[0][:80]


def _not_found() -> Reply:
    return reply_json({"error": "not found"}, 404)


@functools.cache
def _static(name: str) -> bytes:
    return (STATIC_DIR / name).read_bytes()
