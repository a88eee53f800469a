"""Reads of the live inbox: queues, the conversation's timeline as the taxpayer saw it, the taxpayer panel."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from triplec.billing.models import BillingCode
from triplec.campaigns.models import Target
from triplec.conversations.identity import identity_confirmed
from triplec.conversations.models import HUMAN_STATES, Conversation, ConversationState, StaffTask, TaskQueue
from triplec.conversations.selectors import complaint_messages, conversation_timeline, open_staff_tasks
from triplec.ledger.models import DebtDocument, Payment, PaymentClaim, SuratPaksa, SuratTeguran
from triplec.ledger.selectors import owed_and_collectible, owed_documents
from triplec.messaging.models import WINDOW, State, Template, TemplateStatus
from triplec.messaging.registry import placeholders, render_template
from triplec.taxpayers.models import ContactChange, ContactStatus, Taxpayer
from triplec.taxpayers.selectors import contacts_of_peer

from .access import is_head, is_officer, visible_conversations

QUEUES = ("mine", "unassigned", "office", "open", "waiting_taxpayer", "resolved")


def queue(user, name: str, query: str = "") -> QuerySet[Conversation]:
    qs = visible_conversations(user).select_related("taxpayer", "assigned_to", "peer", "office")
    if name == "mine":
        qs = qs.filter(assigned_to=user).exclude(state=ConversationState.RESOLVED)
    elif name == "unassigned":
        qs = qs.filter(assigned_to__isnull=True, state__in=list(HUMAN_STATES))
    elif name == "open":
        qs = qs.filter(state__in=[ConversationState.OPEN, ConversationState.WAITING_OFFICER])
    elif name == "waiting_taxpayer":
        qs = qs.filter(state=ConversationState.WAITING_TAXPAYER)
    elif name == "resolved":
        qs = qs.filter(state=ConversationState.RESOLVED)
    query = (query or "").strip()
    if query:
        digits = "".join(ch for ch in query if ch.isdigit())
        q = (
            Q(taxpayer__name__icontains=query)
            | Q(peer__profile_name__icontains=query)
            | Q(handoff_summary__icontains=query)
        )
        if len(digits) >= 4:
            q |= (
                Q(peer__wa_id__contains=digits)
                | Q(taxpayer__npwp16__contains=digits)
                | Q(taxpayer__npwp15__contains=digits)
            )
        if query.isdigit():
            q |= Q(pk=int(query))
        qs = qs.filter(q)
    return qs.order_by("-last_message_at", "-id")


def display_name(conversation: Conversation) -> str:
    """Whom staff are talking to: the taxpayer, else the taxpayers registered with the number, else the profile."""
    taxpayer = _own_taxpayer(conversation)
    if taxpayer is not None:
        return taxpayer.name
    names = sorted(
        set(contacts_of_peer(conversation.peer_id, conversation.office_id).values_list("taxpayer__name", flat=True))
    )
    if names:
        return " / ".join(names[:3]) + (" …" if len(names) > 3 else "")
    return conversation.peer.profile_name or str(conversation.peer)


def conversation_taxpayer(conversation: Conversation):
    """The taxpayer the chat is about: the one the bot settled on, else the only taxpayer registered with this
    number (a shared number needs the bot's choice or the officer's check first)."""
    taxpayer = _own_taxpayer(conversation)
    if taxpayer is not None:
        return taxpayer
    ids = set(contacts_of_peer(conversation.peer_id, conversation.office_id).values_list("taxpayer_id", flat=True))
    return (
        Taxpayer.objects.filter(pk=ids.pop(), office_id=conversation.office_id)
        .select_related("account_representative")
        .first()
        if len(ids) == 1
        else None
    )


def _own_taxpayer(conversation: Conversation):
    """The conversation's taxpayer when it is one of the conversation's office (it always is when the bot set
    it; a taxpayer of another office is never shown, whatever a stale link says)."""
    if conversation.taxpayer_id and conversation.taxpayer.office_id == conversation.office_id:
        return conversation.taxpayer
    return None


def window_closes_at(conversation: Conversation) -> dt.datetime | None:
    last = conversation.peer.last_inbound_at
    return last + WINDOW if last else None


# What a message that is not text was, in words (WhatsApp's message types).
MESSAGE_TYPES = {
    "image": gettext_lazy("image"),
    "audio": gettext_lazy("voice message"),
    "video": gettext_lazy("video"),
    "sticker": gettext_lazy("sticker"),
    "location": gettext_lazy("location"),
    "contacts": gettext_lazy("contact card"),
    "document": gettext_lazy("document"),
    "button": gettext_lazy("button"),
    "interactive": gettext_lazy("button"),
    "reaction": gettext_lazy("reaction"),
    "unsupported": gettext_lazy("message WhatsApp does not support"),
}
TICKS = {"queued": "🕓", "sending": "🕓", "sent": "✓", "delivered": "✓✓", "read": "✓✓", "failed": "✗", "expired": "✗"}


@dataclass
class Line:
    at: dt.datetime
    direction: str
    kind: str
    text: str
    state: str = ""
    reason: str = ""
    actor: str = ""
    pk: int | None = None
    label: str = ""  # an event's kind, in words

    @property
    def tick(self) -> str:
        return TICKS.get(self.state, "")

    @property
    def state_label(self) -> str:
        return str(State(self.state).label) if self.state in State.values else self.state


def _template_text(message) -> str:
    """The template as the phone showed it: the registered text with the parameters that were sent."""
    try:
        comps = (message.body.get("template") or {}).get("components") or []
        params: dict[str, Any] = {"header": [], "body": []}
        named: dict[str, str] = {}
        for comp in comps:
            kind = comp.get("type")
            if kind not in ("header", "body"):
                continue
            for p in comp.get("parameters") or []:
                if p.get("type") != "text":
                    continue
                if p.get("parameter_name"):
                    named[p["parameter_name"]] = p.get("text", "")
                else:
                    params[kind].append(p.get("text", ""))
        template = message.template
        return render_template(template, named if template.parameter_format == "NAMED" else params)
    except Exception:  # an old or odd payload: the name is better than nothing
        return "[%s %s]" % (_("template"), message.template.name if message.template_id else "")


def signed_by(user) -> str:
    """The name a member of staff is shown under: their display name, the username only when it is empty."""
    return (user.full_name or user.username) if user is not None else ""


def complaint_words_hidden(conversation: Conversation, viewer) -> set[int]:
    """The taxpayer's messages the bot read as a complaint, when the viewer does not work the section head's
    queue: a complaint may be about the officer reading the chat, so its words are the section head's only."""
    if TaskQueue.SECTION_HEAD in task_queues_for(viewer):
        return set()
    return set(complaint_messages(conversation).values_list("pk", flat=True))


def timeline(conversation: Conversation, viewer) -> list[Line]:
    """The conversation as the taxpayer saw it, as `viewer` may read it (complaint_words_hidden)."""
    hidden = complaint_words_hidden(conversation, viewer)
    lines = []
    for item in conversation_timeline(conversation):
        obj = item.obj
        if item.direction == "out":
            text = item.text
            if obj.kind == "template" and obj.template_id:
                text = _template_text(obj)
            elif obj.kind == "document":
                doc = (obj.payload or {}).get("document") or {}
                text = f"📄 {doc.get('filename') or _('document')}" + (
                    f"\n{doc['caption']}" if doc.get("caption") else ""
                )
            lines.append(
                Line(
                    item.at,
                    "out",
                    obj.kind,
                    text,
                    obj.state,
                    obj.error_reason,
                    signed_by(obj.created_by) if obj.created_by_id else _("bot"),
                    obj.pk,
                )
            )
        elif item.direction == "in":
            text = item.text or f"[{MESSAGE_TYPES.get(item.kind, item.kind)}]"
            if obj.pk in hidden:
                text = _("[A complaint: its words are shown to the section head only.]")
            elif item.kind == "document":
                text = "📄 " + ((obj.payload.get("document") or {}).get("filename") or _("document"))
            lines.append(Line(item.at, "in", item.kind, text, pk=obj.pk))
        else:
            lines.append(
                Line(
                    item.at,
                    "event",
                    item.kind,
                    obj.shown_text,
                    actor=signed_by(obj.actor) if obj.actor_id else "",
                    pk=obj.pk,
                    label=obj.label,
                )
            )
    return lines


def templates_for(conversation: Conversation) -> list[dict]:
    out = []
    for t in Template.objects.filter(
        channel=conversation.channel, is_current=True, status=TemplateStatus.APPROVED
    ).order_by("name"):
        names = (placeholders(t.header_text) if t.header_type == "TEXT" else []) + placeholders(t.body)
        out.append({"template": t, "params": names, "document": t.header_type == "DOCUMENT"})
    return out


def taxpayer_panel(conversation: Conversation) -> dict:
    """Everything the office knows that matters for this chat. Only for staff who may see the conversation."""
    peer = conversation.peer
    contacts = list(contacts_of_peer(peer, conversation.office_id).select_related("taxpayer"))
    sharing = sorted({c.taxpayer_id for c in contacts})
    panel: dict[str, Any] = {
        "contacts": contacts,
        "shared_number": len(sharing) > 1,
        "unknown": not contacts,
        "contact_history": list(ContactChange.objects.filter(contact__in=contacts).order_by("-changed_at")[:10]),
    }
    t = conversation_taxpayer(conversation)
    panel["taxpayer"] = t
    # The same rule as the bot's gate and its handoff summary ("identitas terkonfirmasi").
    contact = next(
        (ct for ct in contacts if ct.taxpayer_id == getattr(t, "pk", None) and ct.status == ContactStatus.ACTIVE), None
    )
    panel["verified"] = t is not None and identity_confirmed(conversation, contact, timezone.now())
    if t is None:
        return panel
    now = timezone.now()
    panel.update(
        {
            "documents": list(owed_documents(taxpayer=t).order_by("due_date", "number")),
            "teguran": list(SuratTeguran.objects.filter(taxpayer=t).order_by("-issue_date")[:5]),
            "paksa": list(SuratPaksa.objects.filter(taxpayer=t).order_by("-issue_date")[:5]),
            "billing_codes": [
                (b, b.expires_at <= now) for b in BillingCode.objects.filter(taxpayer=t).order_by("-issued_at")[:5]
            ],
            "payments": list(Payment.objects.filter(taxpayer=t).order_by("-paid_at")[:5]),
            "claims": list(PaymentClaim.objects.filter(taxpayer=t).order_by("-created_at")[:5]),
            "campaigns": list(
                Target.objects.filter(taxpayer=t, messaged=True)
                .select_related("campaign", "outbound")
                .order_by("-created_at")[:5]
            ),
        }
    )
    panel["owed"], panel["collectible"] = owed_and_collectible(DebtDocument.objects.filter(taxpayer=t))
    return panel


def task_queues_for(user) -> list[str]:
    """The staff-task queues a user works: heads all of them; officers never the section head's (complaints may
    be about them)."""
    if is_head(user):
        return list(TaskQueue.values)
    if is_officer(user):
        return [q for q in TaskQueue.values if q != TaskQueue.SECTION_HEAD]
    return []


def task_of(user, pk: int) -> StaffTask | None:
    """One task of the user's office in the queues the user works, open or already done (closing twice is fine)."""
    queues = task_queues_for(user)
    if user.office_id is None or not queues:
        return None
    return StaffTask.objects.filter(office_id=user.office_id, queue__in=queues, pk=pk).first()


def tasks_for(user, queue: str | None = None):
    """Open staff tasks of the user's office in the queues the user works (optionally one of them)."""
    queues = task_queues_for(user)
    if queue:
        queues = [q for q in queues if q == queue]
    if user.office_id is None or not queues:
        return StaffTask.objects.none()
    return open_staff_tasks(office=user.office, queues=queues).order_by("-created_at", "-id")
