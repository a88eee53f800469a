"""Signals the ledger sends for the apps above it, after the transaction commits (core.signals.send_after_commit):
a listener's failure (a receipt that cannot be queued) never undoes a payment."""

from django.dispatch import Signal

# kwargs: payment_ids: list of Payment ids that settled at least one document (billing sends the receipts).
payments_settled_documents = Signal()
