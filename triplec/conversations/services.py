"""Writes on conversations: open-or-lock, handoff, events, staff tasks, the identity guard, and the small set
of transitions the live inbox (issue 7) builds on. All keyword-only; callers hold a transaction.

Locking: `conversation_lock` locks the peer row first (`SELECT … FOR UPDATE` on PostgreSQL), so two webhooks
for one contact, even the very first two, serialise before either looks for an open conversation; the
conversation row is then locked too. On SQLite the IMMEDIATE transaction mode of our settings already takes the
database write lock at BEGIN, which serialises the same way.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from triplec.audit.services import audit_record
from triplec.core.phrases import Phrase
from triplec.events.bus import publish
from triplec.messaging.models import Channel, Lane, OutboundMessage, Peer, State
from triplec.taxpayers.models import Contact

from .models import (
    BOT_STATES,
    TASK_QUEUES,
    Conversation,
    ConversationEvent,
    ConversationState,
    IdentityGuard,
    StaffTask,
)

log = logging.getLogger(__name__)


class ConversationError(ValueError):
    """A transition that is not allowed; the text says why (for staff)."""


def conversation_lock(*, channel: Channel, peer: Peer, now: dt.datetime) -> Conversation:
    """The open conversation of this peer, locked for this transaction; a new one when none is open (or when a
    bot conversation went idle: yesterday's half-finished challenge must not answer today's "halo")."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("conversation_lock needs a transaction")
    list(Peer.objects.select_for_update().filter(pk=peer.pk).values_list("pk", flat=True))
    conversation = (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("office", "channel", "taxpayer")
        .filter(channel=channel, peer=peer)
        .exclude(state=ConversationState.RESOLVED)
        .first()
    )
    idle = dt.timedelta(hours=settings.BOT_CONVERSATION_IDLE_HOURS)
    if conversation is not None and conversation.state in BOT_STATES and now - conversation.last_message_at > idle:
        conversation_resolve(conversation=conversation, now=now, note="ditutup otomatis: tidak ada pesan")
        conversation = None
    if conversation is None:
        conversation = Conversation.objects.create(
            office_id=channel.office_id, channel=channel, peer=peer, opened_at=now, last_message_at=now
        )
        conversation = Conversation.objects.select_related("office", "channel", "taxpayer").get(pk=conversation.pk)
        publish(
            f"office:{conversation.office_id}",
            "conversation.new",
            {"conversation": conversation.pk, "state": conversation.state},
        )
    return conversation


def conversation_event(
    *, conversation: Conversation, kind: str, text: Phrase | str = "", actor=None, at: dt.datetime | None = None
) -> ConversationEvent:
    """One event in the timeline; `text` is a Phrase when the system says it (shown in each reader's language),
    a string when a person wrote it or it is data."""
    phrase = text.as_data() if isinstance(text, Phrase) else None
    if isinstance(text, Phrase):
        with translation.override(settings.LANGUAGE_CODE):
            text = str(text)
    return ConversationEvent.objects.create(
        conversation=conversation,
        kind=kind,
        text=text[:2000],
        phrase=phrase,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=at or timezone.now(),
    )


def conversation_handoff(*, conversation: Conversation, reason: str, summary: str, now: dt.datetime) -> bool:
    """Hand the conversation to the live inbox. False when it already is with a person (nothing changes)."""
    if conversation.is_handed_off:
        return False
    conversation.state = ConversationState.WAITING_OFFICER
    conversation.handoff_reason, conversation.handoff_summary = reason[:40], summary
    conversation.handed_off_at = now
    conversation.pending_intent, conversation.options = "", []
    conversation.save(
        update_fields=[
            "state",
            "handoff_reason",
            "handoff_summary",
            "handed_off_at",
            "pending_intent",
            "options",
            "updated_at",
        ]
    )
    # The summary opens with the reason in words ("Alasan: ..."); the reason's code is kept on the conversation.
    conversation_event(conversation=conversation, kind="handoff", text=summary, at=now)
    publish(
        f"office:{conversation.office_id}", "conversation.handoff", {"conversation": conversation.pk, "reason": reason}
    )
    return True


def conversation_audit(*, conversation: Conversation, action: str, actor, summary: Phrase, detail=None) -> None:
    """A member of staff's step on a conversation in the audit log, under the conversation's office and taxpayer."""
    audit_record(
        action=action,
        actor=actor,
        obj=conversation,
        office=conversation.office,
        channel="web",
        summary=summary,
        detail=detail,
    )


def conversation_resolve(
    *, conversation: Conversation, now: dt.datetime | None = None, actor=None, note: str = ""
) -> None:
    now = now or timezone.now()
    conversation.state, conversation.resolved_at = ConversationState.RESOLVED, now
    conversation.pending_intent, conversation.options = "", []
    conversation.save(update_fields=["state", "resolved_at", "pending_intent", "options", "updated_at"])
    conversation_event(conversation=conversation, kind="resolved", text=note, actor=actor, at=now)
    if actor is not None:
        conversation_audit(
            conversation=conversation,
            action="conversation.resolve",
            actor=actor,
            summary=Phrase("conversation resolved"),
        )


@transaction.atomic
def conversation_assign(*, conversation: Conversation, officer, actor=None) -> Conversation:
    """Give the conversation to an officer (the inbox's round-robin or a manual reassignment). Audited."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.state == ConversationState.RESOLVED:
        raise ConversationError("Percakapan sudah selesai")
    previous = conversation.assigned_to_id
    conversation.assigned_to = officer
    if conversation.state in BOT_STATES or conversation.state == ConversationState.WAITING_OFFICER:
        conversation.state = ConversationState.OPEN
    conversation.save(update_fields=["assigned_to", "state", "updated_at"])
    shown = getattr(officer, "full_name", "") or getattr(officer, "username", "")  # the officer's display name
    conversation_event(conversation=conversation, kind="assigned", text=shown, actor=actor)
    conversation_audit(
        conversation=conversation,
        action="conversation.assign",
        actor=actor,
        summary=Phrase("conversation assigned to %(officer)s", officer=shown),
        detail={"from": previous, "to": getattr(officer, "pk", None)},
    )
    return conversation


@transaction.atomic
def conversation_officer_replied(*, conversation: Conversation, at: dt.datetime | None = None) -> None:
    """An officer answered: the first-response clock stops, the ball is in the taxpayer's court."""
    at = at or timezone.now()
    Conversation.objects.filter(pk=conversation.pk, first_response_at__isnull=True).update(first_response_at=at)
    Conversation.objects.filter(pk=conversation.pk).exclude(state=ConversationState.RESOLVED).update(
        state=ConversationState.WAITING_TAXPAYER, last_message_at=at
    )


@transaction.atomic
def conversation_reopen(*, conversation: Conversation, actor=None) -> Conversation:
    """Reopen a resolved conversation, unless the peer already has another open one."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.state != ConversationState.RESOLVED:
        return conversation
    if (
        Conversation.objects.filter(channel=conversation.channel_id, peer=conversation.peer_id)
        .exclude(state=ConversationState.RESOLVED)
        .exists()
    ):
        raise ConversationError("Kontak ini sudah memiliki percakapan terbuka lain")
    conversation.state, conversation.resolved_at = ConversationState.OPEN, None
    conversation.save(update_fields=["state", "resolved_at", "updated_at"])
    conversation_event(conversation=conversation, kind="reopened", actor=actor)
    return conversation


def staff_task_create(
    *,
    office_id: int,
    kind: str,
    summary: str,
    taxpayer=None,
    contact: Contact | None = None,
    conversation: Conversation | None = None,
    reported_number: str = "",
) -> StaffTask:
    """A task in the queue its kind belongs to (`TASK_QUEUES`); section-head tasks are announced to heads only."""
    queue = TASK_QUEUES[kind]
    task = StaffTask.objects.create(
        office_id=office_id,
        kind=kind,
        queue=queue,
        summary=summary[:300],
        taxpayer=taxpayer,
        contact=contact,
        conversation=conversation,
        reported_number=reported_number[:20],
    )
    topic = f"inboxheads:{office_id}" if queue == "kasi" else f"office:{office_id}"
    publish(topic, "task.new", {"task": task.pk, "kind": kind, "queue": queue})
    return task


@transaction.atomic
def staff_task_done(*, task: StaffTask, actor) -> StaffTask:
    StaffTask.objects.filter(pk=task.pk, done_at__isnull=True).update(done_at=timezone.now(), done_by=actor)
    task.refresh_from_db()
    return task


def identity_failure(*, contact: Contact, now: dt.datetime) -> IdentityGuard:
    """Count one failed challenge for the contact; lock at the limit."""
    guard, _ = IdentityGuard.objects.select_for_update().get_or_create(contact=contact)
    guard.failures += 1
    guard.last_failure_at = now
    if guard.failures >= settings.BOT_CHALLENGE_MAX_FAILURES and guard.locked_at is None:
        guard.locked_at, guard.unlocked_at, guard.unlocked_by = now, None, None
    guard.save()
    return guard


def identity_success(*, contact: Contact) -> None:
    IdentityGuard.objects.filter(contact=contact, locked_at__isnull=True).update(failures=0)


@transaction.atomic
def identity_unlock(*, contact: Contact, actor) -> None:
    """Staff checked the taxpayer's identity another way (in person, by phone to the registered number)."""
    updated = IdentityGuard.objects.filter(contact=contact, locked_at__isnull=False).update(
        locked_at=None, failures=0, unlocked_at=timezone.now(), unlocked_by=actor
    )
    if updated:
        summary = Phrase("bot details unlocked for the contact")
        audit_record(action="identity.unlock", actor=actor, obj=contact, channel="web", summary=summary)


def queued_bulk_cancel(*, channel_id: int, wa_id: str, user_id: str, reason: str) -> int:
    """Messages of campaigns still waiting in the outbox for this number are failed at once with the reason
    (opt-out, wrong number): "stop" means stop now, not after the queue drains. Replies are left alone."""
    q = Q(pk__in=[])
    if wa_id:
        q |= Q(to=wa_id)
    if user_id:
        q |= Q(recipient=user_id)
    return OutboundMessage.objects.filter(q, channel_id=channel_id, lane=Lane.BULK, state=State.QUEUED).update(
        state=State.FAILED, error_reason=reason[:300], failed_at=timezone.now()
    )
