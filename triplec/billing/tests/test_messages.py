import datetime as dt

import pytest
from django.utils import timezone

from triplec.billing.gateways import SimulatedDjpGateway
from triplec.billing.messages import MessageNotSent, send_billing_code
from triplec.billing.services import billing_code_issue
from triplec.ledger.payments import record_payment
from triplec.messaging import dispatcher as dispatcher_module
from triplec.messaging.dispatcher import Dispatcher
from triplec.messaging.models import OutboundMessage, Peer
from triplec.messaging.registry import templates_sync
from triplec.messaging.tests.factories import make_channel, make_template
from triplec.taxpayers.models import Contact
from triplec.tests.support import make_document, make_office, make_taxpayer, payment_row, wait_until

PHONE = "+6281234567890"


def taxpayer_with_contact(verified=True):
    taxpayer = make_taxpayer(make_office())
    Contact.objects.create(taxpayer=taxpayer, phone=PHONE, verified_at=timezone.now() if verified else None)
    return taxpayer


@pytest.mark.django_db(transaction=True)
def test_it_sends_the_receipt_template_through_the_simulator(simulator, monkeypatch):
    monkeypatch.setattr(dispatcher_module, "is_open", lambda office, at: True)
    channel = make_channel(base_url=simulator.base_url)
    templates_sync(channel=channel)
    taxpayer = taxpayer_with_contact()
    doc = make_document(taxpayer, amount=1_500_000)
    make_document(taxpayer, amount=200_000)
    record_payment(
        payment_row(
            taxpayer, ntpn="A1B2C3D4E5F6G7H8", document_number=doc.number, amount=1_500_000, paid_at=timezone.now()
        )
    )
    message = OutboundMessage.objects.get(idempotency_key="receipt:A1B2C3D4E5F6G7H8")
    assert message.kind == "template" and message.template.name == "bukti_pembayaran_v1"
    dispatcher = Dispatcher(rate_override=100)

    def arrived():
        dispatcher.step()
        return simulator.by_callback(str(message.callback_id))

    (received,) = wait_until(arrived, timeout=15, message="receipt did not reach the simulator")
    body = str(received)
    assert "A1B2C3D4E5F6G7H8" in body and doc.number in body and "Rp200.000" in body


@pytest.mark.django_db
def test_it_sends_the_code_as_free_text_inside_the_window_and_as_a_template_outside():
    taxpayer = taxpayer_with_contact()
    channel = make_channel(office=taxpayer.office)
    make_template(
        channel,
        name="kode_billing_v1",
        body="Yth. {{1}}, {{2}} {{3}} {{4}} {{5}}",
        header_type="TEXT",
        header_text="Kode Billing {{1}}",
    )
    doc = make_document(taxpayer)
    code = billing_code_issue(taxpayer=taxpayer, documents=[doc], gateway=SimulatedDjpGateway()).billing_code
    outside = send_billing_code(billing_code=code)
    assert outside.kind == "template" and outside.template.name == "kode_billing_v1"
    OutboundMessage.objects.all().delete()
    Peer.objects.create(channel=channel, wa_id=PHONE[1:], last_inbound_at=timezone.now() - dt.timedelta(hours=2))
    inside = send_billing_code(billing_code=code)
    text = inside.payload["text"]["body"]
    assert inside.kind == "text" and code.code_display in text and "HANYA ke Kas Negara" in text and "WITA" in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "verified, reason",
    [
        pytest.param(False, "belum terverifikasi", id="debt-detail-never-to-an-unverified-number"),
        pytest.param(True, "belum disetujui", id="no-approved-template-and-the-window-closed"),
    ],
)
def test_it_refuses_to_send_the_code_and_says_why(verified, reason):
    taxpayer = taxpayer_with_contact(verified=verified)
    make_channel(office=taxpayer.office)
    code = billing_code_issue(
        taxpayer=taxpayer, documents=[make_document(taxpayer)], gateway=SimulatedDjpGateway()
    ).billing_code
    with pytest.raises(MessageNotSent, match=reason):
        send_billing_code(billing_code=code)
    assert not OutboundMessage.objects.exists()


@pytest.mark.django_db
def test_it_sends_a_receipt_for_a_partial_payment_with_what_is_left(django_capture_on_commit_callbacks):
    taxpayer = taxpayer_with_contact()
    channel = make_channel(office=taxpayer.office)
    make_template(channel, name="bukti_pembayaran_v1", body="Yth. {{1}}: {{2}}, NTPN {{3}}, {{4}}, {{5}}. Sisa {{6}}.")
    doc = make_document(taxpayer, amount=1_500_000)
    make_document(taxpayer, amount=200_000)
    with django_capture_on_commit_callbacks(execute=True):
        record_payment(
            payment_row(
                taxpayer,
                ntpn="P1B2C3D4E5F6G7H8",
                document_number=doc.number,
                amount=500_000,
                paid_at=timezone.now() - dt.timedelta(hours=1),
            )
        )
    message = OutboundMessage.objects.get(idempotency_key="receipt:P1B2C3D4E5F6G7H8")
    params = str(message.body)
    assert "Rp500.000" in params and f"{doc.number} (sisa Rp1.000.000)" in params
    assert "Rp1.200.000" in params  # what the taxpayer still owes in all


@pytest.mark.django_db
def test_it_escapes_the_taxpayers_name_in_the_billing_and_receipt_texts():
    from triplec.billing.messages import render_billing_message

    taxpayer = taxpayer_with_contact()
    taxpayer.name = "CV *Sinar* _Timur_"
    taxpayer.save(update_fields=["name"])
    doc = make_document(taxpayer)
    code = billing_code_issue(taxpayer=taxpayer, documents=[doc], gateway=SimulatedDjpGateway()).billing_code
    rendered = render_billing_message(code)
    assert "*Sinar*" not in rendered.text and "_Timur_" not in rendered.text
    assert "*Sinar*" not in str(rendered.templates)
