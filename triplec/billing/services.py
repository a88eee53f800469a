"""Issuing billing codes: one service used by the console, the bot and the inbox."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from triplec.accounts.permissions import require
from triplec.audit.services import audit_record
from triplec.core.money import parse_rupiah, rupiah
from triplec.core.phrases import Phrase
from triplec.core.sql import table
from triplec.ledger.models import DebtDocument
from triplec.ledger.selectors import is_owed

from .gateways import (
    BillingGateway,
    BillingItem,
    BillingRequest,
    GatewayError,
    PermanentGatewayError,
    TransientGatewayError,
    default_gateway,
)
from .models import BillingCode, BillingCodeItem, ExchangeOutcome, GatewayExchange

log = logging.getLogger(__name__)


class BillingError(Exception):
    """A code cannot be issued; `message` is for staff or the taxpayer (Indonesian), `transient` says retry later."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.transient = transient


@dataclass
class IssueResult:
    billing_code: BillingCode
    created: bool  # False: an unexpired code for the same open items already existed


def items_key(documents: Sequence[DebtDocument]) -> str:
    """The same documents with the same balances give the same key; a partial payment gives a new one."""
    return ",".join(f"{d.pk}:{d.amount_due}" for d in sorted(documents, key=lambda d: d.pk))


def _open_code(taxpayer, key: str, now: dt.datetime) -> BillingCode | None:
    return (
        BillingCode.objects.filter(taxpayer=taxpayer, items_key=key, paid_at__isnull=True, expires_at__gt=now)
        .order_by("-issued_at")
        .first()
    )


def amount_from_form(raw: str | None) -> int | None:
    """The amount a member of staff typed for a code (empty: the whole balance)."""
    try:
        return parse_rupiah(raw)
    except ValueError:
        raise BillingError("Jumlah harus angka rupiah, mis. 1.500.000") from None


def split_amount(documents: Sequence[DebtDocument], amount: int) -> list[tuple[DebtDocument, int]]:
    """A chosen amount over the documents, oldest first (the order a payment is applied in, ledger.payments):
    each document takes up to its balance; documents left with nothing are not on the code."""
    shares, left = [], amount
    for d in documents:
        take = min(left, d.amount_due)
        if take <= 0:
            break
        shares.append((d, take))
        left -= take
    return shares


def billing_code_issue(
    *,
    taxpayer,
    documents: Sequence[DebtDocument],
    actor=None,
    channel: str = "web",
    gateway: BillingGateway | None = None,
    now: dt.datetime | None = None,
    amount: int | None = None,
) -> IssueResult:
    """A code for these documents of this taxpayer, for their whole open balance, or for `amount` (to pay in
    parts): at least Rp1 and at most that balance, spread over the documents oldest first.

    Idempotent: the same open items with an unexpired, unpaid code return that code. An expired code is
    replaced by a new one. The issuer is called outside the transaction (it may be slow); the result is
    re-checked inside it, so two clerks asking at once still end with one code.
    """
    require(actor, "billing.issue", office_id=taxpayer.office_id)
    now = now or timezone.now()
    ids = sorted({d.pk for d in documents})
    if not ids:
        raise BillingError("Pilih minimal satu dokumen tagihan")
    docs = list(DebtDocument.objects.filter(pk__in=ids).order_by("issue_date", "number"))
    if len(docs) != len(ids) or any(d.taxpayer_id != taxpayer.pk for d in docs):
        raise BillingError("Dokumen tidak ditemukan atau bukan milik wajib pajak ini")
    closed = [d for d in docs if not is_owed(d)]
    if closed:
        raise BillingError(f"Dokumen {', '.join(d.number for d in closed)} sudah lunas atau tidak lagi terutang")
    balance = sum(d.amount_due for d in docs)
    if amount is not None and amount != balance:
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            raise BillingError("Jumlah harus bilangan bulat rupiah lebih dari nol")
        if amount > balance:
            raise BillingError(f"Jumlah paling banyak sisa tagihan dokumen yang dipilih, {rupiah(balance)}")
        shares = split_amount(docs, amount)
        docs = [d for d, _ in shares]
        key = f"{items_key(docs)}|{amount}"  # a part: its own code, not the whole balance's
    else:
        shares = [(d, d.amount_due) for d in docs]
        key = items_key(docs)
    existing = _open_code(taxpayer, key, now)
    if existing is not None:
        return IssueResult(existing, False)

    gateway = gateway or default_gateway()
    request = BillingRequest(
        items=tuple(
            BillingItem(
                npwp=taxpayer.npwp16,
                kap=d.kap,
                kjs=d.kjs,
                period_start=d.period_start,
                period_end=d.period_end,
                tax_year=d.tax_year,
                document_number=d.number,
                amount=share,
            )
            for d, share in shares
        ),
        reference=hashlib.sha256(f"{taxpayer.office_id}|{key}".encode()).hexdigest()[:20],
    )
    started = time.monotonic()
    exchange = GatewayExchange(gateway=gateway.name, taxpayer=taxpayer, request=request.as_json(), at=now)
    try:
        response = gateway.issue(request)
    except GatewayError as exc:
        exchange.outcome = (
            ExchangeOutcome.TRANSIENT if isinstance(exc, TransientGatewayError) else ExchangeOutcome.PERMANENT
        )
        exchange.error = exc.message[:500]
        exchange.duration_ms = int((time.monotonic() - started) * 1000)
        exchange.save()
        log.warning("billing issuer %s failed: %s", gateway.name, exc.message)
        raise BillingError(exc.message, transient=isinstance(exc, TransientGatewayError)) from None
    exchange.response = response.as_json()
    exchange.duration_ms = int((time.monotonic() - started) * 1000)
    problem = _check_response(response, request)
    if problem:
        exchange.outcome, exchange.error = ExchangeOutcome.PERMANENT, problem
        exchange.save()
        raise BillingError(f"Jawaban penerbit tidak valid: {problem}")
    exchange.outcome = ExchangeOutcome.OK
    with transaction.atomic():
        raced = _open_code(taxpayer, key, now)
        if raced is not None:  # another request won; ours is logged and left unused
            exchange.save()
            return IssueResult(raced, False)
        code = BillingCode.objects.create(
            code=response.code,
            office_id=taxpayer.office_id,
            taxpayer=taxpayer,
            amount=response.amount,
            issued_at=response.issued_at,
            expires_at=response.expires_at,
            items_key=key,
            gateway=gateway.name,
            channel=channel[:20],
            requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        # The code's items are the request's items, each with its document.
        BillingCodeItem.objects.bulk_create(
            [
                BillingCodeItem(billing_code=code, document=d, **dataclasses.asdict(item))
                for (d, _share), item in zip(shares, request.items, strict=True)
            ]
        )
        exchange.billing_code = code
        exchange.save()
        summary = Phrase(
            "billing code %(code)s for %(documents)s",
            code=code.code,
            documents=", ".join(d.number for d in docs),
        )
        detail = {"amount": code.amount, "expires_at": code.expires_at.isoformat(), "gateway": gateway.name}
        audit_record(action="billing.issue", actor=actor, obj=code, channel=channel, summary=summary, detail=detail)
    return IssueResult(code, True)


def _check_response(response, request: BillingRequest) -> str:
    """We trust the issuer for the expiry, not blindly for the shape: a bad code must never reach a taxpayer."""
    code = response.code or ""
    if len(code) != 15 or not code.isdigit():
        return f"kode billing harus 15 angka, diterima {len(code)} karakter"
    if code[0] not in "0123":
        return "kode billing pajak harus diawali angka 0–3"
    if response.amount != request.amount:
        return f"jumlah {response.amount} berbeda dengan permintaan {request.amount}"
    if timezone.is_naive(response.expires_at) or response.expires_at <= response.issued_at:
        return "masa berlaku tidak valid"
    if BillingCode.objects.filter(code=code).exists():
        return f"kode {code} sudah pernah diterbitkan"
    return ""


def mark_codes_paid(paid: list[tuple[int, dt.datetime]]) -> None:
    """Codes whose payment the ledger has just applied: paid at the payment's time (the first payment only).
    In the ledger's recording transaction, in one statement for a whole chunk of payments."""
    if not paid:
        return
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table(BillingCode)} SET paid_at = %s WHERE id = %s AND paid_at IS NULL",
            [(adapt(paid_at), code_id) for code_id, paid_at in paid],
        )


__all__ = ["BillingError", "IssueResult", "billing_code_issue", "PermanentGatewayError", "TransientGatewayError"]
