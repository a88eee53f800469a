import datetime as dt

import pytest

from triplec.audit.models import AuditEntry
from triplec.billing.gateways import SimulatedDjpGateway
from triplec.billing.services import billing_code_issue
from triplec.ledger.models import (
    ClaimStatus,
    DebtDocument,
    DocumentState,
    MatchMethod,
    Payment,
    PaymentClaim,
    SuratTeguran,
)
from triplec.ledger.payments import (
    AssignmentError,
    PaymentRejected,
    PaymentRow,
    assign_payment,
    check_payment_claim,
    record_payment,
    record_payments,
    resolve_claim,
)
from triplec.ledger.selectors import unmatched_payments
from triplec.tests.support import PAID_AT, make_document, make_office, make_taxpayer, make_user, payment_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def taxpayer(office):
    return make_taxpayer(office)


def test_it_matches_by_billing_code_first(taxpayer):
    doc1 = make_document(taxpayer, amount=1_000_000)
    doc2 = make_document(taxpayer, amount=500_000, issue_date=dt.date(2026, 9, 2))
    decoy = make_document(taxpayer, amount=1_500_000)
    code = billing_code_issue(taxpayer=taxpayer, documents=[doc1, doc2], gateway=SimulatedDjpGateway()).billing_code
    outcome = record_payment(
        payment_row(taxpayer, billing_code=code.code, document_number=decoy.number, amount=1_500_000)
    )
    assert outcome.status == "imported" and outcome.matched
    assert outcome.payment.match_method == MatchMethod.BILLING_CODE
    doc1.refresh_from_db(), doc2.refresh_from_db(), decoy.refresh_from_db(), code.refresh_from_db()
    assert (doc1.state, doc2.state, decoy.state) == (DocumentState.PAID, DocumentState.PAID, DocumentState.OPEN)
    assert doc1.paid_at == PAID_AT and code.paid_at == PAID_AT
    assert sorted(outcome.documents_paid) == sorted([doc1.number, doc2.number])


def test_it_matches_by_npwp_and_document_number(taxpayer):
    doc = make_document(taxpayer, amount=2_000_000)
    outcome = record_payment(payment_row(taxpayer, document_number=doc.number, amount=2_000_000, kap="411125"))
    assert outcome.payment.match_method == MatchMethod.DOCUMENT_NUMBER
    doc.refresh_from_db()
    assert doc.amount_due == 0 and doc.state == DocumentState.PAID


def test_it_matches_by_npwp_kap_and_period(taxpayer):
    make_document(taxpayer, kap="411121", period_start=dt.date(2025, 3, 1))
    doc = make_document(taxpayer, kap="411121", period_start=dt.date(2025, 4, 1))
    outcome = record_payment(payment_row(taxpayer, kap="411121", period_start=dt.date(2025, 4, 1)))
    assert outcome.payment.match_method == MatchMethod.KAP_PERIOD
    assert list(outcome.payment.documents.all()) == [doc]


def test_it_matches_by_kap_alone_only_when_one_document_is_open(taxpayer):
    only = make_document(taxpayer, kap="411211")
    assert record_payment(payment_row(taxpayer, kap="411211")).payment.documents.get() == only
    make_document(taxpayer, kap="411128"), make_document(taxpayer, kap="411128")
    outcome = record_payment(payment_row(taxpayer, kap="411128"))
    assert not outcome.matched and any("tanpa masa pajak" in w for w in outcome.warnings)


def test_it_reduces_the_balance_on_a_partial_payment(taxpayer):
    doc = make_document(taxpayer, amount=1_500_000)
    outcome = record_payment(payment_row(taxpayer, document_number=doc.number, amount=500_000))
    doc.refresh_from_db()
    assert (doc.amount_due, doc.state, doc.paid_at) == (1_000_000, DocumentState.OPEN, None)
    assert outcome.payment.overpaid_amount == 0 and outcome.documents_paid == []


def test_it_flags_an_overpayment(taxpayer):
    doc = make_document(taxpayer, amount=1_000_000)
    outcome = record_payment(payment_row(taxpayer, document_number=doc.number, amount=1_250_000))
    assert outcome.payment.overpaid_amount == 250_000
    assert any("Kelebihan bayar Rp250.000" in w for w in outcome.warnings)
    doc.refresh_from_db()
    assert doc.state == DocumentState.PAID


def test_it_refuses_a_duplicate_ntpn_with_other_data_and_accepts_the_same_row_again(taxpayer):
    doc = make_document(taxpayer, amount=3_000_000)
    first = payment_row(taxpayer, document_number=doc.number, amount=1_000_000)
    record_payment(first)
    again = record_payment(first)
    assert again.status == "unchanged"
    with pytest.raises(PaymentRejected) as exc:
        record_payment(PaymentRow(**{**first.__dict__, "amount": 2_000_000}))
    assert exc.value.column == "ntpn" and "sudah tercatat untuk pembayaran lain" in exc.value.message
    doc.refresh_from_db()
    assert doc.amount_due == 2_000_000 and Payment.objects.count() == 1


def test_it_refuses_a_duplicate_ntpn_inside_one_batch(taxpayer):
    doc = make_document(taxpayer, amount=3_000_000)
    a = payment_row(taxpayer, document_number=doc.number, amount=1_000_000)
    results = record_payments([a, PaymentRow(**{**a.__dict__, "amount": 5})])
    assert results[0].status == "imported"
    assert isinstance(results[1], PaymentRejected) and results[1].column == "ntpn"


@pytest.mark.parametrize(
    "fields, column",
    [
        ({"ntpn": "12345"}, "ntpn"),
        ({"ntpn": "ABCDEF-123456789"}, "ntpn"),
        ({"billing_code": "01234567890123"}, "billing_code"),
        ({"billing_code": "712345678901234"}, "billing_code"),
        ({"amount": -5}, "amount"),
        ({"amount": 0}, "amount"),
        ({"npwp16": "0999999999999999"}, "npwp"),
    ],
)
def test_it_rejects_bad_rows_with_a_clear_error_and_writes_nothing(taxpayer, fields, column):
    doc = make_document(taxpayer)
    with pytest.raises(PaymentRejected) as exc:
        record_payment(payment_row(taxpayer, document_number=doc.number, **fields))
    assert exc.value.column == column and exc.value.message
    doc.refresh_from_db()
    assert doc.amount_due == 1_500_000 and Payment.objects.count() == 0 and not AuditEntry.objects.exists()


def test_it_keeps_good_rows_of_a_batch_when_one_is_rejected(taxpayer):
    doc = make_document(taxpayer, amount=1_000_000)
    results = record_payments(
        [payment_row(taxpayer, amount=-1), payment_row(taxpayer, document_number=doc.number, amount=1_000_000)]
    )
    assert isinstance(results[0], PaymentRejected) and results[0].column == "amount"
    assert results[1].status == "imported" and results[1].matched


def test_it_queues_an_unmatched_payment_and_staff_assign_it_with_an_audit(office, taxpayer):
    doc = make_document(taxpayer, amount=1_500_000)
    outcome = record_payment(payment_row(taxpayer, document_number="NOT-A-DOC"))
    assert not outcome.matched and outcome.payment.taxpayer == taxpayer
    clerk = make_user("clerk", "collection_staff", office=office)
    assert list(unmatched_payments(clerk)) == [outcome.payment]
    assigned = assign_payment(payment=outcome.payment, documents=[doc], actor=clerk, note="BPN diperiksa")
    assert assigned.payment.match_method == MatchMethod.MANUAL
    doc.refresh_from_db()
    assert doc.state == DocumentState.PAID
    entry = AuditEntry.objects.get(action="payment.assign")
    assert entry.actor == clerk and entry.taxpayer == taxpayer and doc.number in entry.summary
    assert list(unmatched_payments(clerk)) == []
    with pytest.raises(AssignmentError):
        assign_payment(payment=outcome.payment, documents=[doc], actor=clerk)


def test_it_does_not_let_staff_assign_to_another_offices_documents(office, taxpayer):
    other = make_taxpayer(make_office("907", "KPP Pratama Atambua"))
    foreign = make_document(other)
    payment = record_payment(payment_row(taxpayer)).payment
    clerk = make_user("clerk", "collection_staff", office=office)
    with pytest.raises(AssignmentError):
        assign_payment(payment=payment, documents=[foreign], actor=clerk)
    foreign.refresh_from_db()
    assert foreign.amount_due == 1_500_000


def test_it_confirms_a_claim_when_the_payment_is_found(taxpayer):
    doc = make_document(taxpayer)
    payment = record_payment(payment_row(taxpayer, document_number=doc.number)).payment
    result = check_payment_claim(taxpayer=taxpayer, ntpn=payment.ntpn.lower(), channel="bot")
    assert result.status == "found" and result.payment == payment
    assert not PaymentClaim.objects.exists()


def test_it_keeps_a_claim_until_the_late_payment_arrives(taxpayer):
    doc = make_document(taxpayer)
    result = check_payment_claim(taxpayer=taxpayer, ntpn="ZZZZ000011112222", channel="bot")
    assert result.status == "pending" and result.claim.status == ClaimStatus.PENDING
    assert "belum tercatat" in result.message
    assert check_payment_claim(taxpayer=taxpayer, ntpn="ZZZZ000011112222").claim == result.claim  # once
    record_payment(payment_row(taxpayer, ntpn="ZZZZ000011112222", document_number=doc.number))
    result.claim.refresh_from_db()
    assert result.claim.status == ClaimStatus.CONFIRMED and result.claim.payment.ntpn == "ZZZZ000011112222"


def test_it_does_not_disclose_another_taxpayers_payment_to_a_claim(office, taxpayer):
    other = make_taxpayer(office, name="Siti")
    record_payment(payment_row(other, ntpn="QQQQ000011112222"))
    result = check_payment_claim(taxpayer=taxpayer, ntpn="QQQQ000011112222")
    assert result.status == "pending" and "wajib pajak lain" in result.claim.note
    clerk = make_user("clerk", "collection_staff", office=office)
    resolved = resolve_claim(claim=result.claim, actor=clerk, accept=False, note="NTPN milik WP lain")
    assert (
        resolved.status == ClaimStatus.REJECTED and AuditEntry.objects.filter(action="payment.claim_resolve").exists()
    )


def test_it_rejects_a_malformed_ntpn_claim_without_keeping_it(taxpayer):
    assert check_payment_claim(taxpayer=taxpayer, ntpn="123").status == "invalid"
    assert not PaymentClaim.objects.exists()


def test_it_clears_documents_when_the_import_flag_confirms_zero_balance(taxpayer):
    doc = make_document(taxpayer, amount=1_000_000)
    outcome = record_payment(payment_row(taxpayer, document_number=doc.number, amount=1_000_000, cleared=True))
    doc.refresh_from_db()
    assert doc.state == DocumentState.CLEARED and doc.cleared_at is not None and doc.paid_at == PAID_AT
    assert outcome.matched


def test_it_clears_on_a_repeated_row_that_now_carries_the_flag(taxpayer):
    doc = make_document(taxpayer, amount=1_000_000)
    first = payment_row(taxpayer, document_number=doc.number, amount=1_000_000)
    record_payment(first)
    doc.refresh_from_db()
    assert doc.state == DocumentState.PAID
    again = record_payment(PaymentRow(**{**first.__dict__, "cleared": True}))
    doc.refresh_from_db()
    assert doc.state == DocumentState.CLEARED and again.status == "imported"


def test_it_does_not_clear_a_document_that_still_has_a_balance(taxpayer):
    doc = make_document(taxpayer, amount=1_000_000)
    outcome = record_payment(payment_row(taxpayer, document_number=doc.number, amount=400_000, cleared=True))
    doc.refresh_from_db()
    assert doc.state == DocumentState.OPEN and any("masih bersaldo" in w for w in outcome.warnings)


def test_it_closes_a_teguran_once_all_its_documents_are_paid(office, taxpayer):
    doc1, doc2 = make_document(taxpayer, amount=100_000), make_document(taxpayer, amount=200_000)
    letter = SuratTeguran.objects.create(
        office=office, taxpayer=taxpayer, number="ST-1/WPJ.14/KP.05/2026", issue_date=dt.date(2026, 10, 1)
    )
    letter.documents.set([doc1, doc2])
    record_payment(payment_row(taxpayer, document_number=doc1.number, amount=100_000))
    letter.refresh_from_db()
    assert letter.closed_at is None
    record_payment(payment_row(taxpayer, document_number=doc2.number, amount=200_000))
    letter.refresh_from_db()
    assert letter.closed_at is not None


def test_it_restricts_api_rows_to_the_callers_office(taxpayer):
    other_office = make_office("907", "KPP Pratama Atambua")
    with pytest.raises(PaymentRejected) as exc:
        record_payment(payment_row(taxpayer), office_id=other_office.pk)
    assert exc.value.column == "npwp" and Payment.objects.count() == 0


def test_it_applies_several_payments_of_one_batch_to_the_same_document(taxpayer):
    doc = make_document(taxpayer, amount=1_000_000)
    results = record_payments(
        [
            payment_row(taxpayer, document_number=doc.number, amount=600_000),
            payment_row(taxpayer, document_number=doc.number, amount=600_000),
        ]
    )
    doc.refresh_from_db()
    assert doc.amount_due == 0 and results[1].payment.overpaid_amount == 200_000
    assert DebtDocument.objects.get(pk=doc.pk).state == DocumentState.PAID
