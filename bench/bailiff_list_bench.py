"""`bailiff_list`: the Surat Paksa list at N letters due for a Surat Paksa (default 10,000), through the whole
Django stack in this process (middleware, session, permission checks, template): p50/p95/p99 of

- the list page (first page; a later page; sorted by amount; filtered by tax type, by amount, by due-date
  range), 50 letters a page with their documents, Surat Paksa, flags and contact history;
- recording one Surat Paksa as the bailiff does it: the POST and the page it returns to;
- the XLSX export of the whole list (seconds, read to the last byte).

The office (not timed): N taxpayers, each with one Surat Teguran delivered 22–400 days ago covering one or two
open documents over five tax types, half with a WhatsApp contact and a message sent, a tenth with a billing code.

Baseline: the page's own rows as one raw SQL query (the first 50 ripe letters, most overdue first, with their
taxpayer), the floor of any list page on this database. Targets at 10,000: page p95 <= 300 ms, recording p95
<= 300 ms, export <= 3 s.
"""

from __future__ import annotations

import datetime as dt
import random
import time

from bench.registry import headline

KAPS = ["411121", "411125", "411211", "411128", "411126"]


def build_office(size: int):
    from django.db import transaction

    from triplec.accounts.roles import Role
    from triplec.billing.models import BillingCode
    from triplec.ledger.bailiff import office_today
    from triplec.ledger.models import DebtDocument, SuratTeguran
    from triplec.messaging.models import Lane, OutboundMessage, State
    from triplec.taxpayers.models import Contact, Taxpayer
    from triplec.tests.support import make_channel, make_office, make_user, new_document

    rng = random.Random(922)
    office = make_office()
    today = office_today(office)
    bailiff = make_user("bench_jurusita", Role.BAILIFF, office=office)
    ars = [make_user(f"bench_ar{i}", Role.ACCOUNT_REPRESENTATIVE, office=office) for i in range(4)]
    channel = make_channel(office=office)
    now = dt.datetime.now(dt.UTC)
    with transaction.atomic():
        taxpayers = Taxpayer.objects.bulk_create(
            [
                Taxpayer(
                    office=office,
                    npwp16=f"09{i:014d}",
                    npwp15=f"9{i:014d}",
                    name=f"Wajib Pajak {i:05d}",
                    address=f"Jl. Bench No. {i}",
                    city="Kota Kupang",
                    account_representative=ars[i % 4],
                )
                for i in range(size)
            ],
            batch_size=2000,
        )
        docs, letters, groups = [], [], []
        for i, taxpayer in enumerate(taxpayers):
            delivered = today - dt.timedelta(days=rng.randint(22, 400))
            mine = []
            for k in range(1 + (i % 3 == 0)):
                amount = rng.randint(1, 5000) * 10_000
                issue = delivered - dt.timedelta(days=60 + k)
                docs.append(
                    new_document(
                        taxpayer,
                        f"{i:05d}{k}/101/25/922/26",
                        amount,
                        issue_date=issue,
                        kap=KAPS[(i + k) % 5],
                        period_end=dt.date(2025, 1, 31),
                        due_date=issue + dt.timedelta(days=30),
                    )
                )
                mine.append(len(docs) - 1)
            letters.append(
                SuratTeguran(
                    office=office,
                    taxpayer=taxpayer,
                    number=f"ST-{i:05d}/WPJ.14/2026",
                    issue_date=delivered - dt.timedelta(days=3),
                    delivered_date=delivered,
                )
            )
            groups.append(mine)
        DebtDocument.objects.bulk_create(docs, batch_size=2000)
        SuratTeguran.objects.bulk_create(letters, batch_size=2000)
        through = SuratTeguran.documents.through
        through.objects.bulk_create(
            [
                through(suratteguran_id=letters[i].pk, debtdocument_id=docs[k].pk)
                for i, group in enumerate(groups)
                for k in group
            ],
            batch_size=5000,
        )
        Contact.objects.bulk_create(
            [Contact(taxpayer=t, phone=f"+62812{i:08d}") for i, t in enumerate(taxpayers) if i % 2], batch_size=2000
        )
        OutboundMessage.objects.bulk_create(
            [
                OutboundMessage(
                    idempotency_key=f"bench:{i}",
                    channel=channel,
                    taxpayer=t,
                    to=f"62812{i:08d}",
                    kind="text",
                    payload={},
                    lane=Lane.BULK,
                    state=State.SENT,
                    sent_at=now,
                )
                for i, t in enumerate(taxpayers)
                if i % 2
            ],
            batch_size=2000,
        )
        BillingCode.objects.bulk_create(
            [
                BillingCode(
                    code=f"0{i:014d}",
                    office=office,
                    taxpayer=t,
                    amount=100_000,
                    issued_at=now,
                    expires_at=now + dt.timedelta(days=7),
                    items_key=f"bench{i}",
                    gateway="simulated",
                    channel="bench",
                )
                for i, t in enumerate(taxpayers)
                if i % 10 == 0
            ],
            batch_size=2000,
        )
    return office, bailiff, today, [t.pk for t in letters]


def _ms(samples: list[float], p: float) -> float:
    from bench.kit import percentile

    return round(percentile(samples, p) * 1000, 1)


def run(size: int = 10_000) -> dict:
    from django.db import connection
    from django.test import Client

    from triplec.ledger.models import SuratTeguran

    office, bailiff, today, letter_ids = build_office(size)
    client = Client()
    client.force_login(bailiff)
    day = lambda n: (today - dt.timedelta(days=n)).isoformat()  # noqa: E731
    variants = [
        {},
        {"page": 20},
        {"sort": "-amount"},
        {"kap": "411211"},
        {"amount_min": 20_000_000},
        {"due_from": day(120), "due_to": day(30)},
        {"sort": "taxpayer", "page": 3},
    ]
    for query in variants:  # warm-up: templates compiled, connections and caches primed
        assert client.get("/collect/bailiff/", query).status_code == 200
    pages: list[float] = []
    start = time.perf_counter()
    for _ in range(8):
        for query in variants:
            t0 = time.perf_counter()
            response = client.get("/collect/bailiff/", query)
            pages.append(time.perf_counter() - t0)
            assert response.status_code == 200
    page_seconds = time.perf_counter() - start

    records: list[float] = []
    posts: list[float] = []
    for n, pk in enumerate(letter_ids[:: max(1, len(letter_ids) // 25)][:25]):
        t0 = time.perf_counter()
        response = client.post(
            f"/collect/bailiff/{pk}/paksa/",
            {"number": f"SP-{n:05d}/WPJ.14/2026", "issue_date": today.isoformat(), "next": "/collect/bailiff/?page=2"},
        )
        posts.append(time.perf_counter() - t0)
        assert response.status_code == 302
        assert client.get(response["Location"]).status_code == 200
        records.append(time.perf_counter() - t0)

    t0 = time.perf_counter()
    response = client.get("/collect/bailiff/", {"format": "xlsx"})
    size_bytes = sum(len(chunk) for chunk in response.streaming_content)
    export_seconds = time.perf_counter() - t0

    # Baseline: the first page's rows in one raw query.
    teguran = connection.ops.quote_name(SuratTeguran._meta.db_table)
    cutoff = today - dt.timedelta(days=21)
    base: list[float] = []
    base_start = time.perf_counter()
    with connection.cursor() as cursor:
        for _ in range(len(pages)):
            t0 = time.perf_counter()
            cursor.execute(
                f"SELECT s.id, s.number, s.delivered_date, t.name, t.npwp16 FROM {teguran} s "
                f"JOIN taxpayers_taxpayer t ON t.id = s.taxpayer_id WHERE s.office_id = %s AND "
                f"s.delivered_date < %s AND s.closed_at IS NULL ORDER BY s.delivered_date LIMIT 50",
                [office.pk, cutoff],
            )
            cursor.fetchall()
            base.append(time.perf_counter() - t0)
    base_seconds = time.perf_counter() - base_start
    rate, base_rate = len(pages) / page_seconds, len(base) / base_seconds
    return {
        **headline("bailiff_list", size, page_seconds, rate, base_rate, ratio_digits=4),
        "p50_ms": _ms(pages, 50),
        "p95_ms": _ms(pages, 95),
        "p99_ms": _ms(pages, 99),
        "record_p50_ms": _ms(records, 50),
        "record_p95_ms": _ms(records, 95),
        "record_post_p95_ms": _ms(posts, 95),
        "export_seconds": round(export_seconds, 3),
        "export_bytes": size_bytes,
        "baseline_p95_ms": _ms(base, 95),
        "database": connection.vendor,
        "target": "page p95 <= 300 ms, recording p95 <= 300 ms, export <= 3 s at 10,000 letters",
    }
