"""Signals other apps listen to (the bot, the inbox). Both are sent only after the transaction commits."""

import logging

from django.db import transaction
from django.dispatch import Signal

log = logging.getLogger(__name__)

# kwargs: message (InboundMessage), peer (Peer)
inbound_message_received = Signal()
# kwargs: changes: list of (statuses.MessageRef: pk, wamid, channel_id, to, recipient, taxpayer_id, state;
# status str: sent, delivered, read, failed), once per batch of statuses (a campaign's burst arrives hundreds at a
# time: listeners do one query for all of them, not one per message)
message_status_changed = Signal()


def send_after_commit(signal: Signal, **kwargs) -> None:
    """Send once the transaction commits (if any listens). A receiver's failure (the bot, the inbox) is logged and
    must not fail the webhook: its payload is already stored."""
    if not signal.has_listeners():
        return

    def send():
        for receiver, result in signal.send_robust(**kwargs):
            if isinstance(result, Exception):
                log.error("receiver %s of %s failed: %r", getattr(receiver, "__qualname__", receiver),
                          kwargs["sender"].__name__, result, exc_info=result)

    transaction.on_commit(send)
