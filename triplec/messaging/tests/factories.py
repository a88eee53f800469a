"""Test helpers for the WhatsApp channel: a channel, templates, signed webhook bodies."""

import itertools
import json
import time

from triplec.core.testing import make_channel  # noqa: F401 (re-exported: the messaging tests' channel)
from triplec.messaging.models import Channel, Template, TemplateStatus
from triplec.messaging.webhooks import sign

_seq = itertools.count(1)
SECRET = "demo-app-secret"


def make_template(
    channel: Channel, name: str = "tagihan_v1", body: str = "Yth. {{1}}, utang pajak Anda {{2}}.", **fields
) -> Template:
    fields.setdefault("status", TemplateStatus.APPROVED)
    return Template.objects.create(channel=channel, name=name, body=body, **fields)


def status_payload(
    wamid: str,
    status: str,
    *,
    callback: str = "",
    ts: int | None = None,
    errors=None,
    pricing: dict | None = None,
    phone_number_id: str = "922000000000001",
) -> dict:
    item = {"id": wamid, "status": status, "timestamp": str(ts or int(time.time())), "recipient_id": "6281234567890"}
    if callback:
        item["biz_opaque_callback_data"] = callback
    if errors:
        item["errors"] = errors
    if pricing:
        item["pricing"] = pricing
    return envelope({"statuses": [item]}, phone_number_id)


def inbound_payload(
    text: str = "Halo",
    *,
    wa_id: str = "6281234567890",
    wamid: str | None = None,
    name: str = "Budi",
    user_id: str = "",
    ts: int | None = None,
    **extra,
) -> dict:
    message = {
        "from": wa_id,
        "id": wamid or f"wamid.in{next(_seq)}",
        "timestamp": str(ts or int(time.time())),
        "type": "text",
        "text": {"body": text},
    }
    message.update(extra)
    contact = {"profile": {"name": name}, "wa_id": wa_id}
    if user_id:
        contact["user_id"] = user_id
    return envelope({"contacts": [contact], "messages": [message]})


def envelope(value: dict, phone_number_id: str = "922000000000001") -> dict:
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "62380821123", "phone_number_id": phone_number_id},
        **value,
    }
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "922000000000002", "changes": [{"field": "messages", "value": value}]}],
    }


def post_signed(client, payload: dict | bytes, secret: str = SECRET):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return client.post(
        "/whatsapp/webhook",
        data=body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": sign(body, secret)},
    )
