import datetime as dt
import re

import pytest

from triplec.audit.models import AuditEntry
from triplec.billing.gateways import (
    BillingGateway,
    BillingResponse,
    PermanentGatewayError,
    SimulatedDjpGateway,
    TransientGatewayError,
)
from triplec.billing.messages import render_billing_message
from triplec.billing.models import BillingCode, ExchangeOutcome, GatewayExchange
from triplec.billing.services import BillingError, billing_code_issue
from triplec.ledger.payments import record_payment
from triplec.tests.support import make_document, make_office, make_taxpayer, make_user, payment_row

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def taxpayer():
    return make_taxpayer(make_office())


def gateway(at=T0, **kw):
    return SimulatedDjpGateway(clock=lambda: at, **kw)


def test_it_issues_fifteen_digit_codes_starting_with_zero_to_three(taxpayer):
    codes = set()
    for _ in range(40):
        request_docs = [make_document(taxpayer)]
        codes.add(
            billing_code_issue(taxpayer=taxpayer, documents=request_docs, gateway=gateway(), now=T0).billing_code.code
        )
    assert len(codes) == 40
    assert all(re.fullmatch(r"[0-3]\d{14}", c) for c in codes)


def test_it_stores_the_expiry_the_issuer_returns(taxpayer):
    doc = make_document(taxpayer)
    code = billing_code_issue(
        taxpayer=taxpayer, documents=[doc], gateway=gateway(validity_hours=48), now=T0
    ).billing_code
    assert code.issued_at == T0 and code.expires_at == T0 + dt.timedelta(hours=48)
    default = billing_code_issue(
        taxpayer=taxpayer, documents=[make_document(taxpayer)], gateway=gateway(), now=T0
    ).billing_code
    assert default.expires_at == T0 + dt.timedelta(hours=168)


def test_it_covers_several_documents_with_one_code_and_logs_the_exchange(taxpayer):
    docs = [make_document(taxpayer, amount=100_000), make_document(taxpayer, amount=250_000)]
    clerk = make_user("clerk", "collection_staff", office=taxpayer.office)
    result = billing_code_issue(taxpayer=taxpayer, documents=docs, actor=clerk, gateway=gateway(), now=T0)
    code = result.billing_code
    assert result.created and code.amount == 350_000
    assert sorted(i.document_number for i in code.items.all()) == sorted(d.number for d in docs)
    exchange = GatewayExchange.objects.get()
    assert exchange.outcome == ExchangeOutcome.OK and exchange.billing_code == code
    assert exchange.request["amount"] == 350_000 and len(exchange.request["items"]) == 2
    assert exchange.request["items"][0]["kap"] == "411125" and exchange.response["code"] == code.code
    assert AuditEntry.objects.get(action="billing.issue").actor == clerk


def test_it_returns_the_same_code_for_the_same_open_items_until_it_expires(taxpayer):
    docs = [make_document(taxpayer), make_document(taxpayer)]
    first = billing_code_issue(taxpayer=taxpayer, documents=docs, gateway=gateway(), now=T0)
    later = T0 + dt.timedelta(hours=100)
    again = billing_code_issue(taxpayer=taxpayer, documents=list(reversed(docs)), gateway=gateway(later), now=later)
    assert not again.created and again.billing_code == first.billing_code
    assert GatewayExchange.objects.count() == 1
    expired = T0 + dt.timedelta(hours=168)
    renewed = billing_code_issue(taxpayer=taxpayer, documents=docs, gateway=gateway(expired), now=expired)
    assert renewed.created and renewed.billing_code.code != first.billing_code.code
    assert renewed.billing_code.expires_at == expired + dt.timedelta(hours=168)


def test_it_reissues_when_the_stored_expiry_has_passed(taxpayer):
    doc = make_document(taxpayer)
    first = billing_code_issue(taxpayer=taxpayer, documents=[doc], gateway=SimulatedDjpGateway()).billing_code
    BillingCode.objects.filter(pk=first.pk).update(expires_at=first.issued_at - dt.timedelta(seconds=1))
    second = billing_code_issue(taxpayer=taxpayer, documents=[doc], gateway=SimulatedDjpGateway())
    assert second.created and second.billing_code.pk != first.pk


def test_it_issues_a_new_code_after_a_partial_payment(taxpayer):
    doc = make_document(taxpayer, amount=1_000_000)
    first = billing_code_issue(taxpayer=taxpayer, documents=[doc], gateway=SimulatedDjpGateway()).billing_code
    record_payment(
        payment_row(
            taxpayer, ntpn="0123456789ABCDEF", document_number=doc.number, amount=400_000, paid_at=T0, bank="BRI"
        )
    )
    doc.refresh_from_db()
    second = billing_code_issue(taxpayer=taxpayer, documents=[doc], gateway=SimulatedDjpGateway()).billing_code
    assert second.pk != first.pk and second.amount == 600_000


def test_it_refuses_paid_or_foreign_documents(taxpayer):
    other = make_taxpayer(taxpayer.office, name="Siti")
    with pytest.raises(BillingError, match="bukan milik"):
        billing_code_issue(taxpayer=taxpayer, documents=[make_document(other)], gateway=gateway())
    paid = make_document(taxpayer, amount_due=0, state="paid")
    with pytest.raises(BillingError, match="sudah lunas"):
        billing_code_issue(taxpayer=taxpayer, documents=[paid], gateway=gateway())
    with pytest.raises(BillingError):
        billing_code_issue(taxpayer=taxpayer, documents=[], gateway=gateway())
    assert not BillingCode.objects.exists()


class FailingGateway(BillingGateway):
    name = "failing"

    def __init__(self, exc):
        self.exc = exc

    def issue(self, request):
        raise self.exc


class BadCodeGateway(BillingGateway):
    name = "bad"

    def issue(self, request):
        return BillingResponse(
            code="712345678901234", amount=request.amount, issued_at=T0, expires_at=T0 + dt.timedelta(hours=1), raw={}
        )


def test_it_tells_transient_from_permanent_issuer_errors_and_logs_both(taxpayer):
    doc = make_document(taxpayer)
    with pytest.raises(BillingError) as exc:
        billing_code_issue(taxpayer=taxpayer, documents=[doc], gateway=FailingGateway(TransientGatewayError("timeout")))
    assert exc.value.transient
    with pytest.raises(BillingError) as exc:
        billing_code_issue(
            taxpayer=taxpayer, documents=[doc], gateway=FailingGateway(PermanentGatewayError("KAP salah"))
        )
    assert not exc.value.transient and exc.value.message == "KAP salah"
    assert sorted(GatewayExchange.objects.values_list("outcome", flat=True)) == ["permanent", "transient"]
    assert not BillingCode.objects.exists()


def test_it_never_stores_a_code_outside_the_djp_range(taxpayer):
    with pytest.raises(BillingError, match="0–3"):
        billing_code_issue(taxpayer=taxpayer, documents=[make_document(taxpayer)], gateway=BadCodeGateway())
    assert not BillingCode.objects.exists()
    assert GatewayExchange.objects.get().outcome == ExchangeOutcome.PERMANENT


def test_it_renders_the_message_with_the_expiry_in_wita_and_kas_negara_only(taxpayer):
    doc = make_document(taxpayer, amount=1_234_567)
    code = billing_code_issue(taxpayer=taxpayer, documents=[doc], gateway=gateway(), now=T0).billing_code
    text = render_billing_message(code).text
    # T0 + 168 h = 27 Nov 2026 01:00 UTC = 09.00 WITA
    assert "27 November 2026 pukul 09.00 WITA" in text
    assert "Rp1.234.567" in text.replace("\xa0", "") or "Rp 1.234.567" in text
    assert code.code_display in text and doc.number in text
    assert "HANYA ke Kas Negara" in text and "ATM" in text and "kantor pos" in text and "teller" in text


def test_it_refuses_the_real_gateway_until_it_is_configured(settings):
    from triplec.billing.gateways import RealDjpGateway

    settings.BILLING_DJP_URL = ""
    with pytest.raises(PermanentGatewayError, match="belum dikonfigurasi"):
        RealDjpGateway()


def older_and_newer(taxpayer):
    """Two documents of the taxpayer: Rp1.000.000 issued in March, Rp2.000.000 in June."""
    return (
        make_document(taxpayer, amount=1_000_000, issue_date=dt.date(2026, 3, 1)),
        make_document(taxpayer, amount=2_000_000, issue_date=dt.date(2026, 6, 1)),
    )


def test_it_issues_a_code_for_a_chosen_part_of_the_balance_oldest_document_first(taxpayer):
    older, newer = older_and_newer(taxpayer)
    code = billing_code_issue(
        taxpayer=taxpayer, documents=[newer, older], amount=1_500_000, gateway=SimulatedDjpGateway()
    ).billing_code
    assert code.amount == 1_500_000
    assert [(i.document_number, i.amount) for i in code.items.order_by("id")] == [
        (older.number, 1_000_000),
        (newer.number, 500_000),
    ]
    whole = billing_code_issue(taxpayer=taxpayer, documents=[older, newer], gateway=SimulatedDjpGateway()).billing_code
    assert whole.pk != code.pk and whole.amount == 3_000_000  # the part has its own code


def test_it_refuses_an_amount_above_the_balance_of_the_chosen_documents(taxpayer):
    doc = make_document(taxpayer, amount=1_000_000)
    make_document(taxpayer, amount=5_000_000)  # not chosen: does not raise the bound
    for amount in (1_000_001, 0, -5):
        with pytest.raises(BillingError, match="Jumlah"):
            billing_code_issue(taxpayer=taxpayer, documents=[doc], amount=amount, gateway=SimulatedDjpGateway())
    assert not BillingCode.objects.exists()


def test_it_applies_a_payment_of_a_partial_code_to_the_documents_on_it(taxpayer):
    from django.utils import timezone

    older, newer = older_and_newer(taxpayer)
    code = billing_code_issue(
        taxpayer=taxpayer, documents=[older, newer], amount=400_000, gateway=SimulatedDjpGateway()
    ).billing_code
    record_payment(
        payment_row(taxpayer, billing_code=code.code, amount=400_000, paid_at=timezone.now() - dt.timedelta(minutes=10))
    )
    older.refresh_from_db()
    newer.refresh_from_db()
    assert (older.amount_due, newer.amount_due) == (600_000, 2_000_000)


def test_it_takes_the_amount_typed_on_the_billing_page(client, taxpayer):
    from django.urls import reverse

    from triplec.accounts.roles import Role

    doc = make_document(taxpayer, amount=3_000_000)
    client.force_login(make_user("staf", Role.COLLECTION_STAFF, office=taxpayer.office))
    url = reverse("billing:taxpayer", args=[taxpayer.pk])
    client.post(url, {"documents": [doc.pk], "amount": "Rp1.250.000"})
    assert BillingCode.objects.get().amount == 1_250_000
    response = client.post(url, {"documents": [doc.pk], "amount": "4.000.000"}, follow=True)
    assert "paling banyak sisa tagihan" in response.content.decode() and BillingCode.objects.count() == 1
