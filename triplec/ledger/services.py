"""Writes of the ledger besides the payment engine (payments.py): clearing and closing.

Paid, cleared, closed: what a payment does to the ledger after matching.

A document paid in full becomes *paid* at once (a receipt exists). It becomes *cleared* only when the core
system confirms its balance is zero (an import flag or the API): the two are kept apart because receipts
and the core system's books can disagree for days. A Surat Teguran is closed when none of its documents is
still owed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from triplec.audit.services import audit_record
from triplec.core.phrases import Phrase

from .models import DebtDocument, DocumentState, SuratTeguran
from .selectors import OWED_STATES


class ClearingError(Exception):
    """A clearing request that cannot be honoured; `code` is stable for API clients, `message` is Indonesian."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def teguran_close_settled(document_ids: Iterable[int], *, at: dt.datetime | None = None) -> list[int]:
    """Close every open Surat Teguran over these documents whose documents are no longer owed; returns their ids."""
    ids = list(set(document_ids))
    if not ids:
        return []
    candidates = (
        SuratTeguran.objects.filter(documents__id__in=ids, closed_at__isnull=True)
        .values_list("id", flat=True)
        .distinct()
    )
    settled = list(
        SuratTeguran.objects.filter(id__in=list(candidates))
        .exclude(documents__state__in=OWED_STATES)
        .values_list("id", flat=True)
    )
    if settled:
        SuratTeguran.objects.filter(id__in=settled).update(closed_at=at or timezone.now())
    return settled


@transaction.atomic
def document_clear(*, document: DebtDocument, actor=None, channel: str = "api", at: dt.datetime | None = None) -> bool:
    """The core system confirms a zero balance. Returns False when it was already cleared (idempotent).

    Refused when our ledger still shows money owed: the payment that settles it has not reached us yet,
    and clearing it now would hide a debt.
    """
    document = DebtDocument.objects.select_for_update().get(pk=document.pk)
    if document.state == DocumentState.CLEARED:
        return False
    if document.amount_due > 0:
        raise ClearingError(
            "balance_not_zero",
            f"Dokumen {document.number} masih bersaldo Rp{document.amount_due:,}".replace(",", ".")
            + "; catat pembayarannya terlebih dahulu.",
        )
    if document.state not in (DocumentState.PAID, *OWED_STATES):
        raise ClearingError("not_clearable", f"Dokumen {document.number} berstatus {document.get_state_display()}.")
    now = at or timezone.now()
    document.state = DocumentState.CLEARED
    document.cleared_at = now
    if document.paid_at is None:
        document.paid_at = now
    document.save(update_fields=["state", "cleared_at", "paid_at", "updated_at"])
    teguran_close_settled([document.pk], at=now)
    summary = Phrase("%(number)s paid, confirmed by the core system (balance zero)", number=document.number)
    audit_record(action="document.clear", actor=actor, obj=document, channel=channel, summary=summary)
    return True
