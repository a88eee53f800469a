import time

import pytest

from triplec.messaging.models import InboundMessage, MessageStatus, OutboundMessage, Peer, State, WebhookEvent
from triplec.messaging.signals import inbound_message_received, message_status_changed
from triplec.messaging.webhooks import process_pending
from triplec.taxpayers.models import ContactSource, ContactStatus
from triplec.taxpayers.services import contact_set_number
from triplec.tests.support import make_taxpayer

from .factories import (
    envelope,
    inbound_payload,
    make_channel,
    make_template,
    post_signed,
    queue_template,
    sent_template,
    status_payload,
)

pytestmark = pytest.mark.django_db

VECTOR_BODY = b'{"object":"whatsapp_business_account","entry":[]}'
VECTOR_SIG = "sha256=c236c758c9b2bd40b388a550eeca09eaca72384dd0aa5e7c31d19cddac5bba46"


def test_it_accepts_the_contracts_signature_vector(client, settings):
    settings.WHATSAPP_APP_SECRET = "app_secret"
    from triplec.messaging import views

    views._secrets.clear()
    try:
        response = client.post(
            "/whatsapp/webhook",
            data=VECTOR_BODY,
            content_type="application/json",
            headers={"X-Hub-Signature-256": VECTOR_SIG},
        )
        assert response.status_code == 200
        assert WebhookEvent.objects.get().processed_at is not None
    finally:
        views._secrets.clear()


@pytest.mark.parametrize("header", [None, "", "sha256=" + "0" * 64, VECTOR_SIG[:-1], "sha1=" + "0" * 64])
def test_it_refuses_a_bad_or_missing_signature_with_no_side_effect(client, header):
    headers = {"X-Hub-Signature-256": header} if header is not None else {}
    response = client.post("/whatsapp/webhook", data=VECTOR_BODY, content_type="application/json", headers=headers)
    assert response.status_code == 403
    assert not WebhookEvent.objects.exists()


def test_it_answers_the_verification_handshake_only_with_the_right_token(client):
    ok = client.get(
        "/whatsapp/webhook",
        {"hub.mode": "subscribe", "hub.verify_token": "demo-verify-token", "hub.challenge": "1158201444"},
    )
    assert ok.status_code == 200 and ok.content == b"1158201444"
    wrong = client.get("/whatsapp/webhook", {"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "1"})
    assert wrong.status_code == 403
    mode = client.get(
        "/whatsapp/webhook", {"hub.mode": "unsubscribe", "hub.verify_token": "demo-verify-token", "hub.challenge": "1"}
    )
    assert mode.status_code == 403


def test_it_stores_inbound_messages_once_and_opens_the_window(client):
    make_channel()
    payload = inbound_payload("Saya mau bayar", wamid="wamid.A1")
    assert post_signed(client, payload).status_code == 200
    assert post_signed(client, payload).status_code == 200  # Meta's retry: same body
    payload["entry"][0]["id"] = "other"  # a different body carrying the same message
    assert post_signed(client, payload).status_code == 200
    message = InboundMessage.objects.get()
    assert (message.text, message.type) == ("Saya mau bayar", "text")
    assert message.peer.window_open()
    assert message.peer.is_unknown and message.peer.profile_name == "Budi"


def test_it_links_a_sender_to_every_taxpayer_registered_with_the_number(client):
    channel = make_channel()
    first = make_taxpayer(channel.office, "Budi")
    second = make_taxpayer(channel.office, "Toko Budi")
    for tp in (first, second):
        contact_set_number(taxpayer=tp, phone="+6281234567890", source=ContactSource.REGISTRATION)
    post_signed(client, inbound_payload("Halo"))
    peer = Peer.objects.get()
    assert set(peer.contacts.values_list("taxpayer__name", flat=True)) == {"Budi", "Toko Budi"}


def test_it_matches_a_username_user_by_business_scoped_id(client):
    make_channel()
    post_signed(client, inbound_payload("a", wa_id="6281234567890", user_id="ID.123456"))
    post_signed(client, inbound_payload("b", wa_id="ID.123456", user_id="ID.123456"))
    assert Peer.objects.count() == 1
    assert InboundMessage.objects.count() == 2


def test_it_reads_button_and_list_replies(client):
    make_channel()
    post_signed(
        client, inbound_payload(type="button", button={"payload": "PAY:1", "text": "Bayar"}, context={"id": "wamid.T"})
    )
    post_signed(
        client,
        inbound_payload(
            type="interactive", interactive={"type": "list_reply", "list_reply": {"id": "row2", "title": "Cicilan"}}
        ),
    )
    rows = list(InboundMessage.objects.order_by("id").values_list("type", "text", "reply_id", "context_wamid"))
    assert rows[0] == ("button", "Bayar", "PAY:1", "wamid.T")
    assert rows[1][:3] == ("interactive", "Cicilan", "row2")


def test_it_only_moves_status_forward_whatever_the_order(client):
    channel = make_channel()
    message = sent_template(channel)
    now = int(time.time())
    post_signed(client, status_payload("wamid.OUT1", "read", ts=now + 2))
    post_signed(client, status_payload("wamid.OUT1", "delivered", ts=now + 1))
    post_signed(client, status_payload("wamid.OUT1", "sent", ts=now))
    post_signed(client, status_payload("wamid.OUT1", "failed", ts=now + 3, errors=[{"code": 131000}]))
    message.refresh_from_db()
    assert message.state == State.READ
    assert message.delivered_at is not None and message.read_at is not None
    assert MessageStatus.objects.filter(wamid="wamid.OUT1").count() == 4


def test_it_counts_duplicate_statuses_once_and_infers_a_skipped_delivered(client):
    channel = make_channel()
    message = sent_template(channel)
    changes = []
    handler = lambda sender, **kw: changes.extend(status for _, status in kw["changes"])  # noqa: E731
    message_status_changed.connect(handler)
    try:
        payload = status_payload(
            "wamid.OUT1",
            "read",
            pricing={"billable": True, "pricing_model": "PMP", "type": "regular", "category": "utility"},
        )
        for _ in range(3):
            post_signed(client, payload)
            payload["entry"][0]["changes"][0]["value"]["metadata"]["x"] = len(changes)  # different body, same status
    finally:
        message_status_changed.disconnect(handler)
    message.refresh_from_db()
    assert message.state == State.READ and message.delivered_at == message.read_at
    assert (message.pricing_category, message.pricing_billable, message.pricing_type) == ("utility", True, "regular")
    assert MessageStatus.objects.count() == 1


def test_it_finds_the_message_by_callback_data_before_the_send_result_is_written(client):
    channel = make_channel()
    message = queue_template(channel, "k")
    OutboundMessage.objects.filter(pk=message.pk).update(state=State.SENDING)
    post_signed(client, status_payload("wamid.NEW", "sent", callback=str(message.callback_id)))
    message.refresh_from_db()
    assert (message.state, message.wamid) == (State.SENT, "wamid.NEW")


def test_it_fails_with_a_reason_and_marks_the_contact_undeliverable_on_131026(client):
    channel = make_channel()
    taxpayer = make_taxpayer(channel.office)
    contact, _ = contact_set_number(taxpayer=taxpayer, phone="+6281234567890", source=ContactSource.REGISTRATION)
    message = sent_template(channel, taxpayer=taxpayer)
    post_signed(client, status_payload("wamid.OUT1", "failed", errors=[{"code": 131026, "title": "Undeliverable"}]))
    message.refresh_from_db()
    contact.refresh_from_db()
    assert message.state == State.FAILED and message.error_code == 131026
    assert message.error_reason.startswith("Nomor tidak terdaftar di WhatsApp")
    assert contact.status == ContactStatus.UNDELIVERABLE


def test_it_keeps_a_payload_whose_processing_failed_and_reprocesses_it(client):
    payload = inbound_payload("Halo", wamid="wamid.LATER")  # no channel yet: processing fails
    assert post_signed(client, payload).status_code == 200
    event = WebhookEvent.objects.get()
    assert event.processed_at is None and "no channel" in event.error
    make_channel()
    assert process_pending() == 1
    assert InboundMessage.objects.filter(wamid="wamid.LATER").exists()
    assert WebhookEvent.objects.get().processed_at is not None


def test_it_signals_inbound_messages_after_commit(client, django_capture_on_commit_callbacks):
    make_channel()
    received = []
    handler = lambda sender, message, peer, **kw: received.append(message.text)  # noqa: E731
    inbound_message_received.connect(handler)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            post_signed(client, inbound_payload("Halo petugas"))
    finally:
        inbound_message_received.disconnect(handler)
    assert received == ["Halo petugas"]


def test_it_updates_templates_from_template_webhooks(client):
    channel = make_channel()
    template = make_template(channel, meta_id="900")
    body = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": channel.waba_id,
                "changes": [
                    {
                        "field": "message_template_status_update",
                        "value": {
                            "event": "DISABLED",
                            "message_template_id": 900,
                            "message_template_name": template.name,
                            "message_template_language": "id",
                            "reason": "POLICY",
                        },
                    }
                ],
            }
        ],
    }
    post_signed(client, body)
    template.refresh_from_db()
    assert template.status == "DISABLED"


def test_it_processes_every_message_and_status_in_one_payload(client):
    channel = make_channel()
    sent_template(channel)
    value = {
        "contacts": [{"profile": {"name": "A"}, "wa_id": "6281111111111"}],
        "messages": [
            {
                "from": "6281111111111",
                "id": f"wamid.M{i}",
                "timestamp": str(int(time.time())),
                "type": "text",
                "text": {"body": str(i)},
            }
            for i in range(3)
        ],
        "statuses": status_payload("wamid.OUT1", "delivered")["entry"][0]["changes"][0]["value"]["statuses"],
        "errors": [{"code": 130429, "title": "Rate limit hit"}],
    }
    post_signed(client, envelope(value))
    assert InboundMessage.objects.count() == 3
    assert OutboundMessage.objects.get().state == State.DELIVERED
