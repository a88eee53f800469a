"""Poison webhooks: a correctly signed body that does not have Meta's shape is quarantined with the exact reason,
answered 200 (Meta must not send it again for a week), never retried, and never stops processing."""

import json
import threading

import pytest
from django.db import OperationalError

from triplec.messaging import webhooks
from triplec.messaging.models import EventState, InboundMessage, OutboundMessage, QuarantineReason, WebhookEvent
from triplec.messaging.webhooks import MAX_ATTEMPTS, WebhookProcessor, process_events, process_pending, webhook_store
from triplec.tests.support import wait_until

from .factories import envelope, inbound_payload, make_channel, post_signed, status_payload

pytestmark = pytest.mark.django_db

WABA = '{"object":"whatsapp_business_account","entry":%s}'
CHANGE = WABA % '[{"id":"922000000000002","changes":[%s]}]'
VALUE = CHANGE % '{"field":"messages","value":%s}'
META = '{"messaging_product":"whatsapp","metadata":{"phone_number_id":"922000000000001"},%s}'


def _status(**fields) -> str:
    status = {"id": "wamid.X", "status": "delivered", "timestamp": "1754557200", "recipient_id": "6281234567890"}
    status.update(fields)
    return VALUE % (META % f'"statuses":[{json.dumps(status)}]')


def _message(**fields) -> str:
    message = {
        "from": "6281234567890",
        "id": "wamid.IN",
        "timestamp": "1754557200",
        "type": "text",
        "text": {"body": "Halo"},
    }
    message.update(fields)
    return VALUE % (META % f'"messages":[{json.dumps(message)}]')


# (body, reason code, exact reason): the five of the issue first, then every other kind found.
POISON = {
    "a list": (b"[1,2,3]", "shape", "(body): Input should be a valid dictionary"),
    "entry of numbers": (WABA % "[1]", "shape", "entry.0: Input should be a valid dictionary"),
    "entry a string": (WABA % '"abc"', "shape", "entry: Input should be a valid list"),
    "a null change": (CHANGE % "null", "shape", "entry.0.changes.0: Input should be a valid dictionary"),
    "value a string": (VALUE % '"x"', "shape", "entry.0.changes.0.value: Input should be a valid dictionary"),
    "another object": (b'{"object":"page","entry":[]}', "shape", "object: Input should be 'whatsapp_business_account'"),
    "no entry": (b'{"object":"whatsapp_business_account"}', "shape", "entry: Field required"),
    "no changes": (WABA % "[{}]", "shape", "entry.0.changes: Field required"),
    "no metadata": (VALUE % '{"statuses":[]}', "shape", "entry.0.changes.0.value.metadata: Field required"),
    "statuses a dict": (
        VALUE % (META % '"statuses":{"id":"w"}'),
        "shape",
        "entry.0.changes.0.value.statuses: Input should be a valid list",
    ),
    "a null status": (
        VALUE % (META % '"statuses":[null]'),
        "shape",
        "entry.0.changes.0.value.statuses.0: Input should be a valid dictionary",
    ),
    "status id a number": (
        _status(id=5),
        "shape",
        "entry.0.changes.0.value.statuses.0.id: Input should be a valid string",
    ),
    "garbled timestamp": (
        _status(timestamp="yesterday"),
        "shape",
        "entry.0.changes.0.value.statuses.0.timestamp: Value error, expected a Unix time (digits, at most 13)",
    ),
    "huge timestamp": (
        _status(timestamp=10**30),
        "shape",
        "entry.0.changes.0.value.statuses.0.timestamp: Value error, expected a Unix time (digits, at most 13)",
    ),
    "huge error code": (
        _status(status="failed", errors=[{"code": 10**30}]),
        "shape",
        "entry.0.changes.0.value.statuses.0.errors.0.code: Input should be less than 2147483648",
    ),
    "errors a string": (
        _status(errors="garbled"),
        "shape",
        "entry.0.changes.0.value.statuses.0.errors: Input should be a valid list",
    ),
    "billable a string": (
        _status(pricing={"billable": "yes"}),
        "shape",
        "entry.0.changes.0.value.statuses.0.pricing.billable: Input should be a valid boolean",
    ),
    "text a string": (
        _message(text="Halo"),
        "shape",
        "entry.0.changes.0.value.messages.0.text: Input should be a valid dictionary",
    ),
    "text body a number": (
        _message(text={"body": 5}),
        "shape",
        "entry.0.changes.0.value.messages.0.text.body: Input should be a valid string",
    ),
    "sender too long": (
        _message(**{"from": "6" * 30}),
        "shape",
        "entry.0.changes.0.value.messages.0.from: Value error, a phone number sender has at most 20 characters",
    ),
    "null sender": (
        _message(**{"from": None}),
        "shape",
        "entry.0.changes.0.value.messages.0.from: Input should be a valid string",
    ),
    "interactive reply a list": (
        _message(type="interactive", interactive={"type": "button_reply", "button_reply": []}),
        "shape",
        "entry.0.changes.0.value.messages.0.interactive.button_reply: Input should be a valid dictionary",
    ),
    "template id a list": (
        CHANGE % '{"field":"message_template_status_update","value":{"message_template_id":[]}}',
        "shape",
        "entry.0.changes.0.value.message_template_id: Value error, expected a template id "
        "(a number or a string of at most 40 characters)",
    ),
    "unknown field, value a number": (
        CHANGE % '{"field":"account_update","value":5}',
        "shape",
        "entry.0.changes.0.value: Input should be a valid dictionary",
    ),
    "not JSON": (b'{"object":', "not_json", "Expecting value: line 1 column 11 (char 10)"),
    "empty": (b"", "not_json", "Expecting value: line 1 column 1 (char 0)"),
    "NaN": (_status(timestamp=float("nan")), "not_json", "NaN is not JSON"),
    "a number out of range": (b'{"a":1e999}', "not_json", "number 1e999 is out of range"),
    "a number too long": (
        b'{"a":' + b"9" * 5000 + b"}",
        "not_json",
        "Exceeds the limit (4300 digits) for integer string conversion: value has 5000 digits; use "
        "sys.set_int_max_str_digits() to increase the limit",
    ),
    "deep nesting": (b"[" * 100 + b"]" * 100, "too_deep", "nested deeper than 32 levels"),
    "nesting too deep to parse": (b"[" * 100_000 + b"]" * 100_000, "too_deep", "nested too deep to parse"),
    "an escaped NUL": (_message(text={"body": "a\x00b"}), "bad_text", "a string holds a NUL character"),
    "a lone surrogate": (_message(text={"body": "\ud800"}), "bad_text", "a string holds a lone UTF-16 surrogate"),
    "not UTF-8": (
        b'{"object":"whatsapp_business_account","entry":[],"x":"\xff"}',
        "not_utf8",
        "'utf-8' codec can't decode byte 0xff in position 54: invalid start byte",
    ),
    "a NUL byte": (b'{"object":"whatsapp_business_account","entry":[]}\x00', "nul_byte", "the body holds a NUL byte"),
}


@pytest.mark.parametrize("name", POISON)
def test_it_quarantines_a_signed_body_without_metas_shape_with_the_exact_reason(client, name):
    body, code, reason = POISON[name]
    body = body.encode() if isinstance(body, str) else body
    make_channel()
    response = post_signed(client, body)
    assert response.status_code == 200  # stored and signed: Meta must not send it again
    event = WebhookEvent.objects.get()
    assert (event.state, event.reason_code, event.reason) == (EventState.QUARANTINED, code, reason)
    assert event.processed_at is None and event.quarantined_at is not None
    assert not InboundMessage.objects.exists() and not OutboundMessage.objects.exists()
    assert process_pending() == 0  # never retried: the loops pass it by
    event.refresh_from_db()
    assert event.state == EventState.QUARANTINED


def test_it_goes_on_with_the_next_event_after_a_poison():
    make_channel()
    ids = [
        webhook_store(body=POISON["a null change"][0].encode()),
        webhook_store(body=json.dumps(inbound_payload("Halo", wamid="wamid.AFTER")).encode()),
        webhook_store(body=POISON["a list"][0]),
        webhook_store(body=json.dumps(status_payload("wamid.unknown", "read")).encode()),
    ]
    assert process_events(ids) == 2
    states = dict(WebhookEvent.objects.values_list("pk", "state"))
    assert [states[pk] for pk in ids] == ["quarantined", "processed", "quarantined", "processed"]
    assert InboundMessage.objects.filter(wamid="wamid.AFTER").exists()


@pytest.mark.django_db(transaction=True)
def test_the_processing_thread_survives_a_poison_and_processes_what_follows():
    make_channel()
    processor = WebhookProcessor(batch=10, linger=0.01)
    processor.submit(webhook_store(body=POISON["value a string"][0].encode()))
    processor.submit(webhook_store(body=json.dumps(inbound_payload("Halo", wamid="wamid.THREAD2")).encode()))
    wait_until(
        lambda: InboundMessage.objects.filter(wamid="wamid.THREAD2").exists(),
        timeout=10,
        message="the processing thread did not go on after the poison",
    )
    assert processor._thread.is_alive()
    processor.submit(webhook_store(body=POISON["entry of numbers"][0].encode()))
    wait_until(
        lambda: WebhookEvent.objects.filter(state=EventState.QUARANTINED).count() == 2,
        timeout=10,
        message="the second poison was not quarantined",
    )
    assert processor._thread.is_alive()
    from django.db import connections

    connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_the_poll_loop_survives_poison_and_a_failing_pass(monkeypatch):
    make_channel()
    for name in ("a list", "entry a string", "a null change"):
        webhook_store(body=POISON[name][0] if isinstance(POISON[name][0], bytes) else POISON[name][0].encode())
    webhook_store(body=json.dumps(inbound_payload("Halo", wamid="wamid.POLL2")).encode())
    real, calls = webhooks.process_pending, []

    def flaky(**kwargs):  # the first pass finds the database locked
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return real(**kwargs)

    monkeypatch.setattr(webhooks, "process_pending", flaky)
    stop = threading.Event()
    processor = WebhookProcessor(batch=5)
    runner = threading.Thread(target=processor.poll, kwargs={"interval": 0.01, "stop": stop, "retry_every": 0.01})
    runner.start()
    try:
        wait_until(lambda: processor.processed == 1, timeout=10, message="the poller did not go on")
        assert runner.is_alive()
    finally:
        stop.set()
        runner.join(timeout=10)
        from django.db import connections

        connections.close_all()
    assert WebhookEvent.objects.filter(state=EventState.QUARANTINED).count() == 3


def test_the_dispatchers_housekeeping_survives_a_failing_webhook_pass(monkeypatch):
    from triplec.messaging import dispatcher as dispatcher_module

    def broken(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(dispatcher_module, "process_pending", broken)
    d = dispatcher_module.Dispatcher(rate_override=100)
    try:
        assert d.step() == 0  # no exception: the events stay pending, sending goes on
    finally:
        d.pool.shutdown(wait=True)


def test_it_retries_a_well_shaped_event_that_fails_and_quarantines_it_after_the_last_attempt():
    payload = inbound_payload("Halo", wamid="wamid.NOCHANNEL")  # no channel: fails, may succeed later
    pk = webhook_store(body=json.dumps(payload).encode())
    assert process_events([pk]) == 0
    event = WebhookEvent.objects.get()
    assert (event.state, event.attempts) == (EventState.PENDING, 1) and "no channel" in event.error
    WebhookEvent.objects.filter(pk=pk).update(attempts=MAX_ATTEMPTS - 1)
    assert process_pending() == 0
    event.refresh_from_db()
    assert (event.state, event.reason_code) == (EventState.QUARANTINED, QuarantineReason.GAVE_UP)
    assert event.reason.startswith(f'failed {MAX_ATTEMPTS} times; last error: LookupError("no channel')


def test_it_keeps_processing_unknown_fields_and_extra_keys_meta_may_add():
    make_channel()
    body = envelope({"statuses": [], "new_thing": {"deep": [1, {"x": None}]}})
    body["entry"][0]["time"] = 1754557200
    body["entry"][0]["changes"].append({"field": "account_update", "value": {"event": "VERIFIED_ACCOUNT"}})
    pk = webhook_store(body=json.dumps(body).encode())
    assert process_events([pk]) == 1
    assert WebhookEvent.objects.get().state == EventState.PROCESSED
