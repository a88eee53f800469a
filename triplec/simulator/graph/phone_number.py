"""`GET /{phone_number_id}`: the business phone number as a Graph node."""

from __future__ import annotations

from triplec.simulator.graph.fields import fields_of
from triplec.simulator.replies import Reply, meta_error, reply_json
from triplec.simulator.routing import Request
from triplec.simulator.state import Simulator

# What Meta answers when `fields` is not given.
DEFAULT_FIELDS = (
    "verified_name",
    "code_verification_status",
    "display_phone_number",
    "quality_rating",
    "platform_type",
    "throughput",
    "id",
)


def describe(sim: Simulator, request: Request) -> Reply:
    """Meta's default fields, or exactly the `fields` asked for (and `id`); an unknown field is error 100."""
    known = {
        "id": sim.config["phone_number_id"],
        "display_phone_number": sim.config["display_phone_number"],
        "verified_name": "KPP Pratama Kupang",
        "code_verification_status": "VERIFIED",
        "quality_rating": "GREEN",
        "platform_type": "CLOUD_API",
        "throughput": {"level": "STANDARD"},
        "name_status": "APPROVED",
        "status": "CONNECTED",
        "is_official_business_account": False,
        "messaging_limit_tier": "TIER_1K",
        "account_mode": "LIVE",
    }
    fields = fields_of(request.query)
    if not fields:
        return reply_json({k: known[k] for k in DEFAULT_FIELDS})
    unknown = [f for f in fields if f not in known]
    if unknown:
        return meta_error(
            100,
            "Invalid parameter",
            f"Tried accessing nonexisting field ({unknown[0]}) on node type (WhatsAppBusinessPhoneNumber)",
        )
    return reply_json({"id": known["id"], **{f: known[f] for f in fields}})
