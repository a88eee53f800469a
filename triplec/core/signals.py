"""Signals between apps: a lower app sends, a higher app listens, never the other way round (docs/architecture.md).

Two kinds. An *event* (`send_after_commit`) tells the apps above what happened, once it is committed; their
failure never undoes it. A *question* (`ask`) asks them for data the sender needs inside its own work (a read
for matching, a row that must commit with the sender's own); their failure is the sender's failure."""

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


def ask(signal: Signal, **kwargs) -> list:
    """Send now, in the caller's transaction, and return every receiver's answer (in the order they connected;
    None for a receiver that has nothing to say). A receiver's exception propagates to the caller."""
    return [answer for _, answer in signal.send(**kwargs) if answer is not None]
