"""campaign_build: select, apply exclusions, render and enqueue N targets of a campaign (criterion a).

Setup (not timed, written with executemany): an office with `10 * N` taxpayers, `1.1 * N` fresh Surat Teguran with one document each and a
WhatsApp contact; a tenth of the letters is excluded (instalment approved or opted out). Timed: `campaign_start`,
i.e. the selection query, exclusions, hold-out, office-hours plan, rendering of every message (its eight
parameters and signed PDF link, stored as the values of the start's one body shape), and bulk inserts of outbox
rows and targets (plus the one audit entry of the start). Baseline: one raw SQL query selecting the same rows.
"""

import datetime as dt
import json
import time

from django.db import connection
from django.utils import timezone

from bench.registry import headline


def _seed(size: int):
    from triplec.accounts.roles import Role
    from triplec.campaigns.services import campaign_template
    from triplec.messaging.models import TemplateStatus
    from triplec.tests.support import make_channel, make_office, make_user

    office = make_office()
    channel = make_channel(office=office, messages_per_second=1000)
    for with_pdf in (True, False):
        t = campaign_template(channel=channel, with_pdf=with_pdf)
        t.status = TemplateStatus.APPROVED
        t.save()
    staff = make_user("bench_staff", Role.COLLECTION_STAFF, office=office)
    head = make_user("bench_head", Role.SECTION_HEAD, office=office)
    now = timezone.now()
    today = timezone.localdate()
    taxpayers = size * 10
    letters = size + size // 10
    with connection.cursor() as cur:
        cur.executemany(
            "INSERT INTO taxpayers_taxpayer (office_id, npwp16, npwp15, nik, nitku, name, taxpayer_type, address, city, "
            "created_at, updated_at) VALUES (%s,%s,%s,'','',%s,'OP','','Kupang',%s,%s)",
            [(office.pk, f"0{i:015d}", f"{i:015d}", f"Wajib Pajak {i}", now, now) for i in range(1, taxpayers + 1)],
        )
        cur.execute("SELECT MIN(id) FROM taxpayers_taxpayer")
        first = cur.fetchone()[0]
        step = taxpayers // letters
        owners = [first + i * step for i in range(letters)]
        cur.executemany(
            "INSERT INTO taxpayers_contact (taxpayer_id, phone, wa_user_id, source, status, status_reason, updated_at) "
            "VALUES (%s,%s,'','registration',%s,'',%s)",
            [(tp, f"+62812{i:08d}", "opted_out" if i % 22 == 1 else "active", now) for i, tp in enumerate(owners)],
        )
        cur.executemany(
            "INSERT INTO ledger_debtdocument (office_id, taxpayer_id, document_type, number, issue_date, kap, kjs, "
            "period_start, period_end, tax_year, principal, sanctions, amount_due, due_date, state, state_reason, "
            "created_at, updated_at) VALUES (%s,%s,'STP',%s,%s,'411125','300',%s,%s,2025,%s,0,%s,%s,%s,'',%s,%s)",
            [
                (
                    office.pk,
                    tp,
                    f"{i:05d}/101/25/922/26",
                    today - dt.timedelta(days=60),
                    dt.date(2025, 1, 1),
                    dt.date(2025, 12, 31),
                    1_000_000 + i,
                    1_000_000 + i,
                    today - dt.timedelta(days=30),
                    "instalment" if i % 22 == 2 else "open",
                    now,
                    now,
                )
                for i, tp in enumerate(owners)
            ],
        )
        cur.executemany(
            "INSERT INTO ledger_suratteguran (office_id, taxpayer_id, number, issue_date, created_at) VALUES (%s,%s,%s,%s,%s)",
            [
                (office.pk, tp, f"ST-{i:06d}/WPJ.21/KP.03/2026", today - dt.timedelta(days=2), now)
                for i, tp in enumerate(owners)
            ],
        )
        cur.execute(
            "INSERT INTO ledger_suratteguran_documents (suratteguran_id, debtdocument_id) "
            "SELECT s.id, d.id FROM ledger_suratteguran s JOIN ledger_debtdocument d ON d.taxpayer_id = s.taxpayer_id"
        )
    return office, staff, head


def _settle() -> None:
    """After the seed, not timed: on PostgreSQL, autovacuum of a million fresh rows and the checkpoint of the
    seed's own writes would otherwise run during the timed start and share the machine's cores and disk with
    it; a production database is long past both. (SQLite checkpoints the seed's WAL as it commits.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
            cur.execute("CHECKPOINT")


BASELINE_SQL = """
SELECT s.id, s.taxpayer_id, s.number, s.issue_date, t.name, t.npwp16, c.phone, c.status, SUM(d.amount_due)
FROM ledger_suratteguran s
JOIN taxpayers_taxpayer t ON t.id = s.taxpayer_id
LEFT JOIN taxpayers_contact c ON c.taxpayer_id = t.id
JOIN ledger_suratteguran_documents sd ON sd.suratteguran_id = s.id
JOIN ledger_debtdocument d ON d.id = sd.debtdocument_id
WHERE s.office_id = %s AND s.closed_at IS NULL AND s.issue_date >= %s AND d.state = 'open' AND d.amount_due > 0
  AND (c.status IS NULL OR c.status = 'active')
GROUP BY s.id, s.taxpayer_id, s.number, s.issue_date, t.name, t.npwp16, c.phone, c.status
"""


def run(size: int) -> dict:
    from django.test.utils import override_settings
    from django.urls import reverse

    from triplec.campaigns.services import campaign_approve, campaign_create, campaign_start

    office, staff, head = _seed(size)
    _settle()
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(BASELINE_SQL, [office.pk, timezone.localdate() - dt.timedelta(days=7)])
        base_rows = len(cur.fetchall())
    baseline_seconds = time.perf_counter() - t0
    reverse("campaigns:list")  # load the URLconf as a running server has (the PDF link needs it)
    with override_settings(CAMPAIGN_MESSAGING_TIER=100_000_000):
        campaign = campaign_create(office=office, maker=staff, name="bench", criterion="a", frequency_cap_days=0)
        campaign_approve(campaign=campaign, approver=head)
        t0 = time.perf_counter()
        counts = campaign_start(campaign=campaign, actor=head)  # starting is the section head's (permission matrix)
        seconds = time.perf_counter() - t0
    rate = counts["queued"] / seconds
    baseline_rate = base_rows / baseline_seconds
    return {
        **headline("campaign_build", size, seconds, rate, baseline_rate, ratio_digits=4),
        "queued": counts["queued"],
        "excluded": counts["excluded"],
        "baseline_rows": base_rows,
        "taxpayers": size * 10,
        "target_rate": 20_000,
        "db": connection.vendor,
    }


if __name__ == "__main__":  # pragma: no cover
    print(json.dumps(run(1000)))
