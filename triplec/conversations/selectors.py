"""Reads about conversations: the open one of a peer, the timeline to render, open staff tasks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from triplec.messaging.models import InboundMessage, Lane, OutboundMessage, State

from .models import Conversation, ConversationEvent, ConversationState, StaffTask

COMPLAINT_INTENT = "pengaduan"  # of triplec.bot.nlu.intents


def open_conversation(*, channel, peer) -> Conversation | None:
    return Conversation.objects.filter(channel=channel, peer=peer).exclude(state=ConversationState.RESOLVED).first()


# How far back the message a conversation answers is looked for (a campaign message, a receipt).
ANSWERED_LOOKBACK = dt.timedelta(days=30)


@dataclass(frozen=True)
class TimelineItem:
    """One line of the conversation screen: an inbound or outbound message, or an event (handoff, note...)."""

    at: dt.datetime
    direction: str  # "in", "out" or "event"
    kind: str  # message type, or event kind
    text: str
    obj: Any

    @property
    def state(self) -> str:
        return getattr(self.obj, "state", "")


def _outbound_text(message: OutboundMessage) -> str:
    p = message.payload or {}
    if message.kind == "text":
        return (p.get("text") or {}).get("body", "")
    if message.kind in ("buttons", "list"):
        return ((p.get("interactive") or {}).get("body") or {}).get("text", "")
    if message.kind == "template":
        return f"[template {message.template.name if message.template_id else ''}]"
    if message.kind == "document":
        return (p.get("document") or {}).get("caption", "") or "[dokumen]"
    return ""


def conversation_timeline(conversation: Conversation, *, limit: int = 500) -> list[TimelineItem]:
    """Inbound and outbound messages of the peer while the conversation was open, and its events, in order."""
    peer = conversation.peer
    end = conversation.resolved_at
    # The conversation opens while its first message is handled, a moment after that message arrived.
    first = (
        InboundMessage.objects.filter(bot_turn__conversation=conversation)
        .order_by("id")
        .values_list("received_at", flat=True)
        .first()
    )
    start = min(conversation.opened_at, first) if first else conversation.opened_at
    loose = Q(bot_turn__isnull=True, received_at__gte=start)
    if end is not None:
        loose &= Q(received_at__lte=end)
    inbound = InboundMessage.objects.filter(
        Q(bot_turn__conversation=conversation) | loose, peer=peer, channel=conversation.channel_id
    )
    q = Q(pk__in=[])
    if peer.wa_id:
        q |= Q(to=peer.wa_id)
    if peer.user_id:
        q |= Q(recipient=peer.user_id)
    outbound = OutboundMessage.objects.filter(q, channel=conversation.channel_id, created_at__gte=start).select_related(
        "template", "shape", "created_by"
    )
    if end is not None:
        outbound = outbound.filter(created_at__lte=end + dt.timedelta(seconds=5))
    events = ConversationEvent.objects.filter(conversation=conversation).select_related("actor")
    items = [TimelineItem(m.received_at, "in", m.type, m.text, m) for m in inbound.order_by("id")[:limit]]
    items += [TimelineItem(m.created_at, "out", m.kind, _outbound_text(m), m) for m in outbound.order_by("id")[:limit]]
    # Most conversations begin as an answer to a message we wrote first (a campaign's letter message), sent
    # before the conversation opened: the officer sees it at the top, as the taxpayer did.
    answered = (
        OutboundMessage.objects.filter(
            q,
            channel=conversation.channel_id,
            lane=Lane.BULK,
            kind="template",
            created_at__lt=start,
            created_at__gte=start - ANSWERED_LOOKBACK,
        )
        .exclude(state__in=[State.QUEUED, State.SENDING, State.FAILED, State.EXPIRED])
        .select_related("template", "shape", "created_by")
        .order_by("-created_at", "-id")
        .first()
    )
    if answered is not None:
        items.append(TimelineItem(answered.created_at, "out", answered.kind, _outbound_text(answered), answered))
    items += [TimelineItem(e.at, "event", e.kind, e.text, e) for e in events[:limit]]
    items.sort(key=lambda i: (i.at, {"in": 0, "event": 1, "out": 2}[i.direction]))
    return items[-limit:]


def complaint_messages(conversation: Conversation) -> QuerySet[InboundMessage]:
    """The taxpayer's messages in this conversation that the bot read as a complaint."""
    return InboundMessage.objects.filter(bot_turn__conversation=conversation, bot_turn__intent=COMPLAINT_INTENT)


def open_staff_tasks(*, office, queues: list[str] | None = None) -> QuerySet[StaffTask]:
    qs = StaffTask.objects.filter(office=office, done_at__isnull=True).select_related("taxpayer", "conversation")
    return qs.filter(queue__in=queues) if queues is not None else qs
