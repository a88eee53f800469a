import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from triplec.accounts.roles import Role
from triplec.audit.models import AuditEntry
from triplec.audit.services import audit_record
from triplec.console import nav
from triplec.core.phrases import Phrase
from triplec.ledger.models import Payment
from triplec.tests.support import make_document, make_office, make_taxpayer, make_teguran, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def kupang():
    return make_office("922")


def login(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("url", ["/", "/taxpayers/", "/taxpayers/1/", "/debts/", "/audit/", "/import/"])
def test_it_requires_login_everywhere(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_it_shows_the_login_page_in_indonesian_with_the_product_name(client):
    body = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    assert "Masuk ke Just Triple C" in body and "Nama pengguna" in body and "andi" in body and 'lang="id"' in body


def test_it_switches_to_english_and_back_with_set_language(client, kupang):
    login(client, make_user("staf", Role.COLLECTION_STAFF, office=kupang))
    assert "Beranda" in client.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert ">Home<" in body and 'lang="en"' in body
    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    assert "Beranda" in client.get("/").content.decode()


def test_it_shows_the_user_office_roles_and_a_post_logout(client, kupang):
    login(client, make_user("kasi", Role.SECTION_HEAD, office=kupang))
    body = client.get("/").content.decode()
    assert "KPP Pratama Kupang" in body and "Kepala Seksi" in body
    assert 'action="/logout/" method="post"' in body and 'class="skip-link"' in body


def test_it_shows_the_dashboard_figures_of_the_users_office_only(client, kupang):
    other = make_office("923", "KPP Pratama Atambua")
    mine = make_taxpayer(kupang)
    make_document(mine, amount=2_000_000, kap="411125")
    make_document(mine, amount=500_000, kap="411211")
    make_document(make_taxpayer(other), amount=9_000_000)
    today = timezone.localdate()
    doc = make_document(mine, amount=1_000_000, issue_date=today - dt.timedelta(days=90))
    make_teguran(mine, doc, issue_date=today - dt.timedelta(days=20), delivered_date=today - dt.timedelta(days=17))
    Payment.objects.create(
        ntpn="ABCDEF0123456789", office=kupang, taxpayer=mine, amount=750_000, paid_at=timezone.now()
    )
    login(client, make_user("kakpp", Role.OFFICE_HEAD, office=kupang))
    d = client.get("/").context["d"]
    assert (d.taxpayers, d.owed.documents, d.owed.amount, d.collectible.amount) == (1, 3, 3_500_000, 3_500_000)
    assert (d.teguran_delivered, d.paksa_due_soon, d.payments_this_month, d.paid_this_month) == (1, 1, 1, 750_000)
    assert d.by_kap[0] == ("411125 PPh Pasal 25/29 OP", 3_000_000)
    body = client.get("/").content.decode()
    assert "Rp3.500.000" in body and "<svg" in body


def test_it_lets_only_heads_and_administrators_read_the_audit_log_of_their_office(client, kupang):
    other = make_office("923", "KPP Pratama Atambua")
    mine, theirs = make_taxpayer(kupang, name="Yohana Kupang"), make_taxpayer(other, name="Paulus Atambua")
    audit_record(action="taxpayer.view", taxpayer=mine, summary="seen here")
    audit_record(action="taxpayer.view", taxpayer=theirs, summary="seen there")
    login(client, make_user("staf", Role.COLLECTION_STAFF, office=kupang))
    assert client.get("/audit/").status_code == 403
    login(client, make_user("kasi", Role.SECTION_HEAD, office=kupang))
    body = client.get("/audit/").content.decode()
    assert "Yohana Kupang" in body and "Paulus Atambua" not in body
    login(client, make_user("admin", Role.ADMINISTRATOR))
    body = client.get("/audit/", {"q": "Paulus"}).content.decode()
    assert "Paulus Atambua" in body and "Yohana Kupang" not in body


def test_it_exports_the_audit_log_as_csv_and_audits_the_export(client, kupang):
    make_taxpayer(kupang, name="Yohana Kupang")
    head = make_user("kakpp", Role.OFFICE_HEAD, office=kupang)
    audit_record(
        action="contact.status",
        actor=head,
        taxpayer=kupang.taxpayers.get(),
        summary=Phrase("contact status: %(old)s → %(new)s", old=Phrase("active"), new=Phrase("opted out")),
    )
    login(client, head)
    response = client.get("/audit/", {"format": "csv", "action": "contact"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    # Headers and summaries in the reader's language; the action and channel stay codes.
    assert lines[0] == "Waktu,Pengguna,Kanal,Aksi,Kantor,NPWP,Wajib Pajak,Jenis objek,ID objek,Ringkasan"
    assert len(lines) == 2 and "Yohana Kupang" in lines[1] and ",web,contact.status," in lines[1]
    assert lines[1].endswith("status kontak: aktif → berhenti berlangganan")
    assert AuditEntry.objects.filter(action="audit.export", actor=head).exists()
    coded = client.get("/audit/", {"format": "csv", "action": "contact", "headers": "codes"})
    header = b"".join(coded.streaming_content).decode("utf-8-sig").splitlines()[0]
    assert header == "at,user,channel,action,office,npwp,taxpayer,object_type,object_id,summary"


def test_it_shows_nav_items_by_permission_and_lets_apps_register_more(client, kupang, monkeypatch):
    login(client, make_user("petugas1", Role.SERVICE_OFFICER, office=kupang))
    body = client.get("/").content.decode()
    assert 'href="/taxpayers/"' in body and 'href="/audit/"' not in body and 'href="/import/"' not in body
    monkeypatch.setattr(
        nav,
        "NAV_ITEMS",
        nav.NAV_ITEMS
        + [nav.NavItem("console:audit", "Extra", nav.everyone), nav.NavItem("nowhere:missing", "Missing")],
    )
    body = client.get("/").content.decode()
    assert ">Extra<" in body and "Missing" not in body


def test_it_gives_the_admin_to_administrators_only(client, kupang):
    login(client, make_user("staf", Role.COLLECTION_STAFF, office=kupang))
    assert client.get("/admin/").status_code == 302
    admin = make_user("admin", Role.ADMINISTRATOR)
    login(client, admin)
    make_taxpayer(kupang, name="Yohana Kupang")
    for url in [
        "/admin/",
        "/admin/taxpayers/taxpayer/",
        "/admin/ledger/debtdocument/",
        "/admin/ledger/suratteguran/",
        "/admin/ledger/payment/",
        "/admin/ledger/suratpaksa/",
        f"/admin/taxpayers/taxpayer/{kupang.taxpayers.get().pk}/change/",
    ]:
        assert client.get(url).status_code == 200, url
