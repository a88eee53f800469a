"""Webhook intake and processing. The raw body is stored first (one INSERT, unique by hash), then processed in
a savepoint: a failure leaves the event unprocessed for `triplec process_webhooks` and loses nothing."""

import datetime as dt
import hashlib
import hmac
import json
import contextlib
import logging
import threading
import uuid
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from triplec.taxpayers.models import Contact, ContactStatus
from triplec.taxpayers.services import contact_set_status

from .models import FORWARD_FROM, Channel, InboundMessage, MessageStatus, OutboundMessage, State, WebhookEvent
from .providers.base import ERRORS, ProviderError
from .registry import template_category_webhook, template_status_webhook
from .services import peer_for
from .signals import inbound_message_received, message_status_changed

log = logging.getLogger(__name__)


def signature_valid(body: bytes, header: str | None, secrets: list[str]) -> bool:
    """X-Hub-Signature-256 = "sha256=" + hex HMAC-SHA256 of the raw body, compared in constant time."""
    if not header or len(header) != 71 or not header.startswith("sha256="):
        return False
    ok = False
    for secret in secrets:
        digest = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        ok |= hmac.compare_digest(digest, header)
    return ok


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_receive(*, body: bytes) -> tuple[WebhookEvent | None, bool]:
    """Store a verified body and process it, in one transaction. Returns (event, duplicate).

    Processing runs in a savepoint first and the inbox row is written after it, with the outcome: one INSERT
    instead of INSERT + UPDATE. Both commit together, before we answer 200, so the payload is stored whatever
    processing did; if the process dies before the commit we have not answered and Meta sends it again.
    Processing is idempotent, so a duplicate body (same hash) changes nothing and is only not stored twice."""
    digest = hashlib.sha256(body).hexdigest()
    text = body.decode("utf-8", errors="replace")
    with _write_lock(), transaction.atomic():
        if WebhookEvent.objects.filter(body_hash=digest).exists():
            return None, True  # Meta's retry of a body we already hold
        error = _process_body(text)
        event = WebhookEvent(body_hash=digest, body=text, attempts=1, error=error,
                             processed_at=None if error else timezone.now())
        # ignore_conflicts: a concurrent copy of the same body (another worker) may have committed meanwhile.
        WebhookEvent.objects.bulk_create([event], ignore_conflicts=True)
    return event, False


def _process_body(text: str) -> str:
    """Process in a savepoint; returns "" on success, else the error (the caller keeps the payload)."""
    try:
        with transaction.atomic():
            process_payload(json.loads(text))
    except Exception as exc:  # anything at all: the payload is kept and retried later
        log.exception("webhook processing failed; payload kept for reprocessing")
        return repr(exc)[:2000] or "error"
    return ""


# SQLite has one writer at a time. Threads of one web process queue here, in memory, instead of in SQLite's busy
# handler, which sleeps and retries: measured under granian with 8 concurrent clients, that turned ~30 webhooks/s
# with a p99 of seconds into the figures in docs/whatsapp-channel.md. PostgreSQL needs no such lock.
_sqlite_lock = threading.Lock()


def _write_lock():
    return _sqlite_lock if connection.vendor == "sqlite" else contextlib.nullcontext()


def _process_safely(event: WebhookEvent) -> bool:
    error = _process_body(event.body)
    WebhookEvent.objects.filter(pk=event.pk).update(
        attempts=event.attempts + 1, error=error, processed_at=None if error else timezone.now())
    return not error


def process_pending(*, limit: int = 500, max_attempts: int = 20) -> int:
    """Reprocess events whose processing failed (or never ran). Returns how many succeeded."""
    done = 0
    for event in WebhookEvent.objects.filter(processed_at__isnull=True, attempts__lt=max_attempts).order_by("id")[:limit]:
        with transaction.atomic():
            done += _process_safely(event)
    return done


# --- payload processing -------------------------------------------------------------------------------------
def _channel_id(*, phone_number_id: str = "", waba_id: str = "") -> int | None:
    # Not cached: an indexed lookup is cheap, and a cache would outlive a channel deleted or re-created.
    q = Q(phone_number_id=phone_number_id) if phone_number_id else Q(waba_id=waba_id)
    return Channel.objects.filter(q).values_list("pk", flat=True).first()


def process_payload(payload: dict) -> None:
    """Every entry, every change, every message, status and error of one webhook body."""
    if payload.get("object") != "whatsapp_business_account":
        log.warning("webhook for object %r ignored", payload.get("object"))
        return
    for entry in payload.get("entry") or []:
        for change in entry.get("changes") or []:
            field, value = change.get("field"), change.get("value") or {}
            if field == "messages":
                _process_messages_change(value)
            elif field in ("message_template_status_update", "template_category_update"):
                cid = _channel_id(waba_id=str(entry.get("id", "")))
                channel = Channel.objects.filter(pk=cid).first() if cid else None
                if field == "message_template_status_update":
                    template_status_webhook(channel=channel, value=value)
                else:
                    template_category_webhook(channel=channel, value=value)
            else:
                log.info("webhook field %r not handled", field)


def _process_messages_change(value: dict) -> None:
    metadata = value.get("metadata") or {}
    messages = value.get("messages") or []
    if messages:  # statuses find their message by wamid: only inbound messages need the channel
        channel_id = _channel_id(phone_number_id=str(metadata.get("phone_number_id", "")))
        if channel_id is None:
            raise LookupError(f"no channel for phone_number_id {metadata.get('phone_number_id')!r}")
        profiles = {}
        for contact in value.get("contacts") or []:
            profiles[contact.get("wa_id") or contact.get("user_id") or ""] = contact
        for message in messages:
            _inbound(channel_id, message, profiles)
    for status in value.get("statuses") or []:
        _status(status)
    for error in value.get("errors") or []:
        log.warning("WhatsApp reported error %s: %s (%s)", error.get("code"), error.get("title"),
                    (error.get("error_data") or {}).get("details", ""))


def _timestamp(raw: Any) -> dt.datetime:
    try:
        value = int(str(raw))
    except (TypeError, ValueError):
        return timezone.now()
    if value > 10**11:  # milliseconds, occasionally
        value //= 1000
    return dt.datetime.fromtimestamp(value, dt.UTC)


def _inbound(channel_id: int, message: dict, profiles: dict) -> None:
    wamid = message.get("id")
    if not wamid or InboundMessage.objects.filter(wamid=wamid).exists():
        return
    wa_id = str(message.get("from") or "")
    user_id = str(message.get("from_user_id") or "")
    profile = profiles.get(wa_id) or profiles.get(user_id) or {}
    user_id = user_id or str(profile.get("user_id") or "")
    if "." in wa_id:  # a username user: `from` may carry the BSUID itself
        wa_id, user_id = "", user_id or wa_id
    channel = Channel(pk=channel_id)
    peer = peer_for(channel=channel, wa_id=wa_id, user_id=user_id, name=(profile.get("profile") or {}).get("name", ""))
    kind = message.get("type", "unknown")
    text, reply_id = _text_of(kind, message)
    sent_at = _timestamp(message.get("timestamp"))
    try:
        with transaction.atomic():
            inbound = InboundMessage.objects.create(
                channel_id=channel_id, peer=peer, wamid=wamid, type=kind, text=text, reply_id=reply_id,
                context_wamid=(message.get("context") or {}).get("id", ""), payload=message, sent_at=sent_at)
    except IntegrityError:  # the same message in a concurrent delivery
        return
    if peer.last_inbound_at is None or sent_at > peer.last_inbound_at:
        type(peer).objects.filter(pk=peer.pk).filter(Q(last_inbound_at__isnull=True) | Q(last_inbound_at__lt=sent_at)) \
            .update(last_inbound_at=sent_at)
    if inbound_message_received.has_listeners():
        transaction.on_commit(lambda: _send_robust(inbound_message_received, sender=InboundMessage, message=inbound,
                                                   peer=peer))


def _text_of(kind: str, message: dict) -> tuple[str, str]:
    if kind == "text":
        return (message.get("text") or {}).get("body", ""), ""
    if kind == "button":
        button = message.get("button") or {}
        return button.get("text", ""), button.get("payload", "")
    if kind == "interactive":
        inter = message.get("interactive") or {}
        reply = inter.get(inter.get("type", "")) or {}
        return reply.get("title", ""), reply.get("id", "")
    if kind in ("document", "image", "video", "audio", "voice", "sticker"):
        media = message.get(kind) or {}
        return media.get("caption") or media.get("filename") or "", media.get("id", "")
    if kind == "location":
        loc = message.get("location") or {}
        return f"{loc.get('latitude')},{loc.get('longitude')}", ""
    return "", ""


TIME_FIELD = {State.SENT: "sent_at", State.DELIVERED: "delivered_at", State.READ: "read_at", State.FAILED: "failed_at"}


def _status(status: dict) -> None:
    wamid, name = status.get("id", ""), status.get("status", "")
    if name not in TIME_FIELD or not wamid:
        return
    at = _timestamp(status.get("timestamp"))
    message_id = OutboundMessage.objects.filter(wamid=wamid).values_list("pk", flat=True).first()
    if message_id is None:
        try:
            callback = uuid.UUID(str(status.get("biz_opaque_callback_data", "")))
        except ValueError:
            callback = None
        if callback:
            message_id = OutboundMessage.objects.filter(callback_id=callback).values_list("pk", flat=True).first()
    errors = status.get("errors") or []
    code = errors[0].get("code") if errors else None
    # Unique by (wamid, status): a duplicate is ignored by the database, and everything below is idempotent.
    MessageStatus.objects.bulk_create([MessageStatus(wamid=wamid, status=name, message_id=message_id, timestamp=at,
                                                     error_code=code, payload=status)], ignore_conflicts=True)
    if message_id is None:
        log.info("status %s for a message we do not know", name)
        return
    updates: dict[str, Any] = {"state": name, TIME_FIELD[name]: at, "wamid": wamid, "claimed_by": "",
                               "needs_resolution": False}
    if name in (State.DELIVERED, State.READ):
        updates["sent_at"] = Coalesce("sent_at", Value(at))
    if name == State.READ:
        updates["delivered_at"] = Coalesce("delivered_at", Value(at))  # read implies delivered
    if name == State.FAILED:
        error = ProviderError.from_code(code, errors[0].get("title", "") if errors else "")
        updates.update(error_code=code, error_reason=error.reason_id[:300])
    pricing = status.get("pricing") or {}
    if pricing:
        updates.update(pricing_category=str(pricing.get("category", ""))[:40],
                       pricing_billable=pricing.get("billable"), pricing_type=str(pricing.get("type", ""))[:40])
    moved = OutboundMessage.objects.filter(pk=message_id, state__in=FORWARD_FROM[name]).update(**updates)
    if not moved and name == State.READ:
        OutboundMessage.objects.filter(pk=message_id, delivered_at__isnull=True, state=State.READ) \
            .update(delivered_at=at)
    if not moved and pricing:
        OutboundMessage.objects.filter(pk=message_id, pricing_category="").update(
            pricing_category=str(pricing.get("category", ""))[:40], pricing_billable=pricing.get("billable"),
            pricing_type=str(pricing.get("type", ""))[:40])
    if moved and name == State.FAILED and code == 131026:
        mark_undeliverable(OutboundMessage.objects.get(pk=message_id))
    if moved and message_status_changed.has_listeners():
        message = OutboundMessage.objects.get(pk=message_id)
        transaction.on_commit(lambda: _send_robust(message_status_changed, sender=OutboundMessage, message=message,
                                                   status=name))


def _send_robust(signal, **kwargs) -> None:
    """A receiver's failure (the bot, the inbox) must not fail the webhook: the payload is already stored."""
    for receiver, result in signal.send_robust(**kwargs):
        if isinstance(result, Exception):
            log.error("receiver %s of %s failed: %r", getattr(receiver, "__qualname__", receiver),
                      kwargs.get("sender").__name__, result, exc_info=result)


def mark_undeliverable(message: OutboundMessage) -> None:
    """131026: the number cannot receive WhatsApp. Every taxpayer registered with it is marked undeliverable."""
    contacts = Contact.objects.filter(status=ContactStatus.ACTIVE)
    if message.to:
        contacts = contacts.filter(Q(phone="+" + message.to) | Q(taxpayer_id=message.taxpayer_id))
    elif message.taxpayer_id:
        contacts = contacts.filter(taxpayer_id=message.taxpayer_id)
    else:
        return
    for contact in contacts.select_related("taxpayer"):
        contact_set_status(contact=contact, status=ContactStatus.UNDELIVERABLE, channel="whatsapp",
                           reason=ERRORS[131026][1])
