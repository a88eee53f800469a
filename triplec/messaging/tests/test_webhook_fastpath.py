"""The webhook fast path: the POST stores the raw body (one INSERT) and answers; processing runs after it, in the
web process's processing thread or the `process_webhooks` loop, and a failure there loses nothing."""

import io
import json

import pytest
from django.core.management import call_command

from triplec.messaging import wsgi
from triplec.messaging.models import InboundMessage, WebhookEvent
from triplec.messaging.webhooks import WebhookProcessor, process_events, process_pending, sign, webhook_store
from triplec.tests.support import wait_until

from .factories import SECRET, call_wsgi, inbound_payload, make_channel, webhook_environ

pytestmark = pytest.mark.django_db(transaction=True)


def _post(body: bytes, signature: str | None) -> tuple[str, bytes]:
    environ = webhook_environ(body, CONTENT_LENGTH=str(len(body)), CONTENT_TYPE="application/json")
    if signature is not None:
        environ["HTTP_X_HUB_SIGNATURE_256"] = signature
    return call_wsgi(wsgi.application, environ)


def test_it_stores_a_signed_post_and_leaves_processing_to_the_loop(settings):
    settings.WHATSAPP_WEBHOOK_PROCESSING = "loop"
    make_channel()
    body = json.dumps(inbound_payload("Saya mau bayar", wamid="wamid.FAST1")).encode()
    status, text = _post(body, sign(body, SECRET))
    assert (status, text) == ("200 OK", b"ok")
    event = WebhookEvent.objects.get()
    assert event.processed_at is None and event.attempts == 0
    assert not InboundMessage.objects.exists()
    assert process_pending() == 1
    assert InboundMessage.objects.get().text == "Saya mau bayar"
    event.refresh_from_db()
    assert event.processed_at is not None and event.attempts == 1


def test_it_refuses_a_bad_signature_on_the_fast_path_with_no_side_effect():
    body = json.dumps(inbound_payload("Halo")).encode()
    assert _post(body, sign(body, "wrong-secret"))[0] == "403 Forbidden"
    assert _post(body, None)[0] == "403 Forbidden"
    assert not WebhookEvent.objects.exists()


def test_it_stores_a_repeated_body_once():
    body = json.dumps(inbound_payload("Halo", wamid="wamid.TWICE")).encode()
    assert webhook_store(body=body) is not None
    assert webhook_store(body=body) is None
    assert WebhookEvent.objects.count() == 1


def test_it_processes_in_the_web_process_thread_right_after_the_answer(settings):
    settings.WHATSAPP_WEBHOOK_PROCESSING = "thread"
    make_channel()
    body = json.dumps(inbound_payload("Berapa tagihan saya?", wamid="wamid.THREAD")).encode()
    before = wsgi.processor.processed
    assert _post(body, sign(body, SECRET))[0] == "200 OK"
    # Counted once process_events has returned, its after-commit work included: nothing of the thread still
    # writes while the test database is flushed.
    wait_until(lambda: wsgi.processor.processed > before, timeout=10, message="the processing thread did not finish")
    assert InboundMessage.objects.filter(wamid="wamid.THREAD").exists()
    assert WebhookEvent.objects.filter(processed_at__isnull=False).exists()


def test_it_keeps_an_event_pending_when_processing_fails_and_retries_it():
    body = json.dumps(inbound_payload("Halo", wamid="wamid.RETRY")).encode()  # no channel yet: fails
    pk = webhook_store(body=body)
    assert process_events([pk]) == 0
    event = WebhookEvent.objects.get()
    assert event.processed_at is None and event.attempts == 1 and "no channel" in event.error
    make_channel()
    assert process_pending(retry_failed=False) == 0  # the fast poll leaves failed events to the slower retry
    assert process_pending() == 1
    assert InboundMessage.objects.filter(wamid="wamid.RETRY").exists()


def test_it_leaves_young_events_to_the_web_process_when_asked():
    make_channel()
    webhook_store(body=json.dumps(inbound_payload("Halo", wamid="wamid.YOUNG")).encode())
    assert process_pending(min_age=60) == 0
    assert process_pending(min_age=0) == 1


def test_it_polls_the_inbox_until_stopped():
    import threading

    make_channel()
    webhook_store(body=json.dumps(inbound_payload("Halo", wamid="wamid.POLL")).encode())
    stop = threading.Event()
    processor = WebhookProcessor(batch=5)
    runner = threading.Thread(target=processor.poll, kwargs={"interval": 0.02, "stop": stop})
    runner.start()
    try:
        wait_until(lambda: processor.processed == 1, timeout=10, message="the poller did not process the event")
    finally:
        stop.set()
        runner.join(timeout=10)
        from django.db import connections

        connections.close_all()
    assert InboundMessage.objects.filter(wamid="wamid.POLL").exists()


def test_it_processes_pending_events_once_from_the_command():
    make_channel()
    webhook_store(body=json.dumps(inbound_payload("Halo", wamid="wamid.CMD")).encode())
    out = io.StringIO()
    call_command("process_webhooks", "--min-age", "0", stdout=out)
    assert "processed 1 webhook events" in out.getvalue()
    assert InboundMessage.objects.filter(wamid="wamid.CMD").exists()


def test_it_passes_the_handshake_through_to_django():
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/whatsapp/webhook",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "QUERY_STRING": "hub.mode=subscribe&hub.verify_token=demo-verify-token&hub.challenge=42",
    }
    started = []
    response = wsgi.application(environ, lambda status, headers: started.append(status))
    assert started[0].startswith("200") and b"".join(response) == b"42"
