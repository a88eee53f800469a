"""Writes of the live inbox. Keyword-only, atomic; every one publishes what changed to the event bus (after
commit) so every browser that may see the conversation refreshes within a poll interval.

Conversation transitions themselves are the conversations app's services; this module adds the inbox's rules
(who gets a conversation, the 24-hour window, notes, SLA figures) around them.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from triplec.accounts.permissions import require
from triplec.audit.services import audit_record
from triplec.billing.messages import MessageNotSent, send_billing_code
from triplec.billing.services import BillingError, amount_from_form, billing_code_issue
from triplec.conversations.identity import identity_confirmed
from triplec.conversations.models import HUMAN_STATES, Conversation, ConversationState
from triplec.conversations.services import (
    ConversationError,
    conversation_assign,
    conversation_audit,
    conversation_event,
    conversation_officer_replied,
    conversation_reopen,
    conversation_resolve,
    queued_bulk_cancel,
)
from triplec.core.phrases import Phrase
from triplec.events.bus import publish
from triplec.ledger.models import DebtDocument
from triplec.messaging.models import Lane, OutboundMessage, Template, TemplateStatus
from triplec.messaging.services import MessagingError, message_enqueue
from triplec.taxpayers.models import ContactStatus
from triplec.taxpayers.selectors import contacts_of_peer
from triplec.taxpayers.services import contact_set_status

from .access import OFFICER_ROLES
from .models import OfficerStatus, QuickReply, SlaRecord
from .selectors import conversation_taxpayer
from .sla import clocks

log = logging.getLogger(__name__)


class InboxError(ValueError):
    """An action that cannot be done as asked; the text (Indonesian) is shown to the officer."""


def _may(actor, action: str, conversation: Conversation) -> None:
    """The permission matrix, and the conversation's office: raises PermissionDenied."""
    require(actor, action, office_id=conversation.office_id)


# --- events ---------------------------------------------------------------------------------------------------
def topics_for(conversation: Conversation) -> list[str]:
    """Who hears about a conversation: its own topic, the section heads of its office, and either its officer
    or (while unassigned) every officer of the office. Never another officer's stream."""
    topics = [f"conversation:{conversation.pk}", f"inboxheads:{conversation.office_id}"]
    if conversation.assigned_to_id:
        topics.append(f"user:{conversation.assigned_to_id}")
    else:
        topics.append(f"office:{conversation.office_id}")
    return topics


def announce(conversation: Conversation, kind: str, **data) -> None:
    """Publish a small event (ids only, no content: the browser fetches the HTML it may see)."""
    publish("", kind, {"conversation": conversation.pk, **data}, topics=topics_for(conversation))


# --- assignment -----------------------------------------------------------------------------------------------
def _open_load(office_id: int) -> dict[int, int]:
    rows = (
        Conversation.objects.filter(office_id=office_id, state__in=list(HUMAN_STATES), assigned_to__isnull=False)
        .values("assigned_to")
        .annotate(n=Count("id"))
    )
    return {r["assigned_to"]: r["n"] for r in rows}


def _has_room(status: OfficerStatus | None, load: dict[int, int]) -> bool:
    return status is not None and status.available and load.get(status.user_id, 0) < status.capacity


def choose_officer(conversation: Conversation):
    """The taxpayer's own AR when on duty with room; else the available officer of the office who waited
    longest for a conversation (round-robin), among those under their capacity. None when nobody is free."""
    load = _open_load(conversation.office_id)

    taxpayer = conversation_taxpayer(conversation)
    if taxpayer is not None and taxpayer.account_representative_id:
        ar = taxpayer.account_representative
        if (
            ar.is_active
            and ar.office_id == conversation.office_id
            and _has_room(OfficerStatus.objects.filter(user=ar).first(), load)
        ):
            return ar
    candidates = (
        OfficerStatus.objects.select_related("user")
        .filter(
            available=True,
            user__is_active=True,
            user__office_id=conversation.office_id,
            user__groups__name__in=list(OFFICER_ROLES),
        )
        .distinct()
        .order_by(models_nulls_first("last_assigned_at"), "user_id")
    )
    for status in candidates:
        if _has_room(status, load):
            return status.user
    return None


def models_nulls_first(field: str):
    return F(field).asc(nulls_first=True)


def inbox_auto_assign(*, conversation: Conversation, now: dt.datetime | None = None):
    """Give a waiting, unassigned conversation to an officer. Returns the officer, or None (it stays in the
    office's unassigned queue, where any officer can take it)."""
    with transaction.atomic():
        conversation = (
            Conversation.objects.select_for_update(of=("self",))
            .select_related("taxpayer", "office")
            .get(pk=conversation.pk)
        )
        if conversation.assigned_to_id or conversation.state not in HUMAN_STATES:
            return None
        officer = choose_officer(conversation)
        if officer is None:
            announce(conversation, "inbox.conversation")
            return None
        conversation = conversation_assign(conversation=conversation, officer=officer, actor=None)
        OfficerStatus.objects.filter(user=officer).update(last_assigned_at=now or timezone.now())
        announce(conversation, "inbox.conversation", assigned=officer.pk)
    return officer


def inbox_assign(*, conversation: Conversation, officer, actor) -> Conversation:
    """Manual (re)assignment, or an officer taking an unassigned conversation. Audited by conversation_assign."""
    _may(actor, "inbox.reply" if officer == actor else "inbox.manage", conversation)
    if officer.office_id != conversation.office_id or not officer.has_role(*OFFICER_ROLES):
        raise InboxError("Petugas harus petugas layanan dari kantor yang sama")
    previous = conversation.assigned_to_id
    with transaction.atomic():
        try:
            updated = conversation_assign(conversation=conversation, officer=officer, actor=actor)
        except ConversationError as exc:
            raise InboxError(str(exc)) from None
        OfficerStatus.objects.filter(user=officer).update(last_assigned_at=timezone.now())
        if previous and previous != officer.pk:
            publish(f"user:{previous}", "inbox.conversation", {"conversation": conversation.pk, "gone": True})
        announce(updated, "inbox.conversation", assigned=officer.pk)
    return updated


@transaction.atomic
def officer_availability_set(*, user, available: bool, capacity: int | None = None) -> OfficerStatus:
    require(user, "inbox.reply")
    status, _ = OfficerStatus.objects.get_or_create(user=user)
    status.available = available
    if capacity is not None:
        if not 1 <= capacity <= 50:
            raise InboxError("Kapasitas harus antara 1 dan 50 percakapan")
        status.capacity = capacity
    status.save()
    summary = Phrase("officer available") if available else Phrase("officer unavailable")
    detail = {"capacity": status.capacity}
    audit_record(action="inbox.availability", actor=user, obj=status, channel="web", summary=summary, detail=detail)
    return status


def inbox_assign_waiting(*, office_id: int) -> int:
    """Hand out the office's waiting, unassigned conversations (an officer came on duty)."""
    n = 0
    for c in Conversation.objects.filter(
        office_id=office_id, assigned_to__isnull=True, state=ConversationState.WAITING_OFFICER
    ).order_by("handed_off_at", "id"):
        if inbox_auto_assign(conversation=c) is None:
            break
        n += 1
    return n


# --- sending --------------------------------------------------------------------------------------------------
def _recipient(conversation: Conversation) -> str:
    peer = conversation.peer
    return f"+{peer.wa_id}" if peer.wa_id else peer.user_id


def _check_sendable(conversation: Conversation) -> None:
    if conversation.state == ConversationState.RESOLVED:
        raise InboxError("Percakapan sudah selesai; buka kembali dulu untuk membalas")
    contacts = contacts_of_peer(conversation.peer, conversation.office_id)
    blocked = contacts.exclude(status=ContactStatus.ACTIVE).first()
    if blocked is not None and not contacts.filter(status=ContactStatus.ACTIVE).exists():
        raise InboxError(f"Kontak berstatus {blocked.get_status_display()}; pesan tidak dikirim")


def inbox_reply_send(
    *, conversation: Conversation, actor, text: str, now: dt.datetime | None = None
) -> OutboundMessage:
    """Free text from the officer: only while the taxpayer's 24-hour window is open (Meta's rule)."""
    _may(actor, "inbox.reply", conversation)
    now = now or timezone.now()
    text = (text or "").strip()
    if not text:
        raise InboxError("Pesan kosong")
    if len(text) > 4096:
        raise InboxError("Pesan terlalu panjang (maksimal 4.096 karakter)")
    _check_sendable(conversation)
    if not conversation.peer.window_open(now):
        raise InboxError("Jendela 24 jam sudah tertutup: kirim template yang disetujui")
    return _enqueue(conversation, actor, now, kind="text", payload={"text": text})


def inbox_template_send(
    *, conversation: Conversation, actor, template: Template, params, now: dt.datetime | None = None
) -> OutboundMessage:
    """An approved template: the only way to write first, or again after the window closed."""
    _may(actor, "inbox.reply", conversation)
    now = now or timezone.now()
    _check_sendable(conversation)
    if (
        template.channel_id != conversation.channel_id
        or template.status != TemplateStatus.APPROVED
        or not template.is_current
    ):
        raise InboxError("Template tidak tersedia atau belum disetujui")
    return _enqueue(conversation, actor, now, kind="template", template=template, params=params)


def _enqueue(conversation: Conversation, actor, now: dt.datetime, **kwargs) -> OutboundMessage:
    with transaction.atomic():
        try:
            message = message_enqueue(
                channel=conversation.channel,
                to=_recipient(conversation),
                idempotency_key=f"inbox:{conversation.pk}:{uuid.uuid4().hex}",
                lane=Lane.REPLY,
                taxpayer=conversation.taxpayer,
                actor=actor,
                **kwargs,
            )
        except MessagingError as exc:
            raise InboxError(f"Pesan tidak dapat dikirim: {exc}") from None
        if conversation.assigned_to_id is None and actor.has_role(*OFFICER_ROLES):
            conversation = conversation_assign(conversation=conversation, officer=actor, actor=actor)
        conversation_officer_replied(conversation=conversation, at=now)
        conversation.refresh_from_db()
        inbox_sla_record(conversation=conversation, now=now)
        announce(conversation, "inbox.message", outbound=message.pk)
    return message


def quick_reply_fill(reply: QuickReply, *, conversation: Conversation, actor) -> str:
    """Replace the known variables; unknown ones stay visible so the officer sees what to fill in."""
    _may(actor, "inbox.reply", conversation)
    values = {
        "nama": conversation.taxpayer.name
        if conversation.taxpayer_id and conversation.taxpayer.office_id == conversation.office_id
        else (conversation.peer.profile_name or "Bapak/Ibu"),
        "petugas": actor.full_name or actor.username,
        "kantor": conversation.office.name,
    }
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), reply.body)


@transaction.atomic
def quick_reply_save(*, office, title: str, body: str, actor, reply: QuickReply | None = None) -> QuickReply:
    require(actor, "inbox.manage", office_id=office.pk)
    title, body = (title or "").strip(), (body or "").strip()
    if not title or not body:
        raise InboxError("Judul dan teks wajib diisi")
    if QuickReply.objects.filter(office=office, title=title).exclude(pk=getattr(reply, "pk", None)).exists():
        raise InboxError("Judul sudah dipakai balasan cepat lain")
    reply = reply or QuickReply(office=office, created_by=actor)
    reply.title, reply.body = title[:80], body[:2000]
    reply.save()
    summary = Phrase("quick reply saved")
    audit_record(action="inbox.quick_reply", actor=actor, obj=reply, office=office, channel="web", summary=summary)
    return reply


@transaction.atomic
def quick_reply_delete(*, reply: QuickReply, actor) -> None:
    """Deleting is audited like saving: the entry keeps the title and text that are gone."""
    summary = Phrase("quick reply deleted")
    detail = {"title": reply.title, "body": reply.body}
    audit_record(
        action="inbox.quick_reply_delete", actor=actor, obj=reply, channel="web", summary=summary, detail=detail
    )
    reply.delete()


# --- notes, state, contact ------------------------------------------------------------------------------------
@transaction.atomic
def inbox_note_add(*, conversation: Conversation, actor, text: str):
    """An internal note: in the timeline for staff, never sent to the taxpayer."""
    _may(actor, "inbox.reply", conversation)
    text = (text or "").strip()
    if not text:
        raise InboxError("Catatan kosong")
    event = conversation_event(conversation=conversation, kind="note", text=text, actor=actor)
    announce(conversation, "inbox.note")
    return event


@transaction.atomic
def inbox_resolve(*, conversation: Conversation, actor, now: dt.datetime | None = None) -> Conversation:
    _may(actor, "inbox.reply", conversation)
    now = now or timezone.now()
    conversation = (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("office", "taxpayer")
        .get(pk=conversation.pk)
    )
    if conversation.state == ConversationState.RESOLVED:
        return conversation
    conversation_resolve(conversation=conversation, now=now, actor=actor)
    inbox_sla_record(conversation=conversation, now=now)
    announce(conversation, "inbox.conversation")
    return conversation


@transaction.atomic
def inbox_reopen(*, conversation: Conversation, actor) -> Conversation:
    _may(actor, "inbox.reply", conversation)
    try:
        conversation = conversation_reopen(conversation=conversation, actor=actor)
    except ConversationError as exc:
        raise InboxError(str(exc)) from None
    conversation_audit(
        conversation=conversation, action="conversation.reopen", actor=actor, summary=Phrase("conversation reopened")
    )
    SlaRecord.objects.filter(conversation=conversation).update(resolution_seconds=None, resolution_breached=False)
    announce(conversation, "inbox.conversation")
    return conversation


@transaction.atomic
def inbox_contact_status_set(*, conversation: Conversation, actor, status: str, reason: str) -> int:
    """Wrong number or opt-out for every registered contact of this WhatsApp number; queued campaign messages
    to it are cancelled at once. Returns how many contacts changed."""
    _may(actor, "contact.change_status", conversation)
    if status not in (ContactStatus.WRONG_NUMBER, ContactStatus.OPTED_OUT):
        raise InboxError("Status kontak tidak dikenal")
    contacts = list(contacts_of_peer(conversation.peer, conversation.office_id).select_related("taxpayer"))
    if not contacts:
        raise InboxError("Nomor ini tidak terdaftar sebagai kontak wajib pajak mana pun")
    for contact in contacts:
        contact_set_status(contact=contact, status=status, reason=reason, actor=actor, channel="web")
    peer = conversation.peer
    queued_bulk_cancel(
        channel_id=conversation.channel_id,
        wa_id=peer.wa_id,
        user_id=peer.user_id,
        reason="Nomor WhatsApp salah"
        if status == ContactStatus.WRONG_NUMBER
        else "Wajib pajak menolak menerima pesan WhatsApp",
    )
    conversation_event(conversation=conversation, kind=f"contact_{status}", text=reason, actor=actor)
    announce(conversation, "inbox.conversation")
    return len(contacts)


# --- billing --------------------------------------------------------------------------------------------------
def inbox_billing_code_send(
    *, conversation: Conversation, actor, document_ids: list[int], amount: str | int | None = None
):
    """Issue a billing code for the chosen documents of the conversation's taxpayer (their whole balance, or the
    amount the taxpayer asked to pay) and send it to this chat."""
    _may(actor, "billing.issue", conversation)
    taxpayer = conversation_taxpayer(conversation)
    if taxpayer is None:
        raise InboxError("Percakapan belum terhubung ke satu wajib pajak")
    docs = list(DebtDocument.objects.filter(pk__in=document_ids, taxpayer=taxpayer, office_id=conversation.office_id))
    if not docs or len(docs) != len(set(document_ids)):
        raise InboxError("Pilih minimal satu dokumen tagihan wajib pajak ini")
    try:
        chosen = amount if isinstance(amount, int) or amount is None else amount_from_form(amount)
        result = billing_code_issue(taxpayer=taxpayer, documents=docs, actor=actor, channel="web", amount=chosen)
    except BillingError as exc:
        raise InboxError(str(exc)) from None
    code = result.billing_code
    # The identity the bot confirmed in this conversation counts as it does for the bot's own billing codes:
    # the officer's panel says "identitas terverifikasi", and sending must agree with it.
    contact = contacts_of_peer(conversation.peer, conversation.office_id).filter(taxpayer=taxpayer).first()
    confirmed = identity_confirmed(conversation, contact, timezone.now())
    with transaction.atomic():
        try:
            message = send_billing_code(billing_code=code, actor=actor, identity_confirmed=confirmed)
        except MessageNotSent as exc:
            raise InboxError(f"Kode billing {code.code} terbit, tetapi tidak terkirim: {exc}") from None
        conversation_officer_replied(conversation=conversation)
        conversation_event(conversation=conversation, kind="billing_code", text=code.code, actor=actor)
        announce(conversation, "inbox.message", outbound=message.pk)
    return code, message


# --- service levels -------------------------------------------------------------------------------------------
def inbox_sla_record(*, conversation: Conversation, now: dt.datetime) -> SlaRecord:
    """Store the conversation's office-hours figures for the reports (updated at reply and at resolve)."""
    c = clocks(conversation, now=now)
    record, _ = SlaRecord.objects.update_or_create(
        conversation=conversation,
        defaults=dict(
            office_id=conversation.office_id,
            officer_id=conversation.assigned_to_id,
            first_response_seconds=c["first_response_seconds"] if c["first_response_done"] else None,
            first_response_breached=c["first_response_breached"],
            resolution_seconds=c["resolution_seconds"] if c["resolution_done"] else None,
            resolution_breached=c["resolution_breached"] and c["resolution_done"],
        ),
    )
    return record
