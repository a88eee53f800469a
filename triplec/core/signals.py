"""Events between apps: a lower app sends, a higher app listens, never the other way round (docs/architecture.md)."""

import logging

from django.db import transaction
from django.dispatch import Signal

log = logging.getLogger(__name__)


def send_after_commit(signal: Signal, **kwargs) -> None:
    """Send once the transaction commits (if any listens). A receiver's failure is logged and never fails the
    sender: what it records (a webhook's payload, a payment) is already stored."""
    if not signal.has_listeners():
        return

    def send():
        for receiver, result in signal.send_robust(**kwargs):
            if isinstance(result, Exception):
                log.error(
                    "receiver %s of %s failed: %r",
                    getattr(receiver, "__qualname__", receiver),
                    kwargs["sender"].__name__,
                    result,
                    exc_info=result,
                )

    transaction.on_commit(send)
