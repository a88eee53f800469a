"""Signals the ledger sends for the apps above it, after the transaction commits (core.signals.send_after_commit):
a listener's failure (a receipt that cannot be queued) never undoes a payment."""

from django.dispatch import Signal

# kwargs: payment_ids: Payment ids applied to at least one document, in part or in full (billing sends a receipt
# for each, saying what is left).
payments_applied = Signal()
