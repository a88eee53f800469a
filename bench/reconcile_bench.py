"""Benchmark `reconcile`: match N payments against a 1,000,000-document ledger, vs a raw SQL join.

The ledger (generated first with executemany, not timed): 100,000 taxpayers with 10 documents each, five KAPs
and ten tax periods. The N payments (one per taxpayer at N = 100,000) mix the three matching paths: one in
ten by billing code (codes issued beforehand), one in ten by NPWP + KAP + period, the rest by NPWP + document
number; one in seven pays half (partial), one in thirteen pays too much (overpayment). Timed:
`record_payments(rows)`: validation, duplicate-NTPN check, matching, allocation, balance and state updates,
Teguran closing, claim confirmation and one audit entry per chunk (receipts off: no contacts in the bench).
The baseline inserts the same N payments into a table and joins them to the ledger by NPWP + document number
in one SELECT: the floor of any matcher on this database, with none of the rules.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time

from bench.registry import headline

DOCS_PER_TAXPAYER = 10
KAPS = ["411121", "411125", "411211", "411128", "411111"]


def build_ledger(documents: int, payments: int) -> tuple[int, dict]:
    from django.db import connection, transaction

    from triplec.billing.models import BillingCode, BillingCodeItem
    from triplec.imports.kinds import debts, taxpayers
    from triplec.imports.kinds.base import insert_many
    from triplec.ledger.models import DebtDocument
    from triplec.offices.models import Office
    from triplec.taxpayers.models import Taxpayer

    office, _ = Office.objects.get_or_create(code="922", defaults={"name": "KPP Pratama Kupang"})
    taxpayer_count = documents // DOCS_PER_TAXPAYER
    now = dt.datetime.now(dt.UTC)
    tp_base = (Taxpayer.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    doc_base = (DebtDocument.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    with transaction.atomic():
        # The columns the taxpayers and debts imports write for a new row, with the id first.
        insert_many(
            Taxpayer,
            ("id", "npwp16", *taxpayers.FIELDS, "created_at", "updated_at"),
            (
                (
                    tp_base + t,
                    f"09{t:014d}",
                    office.pk,
                    f"9{t:014d}",
                    "",
                    "",
                    f"WP {t}",
                    "OP",
                    "",
                    "Kota Kupang",
                    None,
                    now,
                    now,
                )
                for t in range(taxpayer_count)
            ),
        )

        def docs():
            for j in range(documents):
                t, k = divmod(j, DOCS_PER_TAXPAYER)
                amount = 1_000_000 + (j % 97) * 10_000
                yield (
                    doc_base + j,
                    office.pk,
                    f"D{j:08d}/101/25/922",
                    tp_base + t,
                    "STP",
                    dt.date(2026, 1, 1) + dt.timedelta(days=k),
                    KAPS[k % 5],
                    "300",
                    dt.date(2025, k + 1, 1),
                    dt.date(2025, k + 1, 28),
                    2025,
                    amount,
                    0,
                    amount,
                    dt.date(2026, 2, 1),
                    "open",
                    "",
                    now,
                    now,
                )

        for part in itertools.batched(docs(), 50_000):  # insert_many holds its rows in a list: a part at a time
            insert_many(DebtDocument, ("id", "office", "number", *debts.FIELDS, "created_at", "updated_at"), part)
        # Billing codes for the payments that will pay by code.
        step = max(1, documents // payments)
        code_rows, item_rows = [], []
        for k in range(0, payments, 10):
            j = k * step
            amount = 1_000_000 + (j % 97) * 10_000
            code_rows.append(
                (
                    k + 1,
                    f"0{k:014d}",
                    office.pk,
                    tp_base + j // DOCS_PER_TAXPAYER,
                    amount,
                    now,
                    now + dt.timedelta(hours=168),
                    f"{doc_base + j}:{amount}",
                    "simulated",
                    "bench",
                    now,
                )
            )
            item_rows.append(
                (
                    k + 1,
                    doc_base + j,
                    f"09{j // DOCS_PER_TAXPAYER:014d}",
                    KAPS[j % DOCS_PER_TAXPAYER % 5],
                    "300",
                    dt.date(2025, 1, 1),
                    dt.date(2025, 1, 28),
                    2025,
                    f"D{j:08d}/101/25/922",
                    amount,
                )
            )
        insert_many(
            BillingCode,
            [
                "id",
                "code",
                "office",
                "taxpayer",
                "amount",
                "issued_at",
                "expires_at",
                "items_key",
                "gateway",
                "channel",
                "created_at",
            ],
            code_rows,
        )
        insert_many(
            BillingCodeItem,
            [
                "billing_code",
                "document",
                "npwp",
                "kap",
                "kjs",
                "period_start",
                "period_end",
                "tax_year",
                "document_number",
                "amount",
            ],
            item_rows,
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return step, {"taxpayers": taxpayer_count}


def payment_rows(payments: int, step: int):
    from triplec.ledger.payments import PaymentRow

    paid_at = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
    for k in range(payments):
        j = k * step
        t, slot = divmod(j, DOCS_PER_TAXPAYER)
        amount = 1_000_000 + (j % 97) * 10_000
        if k % 7 == 3:
            amount //= 2
        elif k % 13 == 5:
            amount += 25_000
        common = dict(
            ntpn=f"N{k:015d}", npwp16=f"09{t:014d}", kjs="300", amount=amount, paid_at=paid_at, bank="BANK NTT"
        )
        if k % 10 == 0:
            yield PaymentRow(billing_code=f"0{k:014d}", document_number="", kap="", **common)
        elif k % 10 == 1:
            yield PaymentRow(
                billing_code="",
                document_number="",
                kap=KAPS[slot % 5],
                period_start=dt.date(2025, slot + 1, 1),
                **common,
            )
        else:
            yield PaymentRow(billing_code="", document_number=f"D{j:08d}/101/25/922", kap=KAPS[slot % 5], **common)


def baseline(payments: int, step: int) -> float:
    """Insert the payments into a plain table and join them to the ledger by NPWP + document number."""
    from django.db import connection, transaction

    rows = [
        (f"N{k:015d}", f"09{(k * step) // DOCS_PER_TAXPAYER:014d}", f"D{k * step:08d}/101/25/922", 1_000_000)
        for k in range(payments)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_payment (ntpn varchar(16) PRIMARY KEY, npwp varchar(16), document_number varchar(60), amount bigint)"
        )
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany("INSERT INTO bench_payment VALUES (%s, %s, %s, %s)", rows)
        cursor.execute(
            "SELECT p.ntpn, d.id, d.amount_due FROM bench_payment p "
            "JOIN taxpayers_taxpayer t ON t.npwp16 = p.npwp "
            "JOIN ledger_debtdocument d ON d.taxpayer_id = t.id AND d.number = p.document_number"
        )
        matched = len(cursor.fetchall())
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_payment")
    if matched != payments:
        raise RuntimeError(f"baseline matched {matched} of {payments}")
    return seconds


def run(size: int, documents: int = 1_000_000) -> dict:
    from django.db import connection
    from django.db.models import Count

    from triplec.ledger.models import Payment
    from triplec.ledger.payments import PaymentRejected, record_payments

    build_started = time.perf_counter()
    step, info = build_ledger(documents, size)
    build_seconds = time.perf_counter() - build_started
    rows = list(payment_rows(size, step))
    base_seconds = baseline(size, step)
    started = time.perf_counter()
    results = record_payments(rows, channel="bench", notify=False)
    seconds = time.perf_counter() - started
    rejected = [r for r in results if isinstance(r, PaymentRejected)]
    if rejected:
        raise RuntimeError(f"{len(rejected)} payments rejected, first: {rejected[0]}")
    matched = sum(1 for r in results if r.matched)
    methods = dict(Payment.objects.values_list("match_method").order_by().annotate(n=Count("id")))
    rate, base_rate = size / seconds, size / base_seconds
    return {
        **headline("reconcile", size, seconds, rate, base_rate, ratio_digits=4),
        "documents": documents,
        "matched": matched,
        "by_method": methods,
        "baseline_seconds": round(base_seconds, 3),
        "ledger_build_seconds": round(build_seconds, 1),
        "database": connection.vendor,
        **info,
    }
