import pytest
from django.core.management import call_command

from triplec.accounts.roles import Role
from triplec.audit.models import AuditEntry
from triplec.ledger.models import DocumentState, Payment, PaymentAllocation
from triplec.taxpayers.models import ContactSource, ContactStatus
from triplec.taxpayers.services import contact_set_number
from triplec.tests.support import make_document, make_office, make_taxpayer, make_teguran, make_user

call_command("compile_translations", verbosity=0)
pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    kupang, atambua = make_office("922"), make_office("923", "KPP Pratama Atambua")
    mine = make_taxpayer(kupang, name="Yohanes Kupang", nik="5371030101800001")
    theirs = make_taxpayer(atambua, name="Maria Atambua")
    return kupang, atambua, mine, theirs


def dotted(npwp15: str) -> str:
    return f"{npwp15[:2]}.{npwp15[2:5]}.{npwp15[5:8]}.{npwp15[8]}-{npwp15[9:12]}.{npwp15[12:]}"


def test_it_finds_a_taxpayer_by_dotted_npwp_and_opens_the_page(client, world):
    kupang, _, mine, _ = world
    client.force_login(make_user("staf", Role.COLLECTION_STAFF, office=kupang))
    response = client.get("/taxpayers/", {"q": dotted(mine.npwp15)})
    assert response.status_code == 302 and response["Location"] == f"/taxpayers/{mine.pk}/"


def test_it_never_finds_or_shows_a_taxpayer_of_another_office(client, world):
    kupang, _, mine, theirs = world
    client.force_login(make_user("staf", Role.COLLECTION_STAFF, office=kupang))
    body = client.get("/taxpayers/").content.decode()
    assert "Yohanes Kupang" in body and "Maria Atambua" not in body
    assert "Maria Atambua" not in client.get("/taxpayers/", {"q": theirs.npwp15}).content.decode()
    assert client.get(f"/taxpayers/{theirs.pk}/").status_code == 404  # not 403: existence is not confirmed
    assert (
        client.post(f"/taxpayers/{theirs.pk}/contact/number/", {"phone": "081234567890", "note": "x"}).status_code
        == 404
    )
    assert not AuditEntry.objects.filter(taxpayer=theirs).exists()


def test_administrators_see_every_office(client, world):
    _, _, mine, theirs = world
    client.force_login(make_user("admin", Role.ADMINISTRATOR))
    body = client.get("/taxpayers/").content.decode()
    assert "Yohanes Kupang" in body and "Maria Atambua" in body
    assert client.get(f"/taxpayers/{theirs.pk}/").status_code == 200


def test_it_audits_every_view_of_a_taxpayer_page(client, world):
    kupang, _, mine, _ = world
    staff = make_user("staf", Role.COLLECTION_STAFF, office=kupang)
    client.force_login(staff)
    client.get(f"/taxpayers/{mine.pk}/")
    client.get(f"/taxpayers/{mine.pk}/")
    entries = AuditEntry.objects.filter(action="taxpayer.view", taxpayer=mine, actor=staff, office=kupang)
    assert entries.count() == 2


def test_it_shows_identity_documents_letters_payments_and_the_balance(client, world):
    kupang, _, mine, _ = world
    open_doc = make_document(mine, number="00001/101/25/922/26", amount=1_500_000)
    paid = make_document(mine, number="00002/101/25/922/26", amount=0, principal=400_000, state=DocumentState.PAID)
    make_document(mine, number="00003/101/25/922/26", amount=900_000, state=DocumentState.OBJECTION)
    st = make_teguran(
        mine,
        open_doc,
        number="ST-00007/WPJ.29/KP.04/2026",
        issue_date=open_doc.due_date,
        delivered_date=open_doc.due_date,
    )
    payment = Payment.objects.create(
        ntpn="0A1B2C3D4E5F6G7H",
        office=kupang,
        taxpayer=mine,
        amount=400_000,
        paid_at="2026-10-02T03:00:00Z",
        bank="Bank NTT",
    )
    PaymentAllocation.objects.create(payment=payment, document=paid, amount=400_000)
    client.force_login(make_user("staf", Role.COLLECTION_STAFF, office=kupang))
    response = client.get(f"/taxpayers/{mine.pk}/")
    body = response.content.decode()
    # The objection is still owed but not collectible now; the paid document is neither.
    assert (response.context["owed"].amount, response.context["collectible"].amount) == (2_400_000, 1_500_000)
    assert dotted(mine.npwp15) in body and "5371030101800001" in body
    assert "ST-00007/WPJ.29/KP.04/2026" in body and "0A1B2C3D4E5F6G7H" in body and "Rp1.500.000" in body
    expected_paksa = st.surat_paksa_due_date.strftime("%d/%m/%Y")
    assert expected_paksa in body


def test_it_masks_the_nik_for_roles_that_do_not_need_it(client, world):
    kupang, _, mine, _ = world
    client.force_login(make_user("petugas1", Role.SERVICE_OFFICER, office=kupang))
    body = client.get(f"/taxpayers/{mine.pk}/").content.decode()
    assert "5371030101800001" not in body and "5371 •••• •••• 0001" in body


def test_it_changes_the_number_from_the_console_and_keeps_the_history(client, world):
    kupang, _, mine, _ = world
    contact_set_number(taxpayer=mine, phone="+6281234567890", source=ContactSource.REGISTRATION)
    staff = make_user("staf", Role.COLLECTION_STAFF, office=kupang)
    client.force_login(staff)
    response = client.post(f"/taxpayers/{mine.pk}/contact/number/", {"phone": "0852 9876 5432", "note": "PPD-12/2026"})
    assert response.status_code == 302
    mine.contact.refresh_from_db()
    assert mine.contact.phone == "+6285298765432" and mine.contact.source == ContactSource.STAFF
    latest = mine.contact.changes.first()
    assert (latest.old_phone, latest.new_phone, latest.changed_by, latest.note) == (
        "+6281234567890",
        "+6285298765432",
        staff,
        "PPD-12/2026",
    )
    assert AuditEntry.objects.filter(action="contact.change_number", taxpayer=mine, actor=staff).exists()
    body = client.get(f"/taxpayers/{mine.pk}/").content.decode()
    assert "+6281234567890 → +6285298765432" in body and "Nomor WhatsApp telah diubah" in body


def test_it_rejects_a_bad_number_and_changes_nothing(client, world):
    kupang, _, mine, _ = world
    contact_set_number(taxpayer=mine, phone="+6281234567890", source=ContactSource.REGISTRATION)
    client.force_login(make_user("staf", Role.COLLECTION_STAFF, office=kupang))
    client.post(f"/taxpayers/{mine.pk}/contact/number/", {"phone": "0380 821123", "note": "kantor"})
    mine.contact.refresh_from_db()
    assert mine.contact.phone == "+6281234567890" and mine.contact.changes.count() == 1
    assert "bukan nomor seluler Indonesia yang valid" in client.get(f"/taxpayers/{mine.pk}/").content.decode()


def test_it_changes_the_contact_status_with_a_reason_and_audits_it(client, world):
    kupang, _, mine, _ = world
    contact_set_number(taxpayer=mine, phone="+6281234567890", source=ContactSource.REGISTRATION)
    staff = make_user("ar1", Role.ACCOUNT_REPRESENTATIVE, office=kupang)
    client.force_login(staff)
    client.post(
        f"/taxpayers/{mine.pk}/contact/status/", {"status": ContactStatus.WRONG_NUMBER, "reason": "Penerima bukan WP"}
    )
    mine.contact.refresh_from_db()
    assert mine.contact.status == ContactStatus.WRONG_NUMBER and mine.contact.status_reason == "Penerima bukan WP"
    assert AuditEntry.objects.filter(action="contact.status", taxpayer=mine, actor=staff).exists()


def test_roles_without_the_change_permission_cannot_change_a_contact(client, world):
    kupang, _, mine, _ = world
    contact_set_number(taxpayer=mine, phone="+6281234567890", source=ContactSource.REGISTRATION)
    client.force_login(make_user("petugas1", Role.SERVICE_OFFICER, office=kupang))
    assert "Ubah nomor WhatsApp" not in client.get(f"/taxpayers/{mine.pk}/").content.decode()
    response = client.post(f"/taxpayers/{mine.pk}/contact/number/", {"phone": "085298765432", "note": "x"})
    assert response.status_code == 403
    mine.contact.refresh_from_db()
    assert mine.contact.phone == "+6281234567890"


def test_it_shows_who_else_registered_the_same_number_in_the_office_and_never_hints_at_other_offices(client, world):
    kupang, atambua, mine, theirs = world
    sibling = make_taxpayer(kupang, name="Agnes Kupang")
    for taxpayer in (mine, sibling, theirs):
        contact_set_number(taxpayer=taxpayer, phone="+6281234567890", source=ContactSource.REGISTRATION)
    client.force_login(make_user("staf", Role.COLLECTION_STAFF, office=kupang))
    body = client.get(f"/taxpayers/{mine.pk}/").content.decode()
    assert "juga terdaftar untuk 1 wajib pajak lain" in body
    # Office 923's registration of the same number is another relationship: not even counted.
    assert f'href="/taxpayers/{sibling.pk}/"' in body and "Maria Atambua" not in body and "kantor lain" not in body
