"""Writes of the WhatsApp channel: the channel of an office, enqueueing outbound messages, peers.

`message_enqueue` is the one way anything in the product sends a WhatsApp message (campaigns, billing, the bot,
the inbox): it only writes an outbox row; the dispatcher does the sending.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from triplec.audit.services import audit_record
from triplec.core import wake
from triplec.core.phrases import Phrase
from triplec.offices.models import Office
from triplec.taxpayers.models import Contact, ContactStatus
from triplec.taxpayers.selectors import contacts_of_number

from .models import Channel, Lane, OutboundMessage, Peer, State, Template, TemplateStatus
from .providers.cloudapi import buttons_body, document_body, envelope, list_body, text_body
from .registry import template_send_body


class MessagingError(ValueError):
    """A message that can never be sent as asked; the text says why."""


def channel_for_office(office: Office) -> Channel:
    """The office's active channel; office 922's is created from the settings on first use."""
    channel = Channel.objects.filter(office=office, is_active=True).select_related("office").first()
    if channel is not None:
        return channel
    channel, _ = Channel.objects.get_or_create(
        phone_number_id=settings.WHATSAPP_PHONE_NUMBER_ID,
        defaults=dict(
            office=office,
            display_number=settings.WHATSAPP_DISPLAY_NUMBER,
            waba_id=settings.WHATSAPP_WABA_ID,
            base_url=settings.WHATSAPP_BASE_URL,
            api_version=settings.WHATSAPP_API_VERSION,
            provider=settings.WHATSAPP_PROVIDER,
        ),
    )
    return channel


def split_recipient(to: str) -> tuple[str, str]:
    """(phone digits, business-scoped user id) from what a caller gives: "+62812…", "62812…" or "ID.1234…"."""
    to = (to or "").strip()
    if not to:
        raise MessagingError(_("The recipient is empty."))
    if "." in to:
        return "", to
    digits = to.lstrip("+")
    if not digits.isdigit() or not 8 <= len(digits) <= 15:
        raise MessagingError("recipient is neither an E.164 number nor a business-scoped user id")
    return digits, ""


KINDS = ("text", "template", "buttons", "list", "document")


def build_body(kind: str, payload: dict | None, template: Template | None, params: Any) -> dict:
    """The type-specific part of the request body, checked now so that bad input fails at the caller."""
    p = payload or {}
    try:
        if kind == "template":
            if template is None:
                raise MessagingError("a template message needs a template")
            return template_send_body(
                template, params, document=p.get("document"), button_payloads=p.get("button_payloads")
            )
        if kind == "text":
            return text_body(p.get("text", ""), preview_url=bool(p.get("preview_url")))
        if kind == "buttons":
            return buttons_body(
                p.get("text", ""),
                [tuple(b) for b in p.get("buttons", [])],
                header=p.get("header", ""),
                footer=p.get("footer", ""),
            )
        if kind == "list":
            return list_body(
                p.get("text", ""),
                p.get("button", ""),
                p.get("sections", []),
                header=p.get("header", ""),
                footer=p.get("footer", ""),
            )
        if kind == "document":
            return document_body(
                link=p.get("link", ""),
                media_id=p.get("id", ""),
                filename=p.get("filename", ""),
                caption=p.get("caption", ""),
            )
    except MessagingError:
        raise
    except ValueError as exc:
        raise MessagingError(str(exc)) from None
    raise MessagingError(f"unknown message kind {kind!r} (one of {', '.join(KINDS)})")


def message_enqueue(
    *,
    channel: Channel,
    to: str,
    kind: str,
    idempotency_key: str,
    lane: int = Lane.BULK,
    payload: dict | None = None,
    template: Template | None = None,
    params: Any = None,
    taxpayer=None,
    actor=None,
    not_after: dt.datetime | None = None,
    context: str = "",
) -> OutboundMessage:
    """Put one message in the outbox; the same key twice returns the first row and sends nothing more.

    A bulk message to a taxpayer whose contact is opted out, undeliverable or a wrong number is recorded as
    failed straight away, with the reason, so a campaign can show why it was not sent.
    """
    existing = OutboundMessage.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    if lane not in Lane.values:
        raise MessagingError(f"unknown lane {lane!r}")
    if template is not None and template.status != TemplateStatus.APPROVED:
        raise MessagingError(
            _("Template %(name)s v%(version)s is not approved (%(status)s).")
            % {"name": template.name, "version": template.version, "status": template.status.lower()}
        )
    phone, recipient = split_recipient(to)
    message = OutboundMessage(
        idempotency_key=idempotency_key,
        channel=channel,
        taxpayer=taxpayer,
        to=phone,
        recipient=recipient,
        kind=kind,
        template=template,
        lane=lane,
        not_after=not_after,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    body = build_body(kind, payload, template, params)
    message.payload = envelope(
        to=phone, recipient=recipient, callback=str(message.callback_id), context=context, **body
    )
    blocked = _blocked_reason(taxpayer) if lane == Lane.BULK else ""
    if blocked:
        message.state, message.error_reason, message.failed_at = State.FAILED, blocked, timezone.now()
    try:
        with transaction.atomic():
            message.save()
            if taxpayer is not None:
                audit_record(
                    action="whatsapp.enqueue",
                    actor=actor,
                    obj=message,
                    channel="whatsapp",
                    summary=Phrase("%(kind)s message queued (reply)", kind=kind)
                    if lane == Lane.REPLY
                    else Phrase("%(kind)s message queued (bulk)", kind=kind),
                    detail={"key": idempotency_key, "template": template.name if template else ""},
                )
    except IntegrityError:
        existing = OutboundMessage.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing
    if not blocked:
        wake.notify_on_commit(wake.OUTBOX)  # the dispatcher sends it now instead of at its next idle look
    return message


def _blocked_reason(taxpayer) -> str:
    if taxpayer is None:
        return ""
    contact = Contact.objects.filter(taxpayer=taxpayer).only("status").first()
    if contact is None or contact.status == ContactStatus.ACTIVE:
        return ""
    return {
        ContactStatus.OPTED_OUT: "Wajib pajak menolak menerima pesan WhatsApp",
        ContactStatus.UNDELIVERABLE: "Nomor tidak terdaftar di WhatsApp atau pesan tidak dapat diterima",
        ContactStatus.WRONG_NUMBER: "Nomor WhatsApp salah",
    }.get(contact.status, "Kontak tidak aktif")


def peer_for(*, channel: Channel, wa_id: str = "", user_id: str = "", name: str = "") -> Peer:
    """The peer with this phone or user id (created as unknown if new), linked to registered contacts."""
    peer = None
    if wa_id:
        peer = Peer.objects.filter(channel=channel, wa_id=wa_id).first()
    if peer is None and user_id:
        peer = Peer.objects.filter(channel=channel, user_id=user_id).first()
    created = peer is None
    if created:
        peer = Peer.objects.create(channel=channel, wa_id=wa_id, user_id=user_id, profile_name=name[:200])
    else:
        changed = []
        for field, value in (("wa_id", wa_id), ("user_id", user_id), ("profile_name", name[:200])):
            if value and getattr(peer, field) != value:
                setattr(peer, field, value)
                changed.append(field)
        if changed:
            peer.save(update_fields=changed)
    if created or wa_id or user_id:
        _link_contacts(peer)
    return peer


def _link_contacts(peer: Peer) -> None:
    """Link the peer to the registered contacts of its number among the taxpayers of the channel's office only:
    another office's taxpayer with the same number is another relationship, never reached through this channel."""
    office_id = Channel.objects.filter(pk=peer.channel_id).values_list("office_id", flat=True).first()
    if office_id is None:
        return
    ids = set(
        contacts_of_number(office_id=office_id, wa_id=peer.wa_id, user_id=peer.user_id).values_list("pk", flat=True)
    )
    have = set(peer.contacts.values_list("pk", flat=True))
    if ids - have:
        peer.contacts.add(*(ids - have))


def peer_for_message(message: OutboundMessage) -> Peer | None:
    if message.to:
        return Peer.objects.filter(channel_id=message.channel_id, wa_id=message.to).first()
    return Peer.objects.filter(channel_id=message.channel_id, user_id=message.recipient).first()
