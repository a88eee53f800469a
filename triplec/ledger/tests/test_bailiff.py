import datetime as dt
import io

import pytest
from django.contrib.messages import get_messages
from openpyxl import load_workbook

from triplec.audit.models import AuditEntry
from triplec.ledger.bailiff import (
    EXPORT_COLUMNS,
    BailiffError,
    office_today,
    record_served,
    record_surat_paksa,
    surat_paksa_candidates,
)
from triplec.ledger.models import DocumentState, SuratPaksa, SuratTeguran
from triplec.tests.support import make_document, make_office, make_taxpayer, make_user

pytestmark = pytest.mark.django_db
_n = iter(range(10**6))


@pytest.fixture
def now_wita():
    """Now in WITA, for tests that go through views (which use the real clock)."""
    from django.utils import timezone

    return timezone.localtime(timezone.now())


@pytest.fixture
def bailiff_user(office):
    return make_user("jurusita", "bailiff", office=office)


def letter(taxpayer, delivered: dt.date | None, *docs, number=None) -> SuratTeguran:
    docs = docs or (make_document(taxpayer),)
    t = SuratTeguran.objects.create(
        office=taxpayer.office,
        taxpayer=taxpayer,
        number=number or f"ST-{next(_n)}/2026",
        issue_date=(delivered or dt.date(2026, 10, 1)) - dt.timedelta(days=2),
        delivered_date=delivered,
    )
    t.documents.set(docs)
    return t


def wita(y, m, d, hh, mm=0) -> dt.datetime:
    """A moment given in WITA (UTC+8), as an aware UTC datetime."""
    return dt.datetime(y, m, d, hh, mm, tzinfo=dt.UTC) - dt.timedelta(hours=8)


def test_it_counts_twenty_one_days_in_the_office_calendar_not_utc(office, bailiff_user):
    taxpayer = make_taxpayer(office)
    t = letter(taxpayer, dt.date(2026, 11, 1))
    # 22 Nov is day 21 after delivery: not yet. 23 Nov 00:30 WITA is still 22 Nov in UTC, but WITA decides.
    assert surat_paksa_candidates(bailiff_user, now=wita(2026, 11, 22, 23, 59)) == []
    moment = wita(2026, 11, 23, 0, 30)
    assert moment.date() == dt.date(2026, 11, 22)
    (candidate,) = surat_paksa_candidates(bailiff_user, now=moment)
    assert candidate.teguran == t and candidate.days_overdue == 1 and candidate.due_date == dt.date(2026, 11, 22)
    assert office_today(office, moment) == dt.date(2026, 11, 23)


def test_it_leaves_out_paid_instalment_objection_undelivered_and_other_offices(office, bailiff_user):
    now = wita(2026, 12, 15, 10)
    taxpayer = make_taxpayer(office)
    ripe = letter(
        taxpayer,
        dt.date(2026, 11, 1),
        make_document(taxpayer, amount=2_000_000),
        make_document(taxpayer, amount=500_000),
    )
    letter(taxpayer, dt.date(2026, 11, 1), make_document(taxpayer, amount_due=0, state=DocumentState.PAID))
    letter(
        taxpayer, dt.date(2026, 11, 1), make_document(taxpayer), make_document(taxpayer, state=DocumentState.INSTALMENT)
    )
    letter(taxpayer, dt.date(2026, 11, 1), make_document(taxpayer, state=DocumentState.OBJECTION))
    letter(taxpayer, None)
    closed = letter(taxpayer, dt.date(2026, 11, 1))
    SuratTeguran.objects.filter(pk=closed.pk).update(closed_at=now)
    other = make_office("907", "KPP Pratama Atambua")
    letter(make_taxpayer(other), dt.date(2026, 11, 1))
    (candidate,) = surat_paksa_candidates(bailiff_user, now=now)
    assert candidate.teguran == ripe and candidate.amount == 2_500_000 and candidate.days_overdue == 23
    admin = make_user("admin", "administrator")
    assert len(surat_paksa_candidates(admin, now=now)) == 2


def test_it_shows_the_billing_codes_issued_as_contact_history(office, bailiff_user):
    from triplec.billing.gateways import SimulatedDjpGateway
    from triplec.billing.services import billing_code_issue

    taxpayer = make_taxpayer(office)
    doc = make_document(taxpayer)
    letter(taxpayer, dt.date(2026, 11, 1), doc)
    code = billing_code_issue(taxpayer=taxpayer, documents=[doc], gateway=SimulatedDjpGateway()).billing_code
    (candidate,) = surat_paksa_candidates(bailiff_user, now=wita(2026, 12, 1, 9))
    assert candidate.billing_codes == 1 and candidate.last_billing_code == code.code


def test_it_records_the_surat_paksa_and_its_service_with_audit(office, bailiff_user):
    taxpayer = make_taxpayer(office)
    t = letter(taxpayer, dt.date(2026, 11, 1))
    now = wita(2026, 12, 1, 9)
    with pytest.raises(BailiffError, match="21 hari"):
        record_surat_paksa(teguran=t, number="SP-1", issue_date=dt.date(2026, 11, 22), actor=bailiff_user, now=now)
    paksa = record_surat_paksa(
        teguran=t, number="SP-1/WPJ.14/2026", issue_date=dt.date(2026, 11, 30), actor=bailiff_user, now=now
    )
    assert surat_paksa_candidates(bailiff_user, now=now) == []
    assert [c.paksa for c in surat_paksa_candidates(bailiff_user, now=now, issued=True)] == [paksa]
    with pytest.raises(BailiffError, match="sudah dicatat"):
        record_surat_paksa(teguran=t, number="SP-2", issue_date=dt.date(2026, 11, 30), actor=bailiff_user, now=now)
    with pytest.raises(BailiffError):
        record_served(paksa=paksa, served_date=dt.date(2026, 11, 29), actor=bailiff_user, now=now)
    record_served(paksa=paksa, served_date=dt.date(2026, 12, 1), actor=bailiff_user, now=now)
    assert SuratPaksa.objects.get().served_date == dt.date(2026, 12, 1)
    assert surat_paksa_candidates(bailiff_user, now=now, issued=True) == []
    actions = list(AuditEntry.objects.order_by("id").values_list("action", "actor__username"))
    assert actions == [("paksa.issue", "jurusita"), ("paksa.serve", "jurusita")]


def test_it_refuses_a_surat_paksa_number_already_used(office, bailiff_user):
    taxpayer = make_taxpayer(office)
    t1, t2 = letter(taxpayer, dt.date(2026, 11, 1)), letter(taxpayer, dt.date(2026, 11, 1))
    now = wita(2026, 12, 1, 9)
    record_surat_paksa(teguran=t1, number="SP-9", issue_date=dt.date(2026, 11, 30), actor=bailiff_user, now=now)
    with pytest.raises(BailiffError, match="sudah dipakai"):
        record_surat_paksa(teguran=t2, number="SP-9", issue_date=dt.date(2026, 11, 30), actor=bailiff_user, now=now)


def test_it_exports_the_list_to_xlsx_and_audits_it(client, office, bailiff_user, now_wita):
    taxpayer = make_taxpayer(office, name="CV Sinar Kupang")
    doc = make_document(taxpayer, amount=3_250_000)
    t = letter(taxpayer, now_wita.date() - dt.timedelta(days=30), doc)
    client.force_login(bailiff_user)
    response = client.get("/collect/bailiff/?format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    header, (row,) = rows[0], rows[1:]
    # The header in the reader's language (Indonesian here); `?headers=codes` gives the documented codes.
    assert header[:4] == ("Kode KPP", "Nomor Surat Teguran", "Tanggal Surat Teguran", "Tanggal Diterima")
    coded = client.get("/collect/bailiff/?format=xlsx&headers=codes")
    codes = next(load_workbook(io.BytesIO(b"".join(coded.streaming_content))).active.values)
    assert codes == tuple(code for code, _label in EXPORT_COLUMNS) and codes[:2] == ("office_code", "teguran_number")
    data = dict(zip(codes, row))
    assert data["teguran_number"] == t.number and data["taxpayer"] == "CV Sinar Kupang"
    assert data["amount_due"] == 3_250_000 and data["documents"] == doc.number and data["days_overdue"] == 9
    assert AuditEntry.objects.filter(action="paksa.export", actor=bailiff_user).count() == 2


def test_it_renders_the_list_and_records_through_the_page(client, office, bailiff_user, now_wita):
    taxpayer = make_taxpayer(office)
    t = letter(taxpayer, now_wita.date() - dt.timedelta(days=30))
    client.force_login(bailiff_user)
    page = client.get("/collect/bailiff/")
    assert page.status_code == 200 and t.number in page.content.decode()
    day = now_wita.date().isoformat()
    response = client.post(f"/collect/bailiff/{t.pk}/paksa/", {"number": "SP-77", "issue_date": day})
    assert response.status_code == 302 and SuratPaksa.objects.get().number == "SP-77"


def test_it_tells_the_bailiff_what_each_step_recorded_and_why_not(client, office, bailiff_user, now_wita):
    t = letter(make_taxpayer(office), now_wita.date() - dt.timedelta(days=30))
    client.force_login(bailiff_user)
    today, yesterday = now_wita.date(), now_wita.date() - dt.timedelta(days=1)

    def flashed(url, data):
        """The message the step left (the last: earlier ones stay until a page shows them)."""
        response = client.post(url, data)
        assert response.status_code == 302
        last = list(get_messages(response.wsgi_request))[-1]
        return last.level_tag, last.message

    issue = f"/collect/bailiff/{t.pk}/paksa/"
    level, text = flashed(issue, {"number": "SP-80"})
    assert level == "error" and "SP-80" not in text and not SuratPaksa.objects.exists()  # the form's error
    assert flashed(issue, {"number": "SP-80", "issue_date": yesterday.isoformat()})[0] == "success"
    level, text = flashed(issue, {"number": "SP-81", "issue_date": today.isoformat()})
    assert level == "error" and text == "Surat Paksa untuk Surat Teguran ini sudah dicatat"  # the service's reason
    paksa = SuratPaksa.objects.get()
    served = f"/collect/paksa/{paksa.pk}/served/"
    assert flashed(served, {"served_date": "kemarin"})[0] == "error"
    level, text = flashed(served, {"served_date": (yesterday - dt.timedelta(days=1)).isoformat()})
    assert level == "error" and text == "Tanggal pemberitahuan tidak boleh sebelum tanggal Surat Paksa"
    level, text = flashed(served, {"served_date": today.isoformat()})
    paksa.refresh_from_db()
    assert level == "success" and "SP-80" in text and paksa.served_date == today


def test_it_hides_the_list_from_staff_without_permission(client, office):
    client.force_login(make_user("layanan", office=office))
    assert client.get("/collect/bailiff/").status_code == 403


def test_it_pages_filters_and_sorts_the_list(client, office, bailiff_user, now_wita):
    from triplec.ledger.views_collect import PAGE_SIZE

    today = now_wita.date()
    ar = make_user("ar7", "account_representative", office=office)
    big = make_taxpayer(office, name="PT Besar", account_representative=ar)
    big_letter = letter(big, today - dt.timedelta(days=25), make_document(big, amount=90_000_000, kap="411211"))
    for i in range(PAGE_SIZE + 5):
        taxpayer = make_taxpayer(office, name=f"WP {i:03d}")
        letter(taxpayer, today - dt.timedelta(days=40 + i), make_document(taxpayer, amount=1_000_000 + i))
    client.force_login(bailiff_user)
    page = client.get("/collect/bailiff/").content.decode()
    assert page.count('class="paksa-form"') == PAGE_SIZE
    assert "WP 054" in page and "PT Besar" not in page  # most overdue first
    second = client.get("/collect/bailiff/", {"page": 2}).content.decode()
    assert second.count('class="paksa-form"') == 6 and "PT Besar" in second
    assert "PT Besar" in client.get("/collect/bailiff/", {"sort": "-amount"}).content.decode().split("WP 0")[0]
    for filters in (
        {"ar": ar.pk},
        {"kap": "411211"},
        {"amount_min": 50_000_000},
        {"due_from": (today - dt.timedelta(days=4)).isoformat(), "due_to": today.isoformat()},
    ):
        filtered = client.get("/collect/bailiff/", filters).content.decode()
        assert filtered.count('class="paksa-form"') == 1 and big_letter.number in filtered, filters
    assert client.get("/collect/bailiff/", {"amount_max": 999_999}).content.decode().count('class="paksa-form"') == 0


def test_it_returns_to_the_same_page_after_recording(client, office, bailiff_user, now_wita):
    taxpayer = make_taxpayer(office)
    t = letter(taxpayer, now_wita.date() - dt.timedelta(days=30))
    client.force_login(bailiff_user)
    response = client.post(
        f"/collect/bailiff/{t.pk}/paksa/",
        {"number": "SP-78", "issue_date": now_wita.date().isoformat(), "next": "/collect/bailiff/?sort=-amount&page=1"},
    )
    assert response["Location"] == "/collect/bailiff/?sort=-amount&page=1"
    evil = client.post(
        f"/collect/bailiff/{t.pk}/paksa/",
        {"number": "SP-79", "issue_date": now_wita.date().isoformat(), "next": "https://evil.example/"},
    )
    assert evil["Location"] == "/collect/bailiff/"


def test_it_exports_the_filtered_list_only(client, office, bailiff_user, now_wita):
    today = now_wita.date()
    for amount in (1_000_000, 5_000_000, 9_000_000):
        taxpayer = make_taxpayer(office)
        letter(taxpayer, today - dt.timedelta(days=30), make_document(taxpayer, amount=amount))
    client.force_login(bailiff_user)
    response = client.get("/collect/bailiff/", {"format": "xlsx", "amount_min": 4_000_000})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)[1:]
    assert len(rows) == 2
