import datetime as dt

import pytest

from triplec.audit.models import AuditEntry
from triplec.ledger.models import DocumentState, SuratTeguran
from triplec.ledger.payments import record_payment
from triplec.ledger.selectors import collectible_documents
from triplec.ledger.services import ClearingError, document_clear
from triplec.tests.support import PAID_AT, make_document, make_office, make_taxpayer, make_user, payment_row

pytestmark = pytest.mark.django_db


def pay(taxpayer, doc, amount, ntpn):
    return record_payment(
        payment_row(taxpayer, ntpn=ntpn, document_number=doc.number, amount=amount, paid_at=PAID_AT, bank="BRI")
    )


def test_it_drops_paid_and_cleared_documents_from_every_campaign_at_once():
    office = make_office()
    taxpayer = make_taxpayer(office)
    a, b, c = (
        make_document(taxpayer, amount=100),
        make_document(taxpayer, amount=200),
        make_document(taxpayer, amount=300),
    )
    make_document(taxpayer, state=DocumentState.INSTALMENT)
    assert set(collectible_documents(office=office)) == {a, b, c}
    pay(taxpayer, a, 100, "AAAA000000000001")
    pay(taxpayer, b, 200, "AAAA000000000002")
    document_clear(document=b)
    pay(taxpayer, c, 50, "AAAA000000000003")  # partial: still collectible
    assert list(collectible_documents(office=office)) == [c]
    assert list(collectible_documents(taxpayer=taxpayer)) == [c]


def test_it_scopes_the_collectible_selector_to_the_users_office():
    mine, theirs = make_office(), make_office("907", "KPP Pratama Atambua")
    doc = make_document(make_taxpayer(mine))
    make_document(make_taxpayer(theirs))
    assert list(collectible_documents(user=make_user("staff", "collection_staff", office=mine))) == [doc]


def test_it_clears_a_paid_document_once_and_closes_its_teguran():
    office = make_office()
    taxpayer = make_taxpayer(office)
    doc = make_document(taxpayer, amount=500)
    letter = SuratTeguran.objects.create(
        office=office, taxpayer=taxpayer, number="ST-9", issue_date=dt.date(2026, 10, 1)
    )
    letter.documents.set([doc])
    pay(taxpayer, doc, 500, "BBBB000000000001")
    doc.refresh_from_db()
    assert doc.state == DocumentState.PAID and doc.cleared_at is None
    assert document_clear(document=doc, channel="api") is True
    assert document_clear(document=doc, channel="api") is False
    doc.refresh_from_db()
    letter.refresh_from_db()
    assert doc.state == DocumentState.CLEARED and doc.cleared_at and letter.closed_at
    assert AuditEntry.objects.filter(action="document.clear").count() == 1


def test_it_refuses_to_clear_a_document_that_still_has_a_balance():
    taxpayer = make_taxpayer(make_office())
    doc = make_document(taxpayer, amount=1_000)
    with pytest.raises(ClearingError) as exc:
        document_clear(document=doc)
    assert exc.value.code == "balance_not_zero" and "Rp1.000" in exc.value.message
    doc.refresh_from_db()
    assert doc.state == DocumentState.OPEN
