"""Signals other apps listen to (the bot, the inbox). Both are sent only after the transaction commits."""

from django.dispatch import Signal

from triplec.core.signals import send_after_commit  # noqa: F401  (senders here import it with the signals)

# kwargs: message (InboundMessage), peer (Peer)
inbound_message_received = Signal()
# kwargs: changes: list of (statuses.MessageRef: pk, wamid, channel_id, to, recipient, taxpayer_id, state;
# status str: sent, delivered, read, failed), once per batch of statuses (a campaign's burst arrives hundreds at a
# time: listeners do one query for all of them, not one per message)
message_status_changed = Signal()
