"""Webhook request bodies: a chunked POST (no Content-Length) is read whole on the webhook port (the fast WSGI
path) and on the web port (Django, as the demo serves it), and its signature is checked on the exact bytes;
a request whose body cannot be read answers 4xx with a plain reason, never 500."""

import hashlib
import http.client
import json
from urllib.parse import urlparse

import pytest

from triplec.messaging import wsgi
from triplec.messaging.models import EventState, InboundMessage, WebhookEvent
from triplec.messaging.webhooks import sign
from triplec.tests.support import start_server, stop_server, wait_until

from .factories import SECRET, call_wsgi, inbound_payload, make_channel, webhook_environ

SERVERS = {
    "webhook port": ("wsgi", "triplec.messaging.wsgi:application"),  # the fast path, as the demo's `hooks`
    "web port": ("asginl", "triplec.asgi:application"),  # Django's view, as the demo's `web`
    "web port under WSGI": ("wsgi", "triplec.wsgi:application"),  # Django's view behind a WSGI server
}


@pytest.fixture(scope="module", params=list(SERVERS))
def server(request, django_db_setup, django_db_blocker):
    interface, app = SERVERS[request.param]
    with django_db_blocker.unblock():
        proc, base_url = start_server(interface, app)
    yield base_url
    stop_server(proc)


def _chunked_post(base_url: str, chunks: list[bytes], signature: str) -> tuple[int, bytes]:
    url = urlparse(base_url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        conn.request(
            "POST",
            "/whatsapp/webhook",
            body=iter(chunks),
            encode_chunked=True,
            headers={
                "Content-Type": "application/json",
                "Transfer-Encoding": "chunked",
                "X-Hub-Signature-256": signature,
            },
        )
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.mark.django_db(transaction=True)
def test_it_reads_a_chunked_signed_post_whole_on_a_real_server(server):
    make_channel()
    body = json.dumps(inbound_payload("Saya mau bayar lewat chunked", wamid="wamid.CHUNKED")).encode()
    chunks = [body[i : i + 50] for i in range(0, len(body), 50)]  # many chunks, split mid-token
    assert _chunked_post(server, chunks, sign(body, SECRET)) == (200, b"ok")
    event = WebhookEvent.objects.get()
    assert event.body_hash == hashlib.sha256(body).hexdigest()  # the exact bytes
    wait_until(
        lambda: InboundMessage.objects.filter(wamid="wamid.CHUNKED").exists(),
        timeout=10,
        message="the chunked webhook was not processed",
    )


@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_chunked_post_whose_signature_is_not_over_the_whole_body(server):
    body = json.dumps(inbound_payload("Halo", wamid="wamid.HALF")).encode()
    half = body[: len(body) // 2]
    status, _ = _chunked_post(server, [half, body[len(half) :]], sign(half, SECRET))
    assert status == 403
    assert not WebhookEvent.objects.exists()


# --- in-process: the exact answers ------------------------------------------------------------------------
def _environ(body: bytes, **extra) -> dict:
    return webhook_environ(body, CONTENT_TYPE="application/json", HTTP_X_HUB_SIGNATURE_256=sign(body, SECRET), **extra)


APPS = {"fast path": wsgi.application, "Django view": wsgi.django_application}
BODY = b'{"object":"whatsapp_business_account","entry":[]}'


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("app", list(APPS))
@pytest.mark.parametrize(
    "extra, answer",
    [
        ({"CONTENT_LENGTH": "abc"}, ("400 Bad Request", b"bad Content-Length")),
        ({"CONTENT_LENGTH": "-5"}, ("400 Bad Request", b"bad Content-Length")),
        ({"CONTENT_LENGTH": "1_0"}, ("400 Bad Request", b"bad Content-Length")),
        ({"CONTENT_LENGTH": str(len(BODY) + 10)}, ("400 Bad Request", b"body shorter than its Content-Length")),
        ({"CONTENT_LENGTH": str(4 * 1024 * 1024)}, ("413 Content Too Large", b"payload too large")),
        (
            {"HTTP_TRANSFER_ENCODING": "chunked"},
            ("411 Length Required", b"a chunked body is not readable on this server: send Content-Length"),
        ),
        ({"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True}, ("200 OK", b"ok")),
        ({"CONTENT_LENGTH": str(len(BODY))}, ("200 OK", b"ok")),
    ],
    ids=[
        "letters",
        "negative",
        "underscore",
        "short body",
        "too large",
        "chunked, unterminated input",
        "chunked, terminated input",
        "plain",
    ],
)
def test_it_answers_a_body_it_cannot_read_with_a_clear_4xx(app, extra, answer):
    status, text = call_wsgi(APPS[app], _environ(BODY, **extra))
    assert (status, text) == answer
    assert WebhookEvent.objects.exists() == answer[0].startswith("200")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("app", list(APPS))
def test_it_reads_a_chunked_body_larger_than_one_read(app):
    make_channel()
    body = json.dumps(inbound_payload("x" * 200_000, wamid="wamid.BIG")).encode()
    environ = _environ(body, HTTP_TRANSFER_ENCODING="chunked", **{"wsgi.input_terminated": True})
    assert call_wsgi(APPS[app], environ) == ("200 OK", b"ok")
    assert WebhookEvent.objects.get().body_hash == hashlib.sha256(body).hexdigest()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("app", list(APPS))
def test_it_stores_and_quarantines_a_signed_body_that_is_not_json_and_answers_200(app, settings):
    settings.WHATSAPP_WEBHOOK_PROCESSING = "loop"
    body = b"this is not json"
    status, _ = call_wsgi(APPS[app], _environ(body, CONTENT_LENGTH=str(len(body))))
    assert status == "200 OK"
    if app == "fast path":  # stored only: the loop finds it not to be JSON
        from triplec.messaging.webhooks import process_pending

        process_pending()
    event = WebhookEvent.objects.get()
    assert (event.state, event.reason_code) == (EventState.QUARANTINED, "not_json")
