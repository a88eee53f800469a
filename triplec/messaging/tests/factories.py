"""Test helpers for the WhatsApp channel: a channel, templates, messages in the outbox, signed webhook bodies."""

import io
import itertools
import json
import time

from triplec.messaging.models import Channel, Lane, OutboundMessage, State, Template, TemplateStatus
from triplec.messaging.services import message_enqueue
from triplec.messaging.webhooks import sign
from triplec.tests.support import (
    make_channel,  # noqa: F401 (re-exported: the messaging tests' channel)
)

_seq = itertools.count(1)
SECRET = "demo-app-secret"
BUDI = "+6281234567890"  # the taxpayer's number the payloads below write from
# Parameters of the simulator's kode_billing_v1 template (header and body), for a message WhatsApp accepts.
KODE_BILLING_PARAMS = {
    "header": ["PPh"],
    "body": ["Budi Santoso", "STP 00123/101/25/922/26", "Rp1.500.000", "123456789012345", "15 Oktober 2026 23.59 WITA"],
}


def make_template(
    channel: Channel, name: str = "tagihan_v1", body: str = "Yth. {{1}}, utang pajak Anda {{2}}.", **fields
) -> Template:
    fields.setdefault("status", TemplateStatus.APPROVED)
    return Template.objects.create(channel=channel, name=name, body=body, **fields)


def queue_template(
    channel: Channel, key: str = "k1", *, template: Template | None = None, to: str = BUDI, params=None, **fields
) -> OutboundMessage:
    """A template message in the outbox (the channel's tagihan_v1 unless `template`), as message_enqueue leaves it."""
    return message_enqueue(
        channel=channel,
        to=to,
        kind="template",
        template=template or make_template(channel),
        params=["Budi", "Rp1"] if params is None else params,
        idempotency_key=key,
        **fields,
    )


def sent_template(channel: Channel, key: str = "k1", *, wamid: str = "wamid.OUT1", **fields) -> OutboundMessage:
    """queue_template, then as if a dispatcher had sent it: SENT with its wamid, for the statuses to find."""
    message = queue_template(channel, key, **fields)
    OutboundMessage.objects.filter(pk=message.pk).update(state=State.SENT, wamid=wamid)
    return message


def queue_text(
    channel: Channel, text: str = "Halo", key: str = "t", *, to: str = BUDI, lane: str = Lane.REPLY, **fields
) -> OutboundMessage:
    """A free-form text in the outbox (the reply lane unless `lane`)."""
    return message_enqueue(
        channel=channel, to=to, kind="text", payload={"text": text}, idempotency_key=key, lane=lane, **fields
    )


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


def webhook_environ(body: bytes, **extra) -> dict:
    """The WSGI environ of a POST of `body` to /whatsapp/webhook, for calling an application in process; `extra`
    adds the headers (signature, length, type) a test wants."""
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/whatsapp/webhook",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        **extra,
    }


def call_wsgi(app, environ: dict) -> tuple[str, bytes]:
    """(status line, body) of one call of a WSGI application."""
    started = []
    chunks = app(environ, lambda status, headers: started.append(status))
    return started[0], b"".join(chunks)
