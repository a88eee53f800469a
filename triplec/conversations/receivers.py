"""The bot listens to messaging's inbound signal (sent after the webhook's transaction commits) and answers in
the same request: a turn takes a few milliseconds (see docs/conversations.md), far below Meta's budget."""

import logging

from django.dispatch import receiver

from triplec.messaging.signals import inbound_message_received

log = logging.getLogger(__name__)


@receiver(inbound_message_received, dispatch_uid="conversations.bot")
def answer_inbound(sender, message, peer, **kwargs) -> None:
    from .bot import handle_inbound

    try:
        handle_inbound(message=message)
    except Exception:  # never fail the webhook: the message is stored; `triplec bot_catchup` answers it later
        log.exception("bot failed on inbound message %s; left for bot_catchup", message.pk)
