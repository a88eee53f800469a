"""Endpoints for the core system: payments in (one or a list, per-item results) and document clearing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from triplec.core.inputs import MAX_DATE, MAX_RUPIAH, MIN_DATE
from triplec.ledger.models import DebtDocument
from triplec.ledger.payments import PaymentRejected, PaymentRow, record_payments
from triplec.ledger.services import ClearingError, document_clear

from .auth import ApiError, api_view, json_body, office_scope

MAX_ITEMS = 5000
TEXT_FIELDS = ("ntpn", "billing_code", "npwp", "document_number", "kap", "kjs", "bank")


def parse_payment(item) -> PaymentRow:
    """One JSON object to a PaymentRow; PaymentRejected names the field at fault."""
    if not isinstance(item, dict):
        raise PaymentRejected("item", "Setiap pembayaran harus berupa objek JSON")
    unknown = set(item) - {*TEXT_FIELDS, "amount", "paid_at", "cleared", "period_start"}
    if unknown:
        raise PaymentRejected(sorted(unknown)[0], f"Kolom tidak dikenal: {', '.join(sorted(unknown))}")
    for name in ("ntpn", "amount", "paid_at"):
        if item.get(name) in (None, ""):
            raise PaymentRejected(name, f"Kolom {name} wajib diisi")
    for name in TEXT_FIELDS:
        if not isinstance(item.get(name, ""), str):
            raise PaymentRejected(name, f"Kolom {name} harus berupa teks")
    amount = item["amount"]
    if isinstance(amount, str) and amount.strip().isascii() and amount.strip().isdigit() and len(amount.strip()) <= 16:
        amount = int(amount.strip())
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise PaymentRejected("amount", "Jumlah harus bilangan bulat rupiah (tanpa desimal)")
    if amount > MAX_RUPIAH:
        raise PaymentRejected("amount", f"Jumlah paling banyak {MAX_RUPIAH:,} rupiah".replace(",", "."))
    paid_at = _moment(item["paid_at"])
    if paid_at is None:
        raise PaymentRejected(
            "paid_at",
            "paid_at harus ISO 8601 dengan zona waktu, mis. 2026-11-20T10:30:00+08:00, "
            f"antara tahun {MIN_DATE.year} dan {MAX_DATE.year}",
        )
    period = None
    if item.get("period_start"):
        period = _day(item["period_start"])
        if period is None:
            raise PaymentRejected(
                "period_start",
                f"period_start harus tanggal YYYY-MM-DD antara tahun {MIN_DATE.year} dan {MAX_DATE.year}",
            )
    cleared = item.get("cleared", False)
    if not isinstance(cleared, bool):
        raise PaymentRejected("cleared", "cleared harus true atau false")
    npwp = "".join(ch for ch in item.get("npwp", "") if ch.isdigit())
    return PaymentRow(
        ntpn=item["ntpn"],
        billing_code=item.get("billing_code", "").strip(),
        npwp16=npwp,
        document_number=item.get("document_number", "").strip(),
        kap=item.get("kap", "").strip(),
        kjs=item.get("kjs", "").strip(),
        amount=amount,
        paid_at=paid_at,
        bank=item.get("bank", "").strip(),
        cleared=cleared,
        period_start=period,
    )


def _moment(raw) -> dt.datetime | None:
    """An ISO 8601 moment with its offset, in UTC, within the accepted years; None when it is not one."""
    try:
        value = parse_datetime(raw) if isinstance(raw, str) else None  # ValueError: 2026-02-30T...
        if value is None or timezone.is_naive(value) or not MIN_DATE <= value.date() <= MAX_DATE:
            return None
        return value.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        return None


def _day(raw) -> dt.date | None:
    try:
        value = parse_date(raw) if isinstance(raw, str) else None
    except ValueError:  # well-formed but impossible, e.g. 2026-02-30
        return None
    return value if value is not None and MIN_DATE <= value <= MAX_DATE else None


@api_view("POST", permission="ledger.add_payment")
def payments(request):
    body = json_body(request)
    items = body if isinstance(body, list) else [body]
    if not items or (isinstance(body, dict) and not body):
        raise ApiError("empty", "Tidak ada pembayaran dalam permintaan")
    if len(items) > MAX_ITEMS:
        raise ApiError("too_many", f"Paling banyak {MAX_ITEMS} pembayaran per permintaan")
    rows: list[tuple[int, PaymentRow]] = []
    results: list[dict | None] = [None] * len(items)
    for index, item in enumerate(items):
        try:
            rows.append((index, parse_payment(item)))
        except PaymentRejected as exc:
            results[index] = _rejected(index, item, exc)
    outcomes = record_payments(
        [r for _, r in rows], actor=request.api_user, channel="api", office_id=office_scope(request)
    )
    for (index, row), outcome in zip(rows, outcomes):
        if isinstance(outcome, PaymentRejected):
            results[index] = _rejected(index, items[index], outcome)
            continue
        payment = outcome.payment
        results[index] = {
            "index": index,
            "status": outcome.status,
            "ntpn": payment.ntpn,
            "payment_id": payment.pk,
            "matched": outcome.matched,
            "match_method": payment.match_method or None,
            "overpaid_amount": payment.overpaid_amount,
            "documents_paid": outcome.documents_paid,
            "warnings": outcome.warnings,
        }
    summary = {s: sum(1 for r in results if r["status"] == s) for s in ("imported", "unchanged", "rejected")}
    status = 200 if isinstance(body, list) or summary["rejected"] == 0 else 422
    return status, {"summary": summary, "results": results}


def _rejected(index: int, item, exc: PaymentRejected) -> dict:
    ntpn = item.get("ntpn") if isinstance(item, dict) else None
    return {
        "index": index,
        "status": "rejected",
        "ntpn": ntpn if isinstance(ntpn, str) else None,
        "error": {"code": "invalid", "message": exc.message, "field": exc.column},
    }


@api_view("POST", permission="ledger.change_debtdocument")
def clear(request, office: str, number: str):
    """The core system confirms the document's balance is zero."""
    scope = office_scope(request)
    document = DebtDocument.objects.select_related("office").filter(office__code=office, number=number).first()
    if document is None or (scope is not None and document.office_id != scope):
        raise ApiError("not_found", f"Dokumen {number} tidak ditemukan di kantor {office}", status=404)
    try:
        changed = document_clear(document=document, actor=request.api_user, channel="api")
    except ClearingError as exc:
        raise ApiError(exc.code, exc.message, status=409) from None
    document.refresh_from_db()
    return {
        "office": document.office.code,
        "number": document.number,
        "state": document.state,
        "amount_due": document.amount_due,
        "paid_at": _iso(document.paid_at),
        "cleared_at": _iso(document.cleared_at),
        "changed": changed,
    }


def _iso(value):
    return value.isoformat() if value else None
