"""Signals the ledger sends to the apps above it (billing): the ledger never imports them.

Events go out after the transaction commits (core.signals.send_after_commit): a listener's failure (a receipt
that cannot be queued) never undoes a payment. Questions (core.signals.ask) are sent inside the ledger's own
work, because the ledger needs the answer to match a payment, or needs a row written with the payment."""

from __future__ import annotations

from dataclasses import dataclass

from django.dispatch import Signal

# Event. kwargs: payment_ids: Payment ids applied to at least one document, in part or in full (billing sends
# a receipt for each, saying what is left).
payments_applied = Signal()


@dataclass(frozen=True)
class IssuedCode:
    """A billing code issued for ledger documents, as payment matching needs it (path 1: by billing code)."""

    id: int
    taxpayer_id: int
    office_id: int
    document_ids: tuple[int, ...]


# Question, inside the recording transaction before matching. kwargs: codes: the billing codes the payment rows
# carry. Answer: {code: IssuedCode} for the codes the receiver issued.
billing_codes_wanted = Signal()

# Question (no answer), inside the recording transaction once the payments are written, so a code is marked
# paid together with its payment or not at all. kwargs: paid: [(IssuedCode.id, paid_at)] for each code whose
# payment was applied to at least one document.
billing_codes_paid = Signal()

# Question, for the bailiff's list and its export. kwargs: taxpayer_ids. Answer: {taxpayer_id: {"codes": number
# of billing codes issued, "last_code": the newest code}}.
billing_history_wanted = Signal()
