"""The inbox listens to messaging's signals (sent after commit, in whichever process received the webhook)
and publishes to the event bus, so browsers see messages and ticks even when the dispatcher or a worker
produced them. Inbound messages to a conversation waiting for an officer also trigger assignment."""

import logging

from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver

from triplec.conversations.models import HUMAN_STATES, Conversation, ConversationState
from triplec.messaging.models import Peer
from triplec.messaging.signals import inbound_message_received, message_status_changed

from .services import announce, inbox_auto_assign

log = logging.getLogger(__name__)


def _conversation_of_peer(peer_id: int, channel_id: int) -> Conversation | None:
    open_one = (
        Conversation.objects.filter(peer_id=peer_id, channel_id=channel_id)
        .exclude(state=ConversationState.RESOLVED)
        .first()
    )
    return (
        open_one
        or Conversation.objects.filter(peer_id=peer_id, channel_id=channel_id).order_by("-last_message_at").first()
    )


@receiver(inbound_message_received, dispatch_uid="inbox.inbound")
def inbound(sender, message, peer, **kwargs) -> None:
    """Runs after the bot's receiver (the conversations app is installed first), so the turn is recorded."""
    try:
        conversation = _conversation_of_peer(peer.pk, message.channel_id)
        if conversation is None:
            return
        if conversation.state in HUMAN_STATES and conversation.assigned_to_id is None:
            inbox_auto_assign(conversation=conversation)
            conversation.refresh_from_db()
        with transaction.atomic():
            announce(conversation, "inbox.message", inbound=message.pk, wamid=message.wamid)
    except Exception:  # never fail the webhook for a browser refresh
        log.exception("inbox: could not announce inbound message %s", message.pk)


@receiver(message_status_changed, dispatch_uid="inbox.status")
def status(sender, changes, **kwargs) -> None:
    """One query for the peers of the whole batch: most statuses (a campaign's) belong to no conversation."""
    try:
        channels = {message.channel_id for message, _ in changes}
        peers = {
            (p.channel_id, key): p.pk
            for p in Peer.objects.filter(channel_id__in=channels).filter(
                Q(wa_id__in={m.to for m, _ in changes if m.to})
                | Q(user_id__in={m.recipient for m, _ in changes if not m.to and m.recipient})
            )
            for key in (p.wa_id, p.user_id)
            if key
        }
        for message, name in changes:
            peer_id = peers.get((message.channel_id, message.to or message.recipient))
            conversation = _conversation_of_peer(peer_id, message.channel_id) if peer_id else None
            if conversation is not None:
                with transaction.atomic():
                    announce(conversation, "inbox.status", outbound=message.pk, status=name)
    except Exception:
        log.exception("inbox: could not announce %d status changes", len(changes))
