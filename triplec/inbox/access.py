"""Need-to-know for the live inbox: who may see which conversation, and which event topics they may hear.

Officers see their own conversations and the unassigned ones of their office; section heads (and office heads)
see their whole office; administrators see everything. Anything else answers 404, as if it did not exist.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from triplec.accounts.roles import Role
from triplec.conversations.models import HUMAN_STATES, Conversation, ConversationState
from triplec.events.streams import register_topic

OFFICER_ROLES = (Role.SERVICE_OFFICER, Role.ACCOUNT_REPRESENTATIVE, Role.COLLECTION_STAFF)
HEAD_ROLES = (Role.SECTION_HEAD, Role.OFFICE_HEAD)


def is_head(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_administrator or user.has_role(*HEAD_ROLES)))


def is_officer(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*OFFICER_ROLES))


def may_use_inbox(user) -> bool:
    return is_head(user) or (is_officer(user) and user.office_id is not None)


def inbox_conversations() -> QuerySet[Conversation]:
    """Conversations a person has (or had) to handle: handed off, assigned, or in an officer's state."""
    return Conversation.objects.filter(
        Q(handed_off_at__isnull=False)
        | Q(assigned_to__isnull=False)
        | Q(state__in=[*HUMAN_STATES, ConversationState.RESOLVED], handed_off_at__isnull=False)
        | Q(state__in=list(HUMAN_STATES))
    )


def visible_conversations(user) -> QuerySet[Conversation]:
    qs = inbox_conversations()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.is_administrator:
        return qs
    if user.office_id is None:
        return qs.none()
    if user.has_role(*HEAD_ROLES):
        return qs.filter(office_id=user.office_id)
    if user.has_role(*OFFICER_ROLES):
        return qs.filter(Q(assigned_to=user) | Q(assigned_to__isnull=True), office_id=user.office_id)
    return qs.none()


def conversation_for(user, pk: int) -> Conversation:
    """The conversation if this user may see it, else 404 (never 403: the id's existence is not disclosed)."""
    conversation = (
        visible_conversations(user)
        .select_related("office", "channel", "peer", "taxpayer", "assigned_to")
        .filter(pk=pk)
        .first()
    )
    if conversation is None:
        raise Http404
    return conversation


def _conversation_topic(user, ident: str) -> bool:
    return ident.isdigit() and visible_conversations(user).filter(pk=int(ident)).exists()


def _heads_topic(user, ident: str) -> bool:
    return ident.isdigit() and is_head(user) and (user.is_administrator or user.office_id == int(ident))


def register_topics() -> None:
    register_topic("conversation", _conversation_topic)
    register_topic("inboxheads", _heads_topic)
