"""The bot listens to messaging's inbound signal, sent once the webhook's processing step commits (in the web
process's processing thread by default, or wherever `process_webhooks` runs), and answers right there: a turn
takes tens of milliseconds (see docs/conversations.md)."""

import logging

from django.dispatch import receiver

from triplec.messaging.signals import inbound_message_received

from .bot import handle_inbound

log = logging.getLogger(__name__)


@receiver(inbound_message_received, dispatch_uid="conversations.bot")
def answer_inbound(sender, message, peer, **kwargs) -> None:
    try:
        handle_inbound(message=message)
    except Exception:  # never fail the webhook: the message is stored; `triplec bot_catchup` answers it later
        log.exception("bot failed on inbound message %s; left for bot_catchup", message.pk)
