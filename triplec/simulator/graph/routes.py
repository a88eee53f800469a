"""The Graph API's routes (`/{version}/...`), behind Meta's Bearer token check.

A path of one id (`/{version}/{id}`) means whatever object has that id: a media file, the phone number or a
template, as on Meta, where every node shares one id space. Anything else is Meta's "unsupported request" (100/33).
"""

from __future__ import annotations

import hmac
import re

from triplec.simulator.graph import media, message_templates, messages, phone_number
from triplec.simulator.replies import Reply, meta_error, unknown_object
from triplec.simulator.routing import Request, Router
from triplec.simulator.state import Simulator

GRAPH_PATH = re.compile(r"^/(v\d+\.\d+)/(.+)$")

# Routes are tried in the order they read below: the first match wins (see routing.py), so the paths of one id,
# `/{version}/{object_id}`, come last.
ROUTER = Router()


@ROUTER.route("POST", "/{version}/{phone_number_id}/messages")
@ROUTER.route("POST", "/{version}/{phone_number_id}/marketing_messages")
async def send_message(sim: Simulator, request: Request, version: str, phone_number_id: str) -> Reply:
    return await messages.post_message(sim, phone_number_id, request.body)


@ROUTER.route("POST", "/{version}/{phone_number_id}/media")
async def upload_media(sim: Simulator, request: Request, version: str, phone_number_id: str) -> Reply:
    return media.upload(sim, request, phone_number_id)


@ROUTER.route("GET", "/{version}/{waba_id}/message_templates")
async def list_templates(sim: Simulator, request: Request, version: str, waba_id: str) -> Reply:
    if waba_id != sim.config["waba_id"]:
        return unknown_object(waba_id)
    return message_templates.list_templates(sim, request, version, waba_id)


@ROUTER.route("POST", "/{version}/{waba_id}/message_templates")
async def create_template(sim: Simulator, request: Request, version: str, waba_id: str) -> Reply:
    if waba_id != sim.config["waba_id"]:
        return unknown_object(waba_id)
    return message_templates.create(sim, request)


@ROUTER.route("GET", "/{version}/{object_id}")
async def get_object(sim: Simulator, request: Request, version: str, object_id: str) -> Reply:
    if object_id in sim.media:
        return media.info(sim, request, object_id)
    if object_id == sim.config["phone_number_id"]:
        return phone_number.describe(sim, request)
    if sim.find_template_by_id(object_id) is not None:
        return message_templates.get_one(sim, request, object_id)
    return unknown_object(object_id)


@ROUTER.route("POST", "/{version}/{object_id}")
async def post_object(sim: Simulator, request: Request, version: str, object_id: str) -> Reply:
    if sim.find_template_by_id(object_id) is not None:
        return message_templates.edit(sim, request, object_id)
    return unknown_object(object_id)


@ROUTER.route("DELETE", "/{version}/{object_id}")
async def delete_object(sim: Simulator, request: Request, version: str, object_id: str) -> Reply:
    if object_id in sim.media:
        return media.delete(sim, object_id)
    return unknown_object(object_id)


async def handle(sim: Simulator, request: Request) -> Reply:
    match = GRAPH_PATH.match(request.path)
    if not match:
        return meta_error(100, "Unknown path", f"Unknown path components: {request.path}", 404)
    if not _token_ok(sim, request):
        sim.stats["rejected"]["190"] += 1
        return meta_error(
            190,
            "Error validating access token: The access token is invalid or has expired.",
            "Invalid OAuth access token.",
            401,
            subcode=463,
        )
    version, rest = match.groups()
    # Stray slashes around the ids are tolerated, so a client's trailing slash does not turn a send into error 100.
    route = ROUTER.match(request.method, f"/{version}/{rest.strip('/')}")
    if route is None:
        return unknown_object(rest.strip("/").split("/")[0])
    handler, args = route
    return await handler(sim, request, **args)


def _token_ok(sim: Simulator, request: Request) -> bool:
    auth = request.headers.get("authorization", "")
    token = auth[7:] if auth.lower().startswith("bearer ") else ""
    return hmac.compare_digest(token.encode(), sim.config["access_token"].encode())
