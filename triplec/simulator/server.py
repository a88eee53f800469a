"""The simulator: a plain ASGI app (served by granian) that plays Meta's WhatsApp Cloud API.

It keeps its own in-memory state (state.py) and never touches Django or our database, so tests and the demo see
exactly what a remote API would do: the same endpoints and JSON (see docs/whatsapp-cloud-api.md), signed webhooks
with sent → delivered → read, the business rules that make Meta refuse a message, and injected faults that repeat
for a given seed. This module only reads a request and hands it to one of three areas: the control API
(`/_sim/`, control.py), the phone page (`/phone/`, phone.py) and the Graph API (`/{version}/`, graph/).
"""

from __future__ import annotations

import copy
import json
import logging
import os
from typing import Any

from triplec.simulator import control, phone, template_events
from triplec.simulator.config import DEFAULT_CONFIG, merge_config
from triplec.simulator.graph import routes as graph
from triplec.simulator.replies import Reply, meta_error, reply_json
from triplec.simulator.routing import Request
from triplec.simulator.state import Simulator

log = logging.getLogger("triplec.simulator")

MAX_BODY = 20 * 1024 * 1024


async def handle(sim: Simulator, request: Request) -> Reply:
    sim.ensure_runtime()
    template_events.review_pending(sim)
    sim.stats["requests"] += 1
    path = request.path
    if path.startswith("/_sim/"):
        return await control.handle(sim, request)
    if path == "/" or path.startswith("/phone"):
        return await phone.handle(sim, request)
    return await graph.handle(sim, request)


def _config_from_env() -> dict[str, Any]:
    raw = os.environ.get("TRIPLEC_SIMULATOR_CONFIG")
    return merge_config(DEFAULT_CONFIG, json.loads(raw)) if raw else copy.deepcopy(DEFAULT_CONFIG)


# One simulated account per process (granian runs one worker): the whole state lives here.
SIM = Simulator(_config_from_env())


async def app(scope: dict[str, Any], receive, send) -> None:
    """The ASGI entry point: read the whole body, route, answer. No framework: the send path must be fast."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if SIM.chats_save_planned:  # a change of the last second
                    SIM.save_chats()
                if SIM.http is not None:
                    await SIM.http.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    chunks = []
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            status, headers, out = reply_json({"error": "request body too large"}, 413)
            break
        chunks.append(chunk)
        more = message.get("more_body", False)
    else:
        request = Request(
            method=scope["method"],
            path=scope["path"],
            query_string=scope.get("query_string", b"").decode("latin-1"),
            headers={k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]},
            body=b"".join(chunks),
        )
        try:
            status, headers, out = await handle(SIM, request)
        except Exception:  # one bad request must never take the simulator down
            log.exception("unhandled error in %s %s", scope["method"], scope["path"])
            status, headers, out = meta_error(1, "An unknown error occurred", "Simulator error (see its log).", 500)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*headers, (b"content-length", str(len(out)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": out})
