"""Signals other apps listen to (the bot, the inbox). Both are sent only after the transaction commits."""

from django.dispatch import Signal

# kwargs: message (InboundMessage), peer (Peer)
inbound_message_received = Signal()
# kwargs: message (OutboundMessage), status (str: sent, delivered, read, failed)
message_status_changed = Signal()
