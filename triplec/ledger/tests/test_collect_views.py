import pytest

from triplec.audit.models import AuditEntry
from triplec.billing.models import BillingCode
from triplec.ledger.models import ClaimStatus, DocumentState, MatchMethod
from triplec.ledger.payments import check_payment_claim, record_payment
from triplec.tests.support import PAID_AT, make_document, make_office, make_taxpayer, make_user, payment_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(client, office):
    user = make_user("clerk", "collection_staff", office=office)
    client.force_login(user)
    return user


def unmatched(taxpayer, ntpn="UNMT000000000001", amount=1_500_000):
    return record_payment(
        payment_row(taxpayer, ntpn=ntpn, document_number="??", amount=amount, paid_at=PAID_AT, bank="BRI")
    ).payment


def test_it_lists_unmatched_payments_of_the_office_only(client, office, clerk):
    mine = unmatched(make_taxpayer(office))
    theirs = unmatched(make_taxpayer(make_office("907", "KPP Pratama Atambua")), ntpn="UNMT000000000002")
    page = client.get("/collect/payments/unmatched/").content.decode()
    assert mine.ntpn in page and theirs.ntpn not in page
    assert client.get(f"/collect/payments/{theirs.pk}/assign/").status_code == 404


def test_it_assigns_a_payment_through_the_page_and_needs_a_reason(client, office, clerk):
    taxpayer = make_taxpayer(office)
    doc = make_document(taxpayer)
    payment = unmatched(taxpayer)
    url = f"/collect/payments/{payment.pk}/assign/"
    assert doc.number in client.get(url).content.decode()
    refused = client.post(url, {"documents": [doc.pk], "note": ""})
    assert refused.status_code == 200 and not AuditEntry.objects.filter(action="payment.assign").exists()
    response = client.post(url, {"documents": [doc.pk], "note": "BPN dikirim WP lewat WhatsApp"})
    assert response.status_code == 302
    payment.refresh_from_db(), doc.refresh_from_db()
    assert payment.match_method == MatchMethod.MANUAL and doc.state == DocumentState.PAID
    assert AuditEntry.objects.get(action="payment.assign").detail["note"] == "BPN dikirim WP lewat WhatsApp"


def test_it_assigns_by_typed_document_number_and_reports_unknown_ones(client, office, clerk):
    taxpayer = make_taxpayer(office)
    other = make_taxpayer(office, name="Siti")
    doc = make_document(other)
    payment = unmatched(taxpayer)
    url = f"/collect/payments/{payment.pk}/assign/"
    bad = client.post(url, {"other_numbers": "NOPE-1", "note": "cek"})
    assert "NOPE-1" in bad.content.decode()
    assert client.post(url, {"other_numbers": doc.number, "note": "salah NPWP"}).status_code == 302
    payment.refresh_from_db()
    assert payment.taxpayer == other


def test_it_lets_staff_resolve_a_claim(client, office, clerk):
    taxpayer = make_taxpayer(office)
    claim = check_payment_claim(taxpayer=taxpayer, ntpn="CLAIM00000000001").claim
    assert claim.ntpn in client.get("/collect/claims/").content.decode()
    client.post(f"/collect/claims/{claim.pk}/resolve/", {"decision": "accept", "note": "BPN asli diperiksa"})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.CONFIRMED and claim.resolved_by == clerk


def test_it_lists_payments_and_flags_overpayments(client, office, clerk):
    taxpayer = make_taxpayer(office)
    doc = make_document(taxpayer, amount=1_000)
    record_payment(
        payment_row(
            taxpayer, ntpn="OVER000000000001", document_number=doc.number, amount=1_500, paid_at=PAID_AT, bank="BRI"
        )
    )
    page = client.get("/collect/payments/?overpaid=1").content.decode()
    assert "OVER000000000001" in page and doc.number in page


def test_it_issues_a_billing_code_from_the_taxpayer_page(client, office, clerk):
    taxpayer = make_taxpayer(office)
    doc = make_document(taxpayer)
    url = f"/billing/taxpayer/{taxpayer.pk}/"
    assert doc.number in client.get(url).content.decode()
    client.post(url, {"documents": [doc.pk]})
    client.post(url, {"documents": [doc.pk]})
    code = BillingCode.objects.get()
    assert code.requested_by == clerk and code.code_display in client.get(url).content.decode()
    preview = client.get(f"/billing/{code.pk}/").content.decode()
    assert "Kas Negara" in preview


def test_it_hides_another_offices_taxpayer_billing_page(client, clerk):
    foreign = make_taxpayer(make_office("907", "KPP Pratama Atambua"))
    assert client.get(f"/billing/taxpayer/{foreign.pk}/").status_code == 404
