"""Reads of the ledger. The two figures every screen shows come from here and nowhere else:

- *owed* ("masih harus dibayar"): every document whose money is still due, whether collection may go on or is
  paused (instalment or deferral approved, objection or appeal pending, collection suspended);
- *collectible now* ("dapat ditagih sekarang"): the part of it collection may pursue today (open documents).

Paid, cleared, cancelled and written-off documents are in neither. A document with a zero balance is in neither.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from triplec.taxpayers.selectors import scoped_to_user

from .models import DebtDocument, DocumentState, Payment

# States in which the money is still due (collection may be paused, but the debt is there).
OWED_STATES = (DocumentState.OPEN, DocumentState.INSTALMENT, DocumentState.OBJECTION, DocumentState.SUSPENDED)
# States in which collection may go on today: a Teguran, a campaign, a Surat Paksa.
COLLECTIBLE_STATES = (DocumentState.OPEN,)


@dataclass(frozen=True)
class DebtTotals:
    """Count and rupiah of one set of documents."""

    documents: int
    amount: int


def owed_q(prefix: str = "") -> Q:
    """The "owed" rule as a filter; `prefix` reaches the documents through a relation ("documents__")."""
    return Q(**{f"{prefix}state__in": OWED_STATES, f"{prefix}amount_due__gt": 0})


def collectible_q(prefix: str = "") -> Q:
    """The "collectible now" rule as a filter."""
    return Q(**{f"{prefix}state__in": COLLECTIBLE_STATES, f"{prefix}amount_due__gt": 0})


def is_owed(document: DebtDocument) -> bool:
    return document.state in OWED_STATES and document.amount_due > 0


def is_collectible(document: DebtDocument) -> bool:
    return document.state in COLLECTIBLE_STATES and document.amount_due > 0


def _scoped(qs: QuerySet[DebtDocument], office, taxpayer, user) -> QuerySet[DebtDocument]:
    if office is not None:
        qs = qs.filter(office=office)
    if taxpayer is not None:
        qs = qs.filter(taxpayer=taxpayer)
    if user is not None:
        qs = scoped_to_user(qs, user)
    return qs


def owed_documents(*, office=None, taxpayer=None, user=None) -> QuerySet[DebtDocument]:
    """Everything still owed ("masih harus dibayar"), oldest first."""
    return _scoped(DebtDocument.objects.filter(owed_q()), office, taxpayer, user).order_by("issue_date", "number")


def collectible_documents(*, office=None, taxpayer=None, user=None) -> QuerySet[DebtDocument]:
    """What collection may chase today ("dapat ditagih sekarang"). Paid and cleared ones drop out at once."""
    return _scoped(DebtDocument.objects.filter(collectible_q()), office, taxpayer, user).order_by(
        "issue_date", "number"
    )


def debt_totals(qs: QuerySet[DebtDocument]) -> DebtTotals:
    row = qs.order_by().aggregate(n=Count("id"), amount=Sum("amount_due"))
    return DebtTotals(row["n"] or 0, row["amount"] or 0)


def owed_and_collectible(qs: QuerySet[DebtDocument]) -> tuple[DebtTotals, DebtTotals]:
    """Both figures over any set of documents (a filtered list, an office, one taxpayer)."""
    return debt_totals(qs.filter(owed_q())), debt_totals(qs.filter(collectible_q()))


def unmatched_payments(user):
    """The queue: payments not yet allocated to any document, oldest first, in the user's office."""
    return (
        scoped_to_user(Payment.objects.filter(match_method=""), user)
        .select_related("taxpayer")
        .order_by("paid_at", "id")
    )
