"""Statuses are planned (read) outside the write lock and written set-wise: a plan that went stale before its
writes still moves messages only forward, and tells the listeners only what really moved."""

import datetime as dt
import json
import time

import pytest
from django.db import transaction

from triplec.messaging.models import EventState, MessageStatus, OutboundMessage, State, WebhookEvent
from triplec.messaging.signals import message_status_changed
from triplec.messaging.statuses import plan_statuses, write_statuses
from triplec.messaging.webhooks import WebhookProcessor, process_events, webhook_store

from .factories import make_channel, make_template, sent_template, status_payload

pytestmark = pytest.mark.django_db(transaction=True)


def _sent(channel, n: int) -> list[OutboundMessage]:
    template = make_template(channel)
    return [
        sent_template(channel, f"k{i}", template=template, to=f"62812345678{i:02d}", wamid=f"wamid.S{i}")
        for i in range(n)
    ]


def _statuses(payload: dict) -> list[dict]:
    return payload["entry"][0]["changes"][0]["value"]["statuses"]


def test_a_stale_plan_never_moves_a_message_back_and_reports_only_what_moved():
    channel = make_channel()
    first, second = _sent(channel, 2)
    now = int(time.time())
    plan = plan_statuses(
        _statuses(status_payload("wamid.S0", "delivered", ts=now))
        + _statuses(status_payload("wamid.S1", "delivered", ts=now))
    )
    # Between the plan and its writes, another processor applies "read" to the first message.
    OutboundMessage.objects.filter(pk=first.pk).update(state=State.READ)
    changes = []
    handler = lambda sender, **kw: changes.extend((m.pk, status) for m, status in kw["changes"])  # noqa: E731
    message_status_changed.connect(handler)
    try:
        with transaction.atomic():
            write_statuses(plan)
    finally:
        message_status_changed.disconnect(handler)
    first.refresh_from_db()
    second.refresh_from_db()
    # "read" came without a time; the delivered status that lost the race still records when it was delivered
    assert first.state == State.READ and first.delivered_at == dt.datetime.fromtimestamp(now, dt.UTC)
    assert second.state == State.DELIVERED and second.delivered_at is not None
    assert changes == [(second.pk, State.DELIVERED)]
    assert MessageStatus.objects.count() == 2  # the log keeps both


def test_it_applies_a_burst_in_order_per_message_and_marks_every_event():
    channel = make_channel()
    [message] = _sent(channel, 1)
    now = int(time.time())
    ids = [
        webhook_store(body=json.dumps(status_payload("wamid.S0", name, ts=now + i)).encode())
        for i, name in enumerate(["sent", "delivered", "read"])
    ]
    assert process_events(ids) == 3
    message.refresh_from_db()
    assert message.state == State.READ and message.sent_at and message.delivered_at and message.read_at
    assert not WebhookEvent.objects.filter(processed_at__isnull=True).exists()
    assert process_events(ids) == 0  # already processed: nothing happens twice


def test_a_bad_event_in_a_burst_is_quarantined_and_does_not_hold_the_others_back():
    channel = make_channel()
    [message] = _sent(channel, 1)
    good = webhook_store(body=json.dumps(status_payload("wamid.S0", "delivered")).encode())
    bad_payload = status_payload("wamid.S0", "failed")
    _statuses(bad_payload)[0]["errors"] = "garbled"  # not a list of errors: not Meta's shape
    bad = webhook_store(body=json.dumps(bad_payload).encode())
    assert process_events([good, bad]) == 1
    message.refresh_from_db()
    assert message.state == State.DELIVERED
    assert WebhookEvent.objects.get(pk=good).state == EventState.PROCESSED
    kept = WebhookEvent.objects.get(pk=bad)
    assert (kept.state, kept.reason_code) == (EventState.QUARANTINED, "shape")
    assert kept.reason == "entry.0.changes.0.value.statuses.0.errors: Input should be a valid list"
    assert process_events([bad]) == 0  # never retried


def test_a_burst_whose_batch_fails_falls_back_to_one_event_at_a_time(monkeypatch):
    from django.db import OperationalError

    import triplec.messaging.webhooks as webhooks

    channel = make_channel()
    _sent(channel, 2)
    ids = [webhook_store(body=json.dumps(status_payload(f"wamid.S{i}", "delivered")).encode()) for i in range(2)]

    def locked(statuses):
        raise OperationalError("database is locked")

    monkeypatch.setattr(webhooks, "plan_statuses", locked)
    assert process_events(ids) == 2
    assert OutboundMessage.objects.filter(state=State.DELIVERED).count() == 2


def test_the_processing_thread_takes_what_is_waiting_in_batches(monkeypatch):
    import triplec.messaging.webhooks as webhooks
    from triplec.tests.support import wait_until

    channel = make_channel()
    _sent(channel, 25)
    ids = [webhook_store(body=json.dumps(status_payload(f"wamid.S{i}", "delivered")).encode()) for i in range(25)]
    batches = []
    monkeypatch.setattr(webhooks, "process_events", lambda ids: batches.append(len(ids)) or process_events(ids))
    processor = WebhookProcessor(batch=10, linger=0.01)
    processor.queue.extend(ids[:-1])
    processor.submit(ids[-1])
    wait_until(lambda: processor.processed == 25, timeout=10, message="the thread did not apply the queue")
    assert batches == [10, 10, 5]
    assert OutboundMessage.objects.filter(state=State.DELIVERED).count() == 25
