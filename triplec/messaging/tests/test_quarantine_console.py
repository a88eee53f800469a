"""The webhook quarantine in the console: administrators only, the reason and the body with personal data
masked; re-processing and discarding go through the services and are audited."""

import json

import pytest
from django.core.exceptions import PermissionDenied

from triplec.accounts.roles import Role
from triplec.audit.models import AuditEntry
from triplec.messaging.models import EventState, InboundMessage, QuarantineReason, WebhookEvent
from triplec.messaging.quarantine import webhook_discard, webhook_reprocess
from triplec.messaging.services import MessagingError
from triplec.messaging.webhooks import MAX_ATTEMPTS, process_events, webhook_store
from triplec.tests.support import make_office, make_user

from .factories import inbound_payload, make_channel

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return make_user("admin", Role.ADMINISTRATOR, office=make_office("922"))


def _poison(text: str = "Nomor saya 081234567890, NPWP 01.234.567.8-901.000") -> WebhookEvent:
    body = inbound_payload(text, wa_id="6281234567890", wamid="wamid.Q1", name="Budi Santoso")
    body["entry"][0]["changes"][0]["value"]["messages"][0]["timestamp"] = "kemarin"
    pk = webhook_store(body=json.dumps(body).encode())
    process_events([pk])
    return WebhookEvent.objects.get(pk=pk)


def _gave_up() -> WebhookEvent:
    pk = webhook_store(body=json.dumps(inbound_payload("Halo", wamid="wamid.LATER")).encode())  # no channel yet
    WebhookEvent.objects.filter(pk=pk).update(attempts=MAX_ATTEMPTS - 1)
    process_events([pk])
    return WebhookEvent.objects.get(pk=pk)


def test_it_lists_quarantined_events_with_the_reason_for_administrators_only(client, admin_user):
    event = _poison()
    client.force_login(admin_user)
    page = client.get("/whatsapp/quarantine/", HTTP_ACCEPT_LANGUAGE="id")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Karantina webhook" in text and "Bentuknya bukan webhook Meta" in text
    assert "entry.0.changes.0.value.messages.0.timestamp" in text
    assert f'href="/whatsapp/quarantine/{event.pk}/"' in text
    home = client.get("/").content.decode()
    assert 'href="/whatsapp/quarantine/"' in home  # in the console's navigation

    client.force_login(make_user("petugas1", Role.SERVICE_OFFICER, office=admin_user.office))
    assert client.get("/whatsapp/quarantine/").status_code == 403
    assert client.get(f"/whatsapp/quarantine/{event.pk}/").status_code == 403
    assert client.post(f"/whatsapp/quarantine/{event.pk}/discard/").status_code == 403
    assert 'href="/whatsapp/quarantine/"' not in client.get("/").content.decode()
    assert WebhookEvent.objects.get().state == EventState.QUARANTINED


def test_it_shows_the_body_with_personal_data_masked(client, admin_user):
    event = _poison()
    client.force_login(admin_user)
    text = client.get(f"/whatsapp/quarantine/{event.pk}/").content.decode()
    assert "wamid.Q1" in text and "kemarin" in text  # what the administrator needs to see the cause
    for personal in ("6281234567890", "081234567890", "01.234.567.8-901.000", "Budi Santoso", "Nomor saya"):
        assert personal not in text
    assert "+6281••••890" in text
    assert "922000000000001" in text and "922000000000002" in text  # the office's own ids stay readable


def test_it_reprocesses_a_quarantined_event_from_the_console_and_audits_it(client, admin_user):
    event = _gave_up()
    assert event.state == EventState.QUARANTINED and event.reason_code == QuarantineReason.GAVE_UP
    make_channel()  # the cause is fixed
    client.force_login(admin_user)
    response = client.post(f"/whatsapp/quarantine/{event.pk}/reprocess/", HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 302 and response["Location"] == "/whatsapp/quarantine/"
    event.refresh_from_db()
    assert event.state == EventState.PROCESSED
    assert InboundMessage.objects.filter(wamid="wamid.LATER").exists()
    entry = AuditEntry.objects.get(action="webhook.reprocess")
    assert (entry.actor, entry.object_id, entry.detail["state"]) == (admin_user, str(event.pk), "processed")
    assert entry.detail["before"]["reason_code"] == "gave_up"


def test_a_reprocessed_poison_is_quarantined_again_with_its_reason(admin_user):
    event = webhook_reprocess(event=_poison(), actor=admin_user)
    assert (event.state, event.reason_code) == (EventState.QUARANTINED, QuarantineReason.SHAPE)
    assert AuditEntry.objects.get(action="webhook.reprocess").detail["state"] == "quarantined"


def test_it_discards_a_quarantined_event_and_audits_it(client, admin_user):
    event = _poison()
    client.force_login(admin_user)
    assert client.post(f"/whatsapp/quarantine/{event.pk}/discard/").status_code == 302
    event.refresh_from_db()
    assert event.state == EventState.DISCARDED
    assert AuditEntry.objects.get(action="webhook.discard").actor == admin_user
    assert client.get(f"/whatsapp/quarantine/{event.pk}/").status_code == 404  # no longer in the quarantine
    assert webhook_store(body=event.body.encode()) is None  # Meta's retry of the same body stays out


def test_only_administrators_may_reprocess_or_discard(admin_user):
    event = _poison()
    officer = make_user("kasi", Role.SECTION_HEAD, office=admin_user.office)
    with pytest.raises(PermissionDenied):
        webhook_reprocess(event=event, actor=officer)
    with pytest.raises(PermissionDenied):
        webhook_discard(event=event, actor=officer)
    assert not AuditEntry.objects.filter(action__startswith="webhook.").exists()


def test_it_refuses_to_reprocess_a_body_altered_to_be_stored_or_an_event_not_quarantined(admin_user):
    pk = webhook_store(body=b'{"object":"whatsapp_business_account","entry":[],"x":"\xff"}')
    with pytest.raises(MessagingError):
        webhook_reprocess(event=WebhookEvent.objects.get(pk=pk), actor=admin_user)
    processed = webhook_store(body=b'{"object":"whatsapp_business_account","entry":[]}')
    process_events([processed])
    with pytest.raises(MessagingError):
        webhook_discard(event=WebhookEvent.objects.get(pk=processed), actor=admin_user)


def test_the_django_admin_lists_webhook_events_read_only(client, admin_user):
    _poison()
    admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    page = client.get("/admin/messaging/webhookevent/")
    assert page.status_code == 200 and "quarantined" in page.content.decode().lower()
    assert client.get("/admin/messaging/webhookevent/add/").status_code == 403
