"""What a status webhook changes: the times are those Meta reports, whatever order they arrive in, and an
undeliverable status marks only the contacts with that exact number (or user id)."""

import datetime as dt

import pytest
from django.utils import timezone

from triplec.messaging.models import State
from triplec.taxpayers.models import Contact, ContactSource, ContactStatus
from triplec.taxpayers.services import contact_set_number
from triplec.tests.support import make_taxpayer

from .factories import envelope, make_channel, make_template, post_signed, sent_template, status_payload

pytestmark = pytest.mark.django_db


def _sent(channel, *, to="+6281234567890", taxpayer=None, wamid="wamid.OUT1", key="k1"):
    return sent_template(channel, key, template=make_template(channel, name=key), to=to, taxpayer=taxpayer, wamid=wamid)


def _at(ts: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ts, dt.UTC)


def _status(wamid: str, name: str, ts: int) -> dict:
    return status_payload(wamid, name, ts=ts)["entry"][0]["changes"][0]["value"]["statuses"][0]


def _state_and_times(message) -> tuple:
    message.refresh_from_db()
    return message.state, message.delivered_at, message.read_at


@pytest.fixture
def base() -> int:
    return int(timezone.now().timestamp()) - 600


def test_it_keeps_metas_times_when_delivered_comes_before_read(client, base):
    message = _sent(make_channel())
    post_signed(client, status_payload("wamid.OUT1", "delivered", ts=base + 5))
    post_signed(client, status_payload("wamid.OUT1", "read", ts=base + 60))
    assert _state_and_times(message) == (State.READ, _at(base + 5), _at(base + 60))


def test_it_keeps_metas_times_when_read_comes_before_delivered(client, base):
    message = _sent(make_channel())
    post_signed(client, status_payload("wamid.OUT1", "read", ts=base + 60))
    message.refresh_from_db()
    assert message.delivered_at == _at(base + 60)  # read implies delivered: only read is known so far
    post_signed(client, status_payload("wamid.OUT1", "delivered", ts=base + 5))
    assert _state_and_times(message) == (State.READ, _at(base + 5), _at(base + 60))


def test_it_keeps_metas_times_when_read_comes_before_delivered_in_one_body(client, base):
    message = _sent(make_channel())
    post_signed(
        client,
        envelope(
            {
                "statuses": [
                    _status("wamid.OUT1", "read", base + 60),
                    _status("wamid.OUT1", "delivered", base + 5),
                    _status("wamid.OUT1", "sent", base + 1),
                ]
            }
        ),
    )
    message.refresh_from_db()
    assert (message.state, message.sent_at, message.delivered_at, message.read_at) == (
        State.READ,
        _at(base + 1),
        _at(base + 5),
        _at(base + 60),
    )


def test_it_takes_the_read_time_as_delivered_when_meta_only_reports_read(client, base):
    message = _sent(make_channel())
    post_signed(client, status_payload("wamid.OUT1", "read", ts=base + 60))
    post_signed(client, status_payload("wamid.OUT1", "read", ts=base + 60))  # a retry changes nothing
    message.refresh_from_db()
    assert (message.state, message.delivered_at, message.read_at) == (State.READ, _at(base + 60), _at(base + 60))


def test_it_marks_only_the_contact_with_that_exact_number_undeliverable(client):
    # One taxpayer, two numbers over time: the message went to the old one, the contact now holds the new one.
    channel = make_channel()
    taxpayer = make_taxpayer(channel.office)
    contact, _ = contact_set_number(taxpayer=taxpayer, phone="+6281234567890", source=ContactSource.REGISTRATION)
    _sent(channel, to="+6281234567890", taxpayer=taxpayer)
    contact, _ = contact_set_number(taxpayer=taxpayer, phone="+6281299998888", source=ContactSource.DATA_CHANGE)
    neighbour = make_taxpayer(channel.office, "Toko Budi")
    shared, _ = contact_set_number(taxpayer=neighbour, phone="+6281234567890", source=ContactSource.REGISTRATION)
    post_signed(client, status_payload("wamid.OUT1", "failed", errors=[{"code": 131026, "title": "Undeliverable"}]))
    contact.refresh_from_db()
    shared.refresh_from_db()
    assert shared.status == ContactStatus.UNDELIVERABLE  # that number, whichever taxpayer registered it
    assert contact.status == ContactStatus.ACTIVE  # the same taxpayer's other number: not touched


def test_it_marks_only_the_contact_with_that_exact_user_id_undeliverable(client):
    channel = make_channel()
    taxpayer = make_taxpayer(channel.office)
    by_id = Contact.objects.create(taxpayer=taxpayer, wa_user_id="ID.1234567890", status=ContactStatus.ACTIVE)
    other_tp = make_taxpayer(channel.office, "Toko Budi")
    by_phone = Contact.objects.create(taxpayer=other_tp, phone="+6281234567890", status=ContactStatus.ACTIVE)
    _sent(channel, to="ID.1234567890", taxpayer=taxpayer)
    _sent(channel, to="+6281234567890", taxpayer=taxpayer, wamid="wamid.OUT2", key="k2")
    post_signed(client, status_payload("wamid.OUT1", "failed", errors=[{"code": 131026, "title": "Undeliverable"}]))
    by_id.refresh_from_db()
    by_phone.refresh_from_db()
    assert (by_id.status, by_phone.status) == (ContactStatus.UNDELIVERABLE, ContactStatus.ACTIVE)
