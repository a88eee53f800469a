"""The control API (`/_sim/...`, JSON, no auth): what tests and the demo use to steer the simulator and look inside
it (config and faults, reset, the messages it accepted, inbound messages, template notifications, stats)."""

from __future__ import annotations

import asyncio
import copy
import hmac
import json
import time
from collections import defaultdict
from typing import Any
from urllib.parse import unquote

from triplec.simulator import inbound, template_events, webhooks
from triplec.simulator import templates as tpl
from triplec.simulator.config import ConfigError, merge_config
from triplec.simulator.graph import media
from triplec.simulator.replies import Reply, meta_error, reply_json
from triplec.simulator.routing import Request, Router
from triplec.simulator.state import Simulator, digits_of

# Routes are tried in the order they read below: the first match wins (see routing.py).
ROUTER = Router()


@ROUTER.route("GET", "/_sim/health")
async def health(sim: Simulator, request: Request, data: Any) -> Reply:
    return reply_json({"ok": True})


@ROUTER.route("GET", "/_sim/config")
async def get_config(sim: Simulator, request: Request, data: Any) -> Reply:
    return reply_json(sim.config)


@ROUTER.route("POST", "/_sim/config")
async def set_config(sim: Simulator, request: Request, data: Any) -> Reply:
    """Merge the settings given (validated: on an error nothing is applied)."""
    old_concurrency = sim.config["webhook_concurrency"]
    try:
        sim.config = merge_config(sim.config, data)
    except ConfigError as exc:
        return reply_json({"error": str(exc)}, 400)
    if sim.config["webhook_concurrency"] != old_concurrency:
        sim.semaphore = asyncio.Semaphore(sim.config["webhook_concurrency"])
    if isinstance(data, dict) and "per_number_mps" in data:
        sim.buckets.clear()
    return reply_json(sim.config)


@ROUTER.route("POST", "/_sim/reset")
async def reset(sim: Simulator, request: Request, data: Any) -> Reply:
    sim.reset(config=bool(isinstance(data, dict) and data.get("config")))
    sim.plan_chats_save()  # the phone forgets its chats too
    sim.semaphore = asyncio.Semaphore(sim.config["webhook_concurrency"])
    return reply_json({"ok": True, "config": sim.config})


@ROUTER.route("GET", "/_sim/messages")
async def list_messages(sim: Simulator, request: Request, data: Any) -> Reply:
    """`?to=&callback=&since=&limit=`"""
    query = request.query
    items: list[dict[str, Any]] = sim.messages
    if "to" in query:
        items = sim.by_to.get(digits_of(query["to"][0]) or query["to"][0], [])
    if "callback" in query:
        items = [m for m in items if m["biz_opaque_callback_data"] == query["callback"][0]]
    if "since" in query:
        since = int(query["since"][0] or 0)
        items = [m for m in items if m["seq"] > since]
    if "limit" in query:
        items = items[: int(query["limit"][0])]
    return reply_json({"messages": [public_message(m) for m in items]})


@ROUTER.route("GET", "/_sim/messages/by-callback/{callback:.*}")  # before /_sim/messages/{wamid:.*}
async def by_callback(sim: Simulator, request: Request, data: Any, callback: str) -> Reply:
    """Every accepted message carrying this biz_opaque_callback_data (404 when none; more than one = a duplicate)."""
    # The server has already percent-decoded the path; this second decoding also undoes a caller's own quoting.
    found = sim.by_callback.get(unquote(callback), [])
    if not found:
        return reply_json({"messages": []}, 404)
    return reply_json({"messages": [public_message(m) for m in found]})


@ROUTER.route("GET", "/_sim/messages/{wamid:.*}")
async def one_message(sim: Simulator, request: Request, data: Any, wamid: str) -> Reply:
    msg = sim.by_wamid.get(wamid)
    return reply_json(public_message(msg)) if msg else reply_json({"error": "unknown wamid"}, 404)


@ROUTER.route("POST", "/_sim/inbound")
async def send_inbound(sim: Simulator, request: Request, data: Any) -> Reply:
    return await inbound.receive(sim, data)


@ROUTER.route("POST", "/_sim/system")
async def change_number(sim: Simulator, request: Request, data: Any) -> Reply:
    return await inbound.change_number(sim, data)


@ROUTER.route("GET", "/_sim/stats")
async def stats(sim: Simulator, request: Request, data: Any) -> Reply:
    out = copy.deepcopy({k: (dict(v) if isinstance(v, defaultdict) else v) for k, v in sim.stats.items()})
    out["rejected_total"] = sum(sim.stats["rejected"].values())
    out["pending_tasks"] = len(sim.tasks)
    out["users"] = len(sim.users)
    return reply_json(out)


@ROUTER.route("GET", "/_sim/templates")
async def list_templates(sim: Simulator, request: Request, data: Any) -> Reply:
    return reply_json({"data": sim.templates})


@ROUTER.route("POST", "/_sim/templates")
async def seed_templates(sim: Simulator, request: Request, data: Any) -> Reply:
    """Add (or replace) templates, approved unless a `status` is given: one, a list, or `{"data": [...]}`."""
    items = (
        data if isinstance(data, list) else (data.get("data") if isinstance(data, dict) and "data" in data else [data])
    )
    created = []
    for raw in items:
        status = str(raw.get("status", "APPROVED")).upper() if isinstance(raw, dict) else "APPROVED"
        try:
            clean = tpl.validate_new_template(raw)
        except tpl.TemplateInvalid as exc:
            return reply_json({"error": str(exc), "template": raw}, 400)
        old = sim.find_template(clean["name"], clean["language"])
        if old:
            sim.templates.remove(old)
        created.append(sim._add_template(clean, status=status))
    sim.save_templates()
    return reply_json({"data": created})


@ROUTER.route("POST", r"/_sim/templates/{template_id:\d+}/{action:status|quality|category}")
async def template_notification(sim: Simulator, request: Request, data: Any, template_id: str, action: str) -> Reply:
    return template_events.notify(sim, template_id, action, data)


@ROUTER.route("POST", "/_sim/window")
async def set_window(sim: Simulator, request: Request, data: Any) -> Reply:
    """Test aid: pretend the taxpayer last wrote `ago_seconds` ago (or never: null)."""
    if not isinstance(data, dict) or not digits_of(data.get("to")):
        return reply_json({"error": "to (digits) is required"}, 400)
    key = digits_of(data["to"])
    u = sim.user(key, wa_id=key)
    ago = data.get("ago_seconds")
    u["last_inbound"] = None if ago is None else time.time() - float(ago)
    return reply_json({"to": key, "window_open": sim.window_open(u)})


@ROUTER.route("GET", "/_sim/webhooks")
async def webhook_log(sim: Simulator, request: Request, data: Any) -> Reply:
    return reply_json({"webhooks": list(sim.webhook_log)})


@ROUTER.route("POST", "/_sim/handshake")
async def handshake(sim: Simulator, request: Request, data: Any) -> Reply:
    """Run Meta's verification of the callback URL against our endpoint (or the `webhook_url` given)."""
    data = data if isinstance(data, dict) else {}
    url = data.get("webhook_url") or sim.config["webhook_url"]
    if not url:
        return reply_json({"error": "no webhook_url configured"}, 400)
    return reply_json(await webhooks.verify_endpoint(sim, url, data.get("verify_token", sim.config["verify_token"])))


@ROUTER.route("GET", "/_sim/media/{media_id:.*}")
async def download_media(sim: Simulator, request: Request, data: Any, media_id: str) -> Reply:
    """The download URL `GET /{media_id}` gives; like Meta's, it needs the Bearer token."""
    auth = request.headers.get("authorization", "")
    if not hmac.compare_digest(auth.encode(), f"Bearer {sim.config['access_token']}".encode()):
        return meta_error(190, "Error validating access token", "Invalid OAuth access token.", 401)
    return media.file_reply(sim, media_id)


async def handle(sim: Simulator, request: Request) -> Reply:
    data: Any = None
    if request.method == "POST":  # every control POST takes JSON: a malformed body is refused before routing
        try:
            data = json.loads(request.body) if request.body.strip() else {}
        except ValueError:
            return reply_json({"error": "the body must be JSON"}, 400)
    route = ROUTER.match(request.method, request.path)
    if route is None:
        return reply_json({"error": f"unknown control endpoint {request.method} {request.path}"}, 404)
    handler, args = route
    return await handler(sim, request, data, **args)


def public_message(msg: dict[str, Any]) -> dict[str, Any]:
    """A message as the control API shows it (the contract's shape, plus the status and injected faults)."""
    return {
        "seq": msg["seq"],
        "wamid": msg["wamid"],
        "to": msg["to"],
        "user_id": msg["user_id"],
        "type": msg["type"],
        "body": msg["body"],
        "biz_opaque_callback_data": msg["biz_opaque_callback_data"],
        "received_at": msg["received_at"],
        "statuses": msg["statuses"],
        "status": msg["status"],
        "faults": msg["faults"],
        "media_error": msg["media_error"],
        "view": msg["view"],
    }
