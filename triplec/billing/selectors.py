"""Reads of billing codes: the codes a payment may carry (for the ledger's matching) and each taxpayer's codes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count

from triplec.core.sql import select_in, table
from triplec.ledger.signals import IssuedCode

from .models import BillingCode, BillingCodeItem


def issued_codes(codes: list[str]) -> dict[str, IssuedCode]:
    """The codes among these that we issued, with their documents: two raw queries for a whole chunk of payments
    (the reconcile benchmark's path 1)."""
    found = select_in(f"SELECT id, code, taxpayer_id, office_id FROM {table(BillingCode)} WHERE code IN ({{}})", codes)
    documents: dict[int, list[int]] = defaultdict(list)
    for code_id, document_id in select_in(
        f"SELECT billing_code_id, document_id FROM {table(BillingCodeItem)} WHERE billing_code_id IN ({{}})",
        [code_id for code_id, *_ in found],
    ):
        documents[code_id].append(document_id)
    return {
        code: IssuedCode(code_id, taxpayer_id, office_id, tuple(documents[code_id]))
        for code_id, code, taxpayer_id, office_id in found
    }


def history_by_taxpayer(taxpayer_ids: Iterable[int]) -> dict[int, dict]:
    """For each of these taxpayers with codes: how many were issued ("codes") and the newest ("last_code")."""
    history: dict[int, dict] = defaultdict(dict)
    for tid, n in (
        BillingCode.objects.filter(taxpayer_id__in=taxpayer_ids).values_list("taxpayer_id").annotate(n=Count("id"))
    ):
        history[tid]["codes"] = n
    for tid, code in (
        BillingCode.objects.filter(taxpayer_id__in=taxpayer_ids)
        .order_by("taxpayer_id", "-issued_at")
        .values_list("taxpayer_id", "code")
    ):
        history[tid].setdefault("last_code", code)
    return history


def codes_for_taxpayer(taxpayer):
    return BillingCode.objects.filter(taxpayer=taxpayer).prefetch_related("items").order_by("-issued_at")
