"""The dispatcher's rules with a recording provider in place of the network (the simulator tests cover the wire)."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from triplec.messaging import dispatcher as dispatcher_module
from triplec.messaging.dispatcher import Dispatcher, PairLimiter, TokenBucket
from triplec.messaging.models import DispatcherHeartbeat, Lane, OutboundMessage, Peer, State
from triplec.messaging.providers import ProviderError, SendResult
from triplec.taxpayers.models import ContactSource, ContactStatus
from triplec.taxpayers.services import contact_set_number
from triplec.tests.support import make_taxpayer

from .factories import make_channel, make_template, queue_template, queue_text

pytestmark = pytest.mark.django_db


class RecordingProvider:
    def __init__(self):
        self.sent: list[dict] = []
        self.errors: dict[str, list[ProviderError]] = {}
        self.accepted: dict[str, str] = {}
        self.can_lookup = True
        self._ids = itertools.count(1)

    def send(self, payload):
        to = payload.get("to", "")
        if self.errors.get(to):
            raise self.errors[to].pop(0)
        self.sent.append(payload)
        wamid = f"wamid.{next(self._ids)}"
        self.accepted[payload["biz_opaque_callback_data"]] = wamid
        return SendResult(wamid=wamid)

    def lookup(self, callback):
        return [{"wamid": self.accepted[callback]}] if callback in self.accepted else []


@pytest.fixture
def provider(monkeypatch):
    fake = RecordingProvider()
    monkeypatch.setattr(dispatcher_module, "provider_for", lambda channel: fake)
    return fake


@pytest.fixture
def always_open(monkeypatch):
    monkeypatch.setattr(dispatcher_module, "is_open", lambda office, at: True)


def _template_message(channel, key, to="+6281234567890", lane=Lane.BULK, **kw):
    template = channel.templates.first() or make_template(channel)
    return queue_template(channel, key, template=template, to=to, params=["a", "b"], lane=lane, **kw)


def _drain(d: Dispatcher, rounds: int = 20):
    for _ in range(rounds):
        if not d.step():
            break


def test_it_sends_and_records_the_wamid(provider, always_open):
    channel = make_channel()
    message = _template_message(channel, "k1")
    d = Dispatcher(rate_override=1000)
    _drain(d)
    message.refresh_from_db()
    assert (message.state, message.wamid, message.attempts) == (State.SENT, "wamid.1", 1)
    assert len(provider.sent) == 1


def test_it_sends_replies_before_bulk(provider, always_open):
    channel = make_channel()
    for i in range(3):
        _template_message(channel, f"bulk{i}", to=f"+62812345678{i:02d}")
    _template_message(channel, "reply", to="+6281299999999", lane=Lane.REPLY)
    d = Dispatcher(rate_override=1000, threads=1)
    _drain(d)
    assert provider.sent[0]["to"] == "6281299999999"


def test_it_holds_bulk_outside_office_hours_but_sends_replies(provider, monkeypatch):
    monkeypatch.setattr(dispatcher_module, "is_open", lambda office, at: False)
    channel = make_channel()
    bulk = _template_message(channel, "bulk")
    reply = _template_message(channel, "reply", to="+6281299999999", lane=Lane.REPLY)
    _drain(Dispatcher(rate_override=1000))
    bulk.refresh_from_db()
    reply.refresh_from_db()
    assert (bulk.state, reply.state) == (State.QUEUED, State.SENT)


def test_it_retries_transient_errors_with_backoff_then_fails_with_the_reason(provider, always_open, settings):
    settings.WHATSAPP_MAX_ATTEMPTS = 2
    channel = make_channel()
    provider.errors["6281234567890"] = [ProviderError.from_code(None, "HTTP 500", http_status=500)] * 2
    message = _template_message(channel, "k")
    d = Dispatcher(rate_override=1000)
    d.step()
    message.refresh_from_db()
    assert message.state == State.QUEUED and message.attempts == 1 and message.needs_resolution
    assert message.next_attempt_at > timezone.now()
    OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    d.step()
    message.refresh_from_db()
    assert message.state == State.FAILED and message.error_reason.startswith("Gagal setelah 2 percobaan")


def test_it_resolves_an_ambiguous_failure_before_sending_again(provider, always_open):
    channel = make_channel()
    message = _template_message(channel, "k")
    # The provider accepted it, but our side saw a timeout.
    provider.accepted[str(message.callback_id)] = "wamid.ARRIVED"
    OutboundMessage.objects.filter(pk=message.pk).update(needs_resolution=True, attempts=1)
    _drain(Dispatcher(rate_override=1000))
    message.refresh_from_db()
    assert (message.state, message.wamid) == (State.SENT, "wamid.ARRIVED")
    assert provider.sent == []


def test_it_fails_permanent_errors_at_once_and_marks_131026_contacts_undeliverable(provider, always_open):
    channel = make_channel()
    taxpayer = make_taxpayer(channel.office)
    contact, _ = contact_set_number(taxpayer=taxpayer, phone="+6281234567890", source=ContactSource.REGISTRATION)
    provider.errors["6281234567890"] = [ProviderError.from_code(131026, "Undeliverable", http_status=400)]
    message = _template_message(channel, "k", taxpayer=taxpayer)
    _drain(Dispatcher(rate_override=1000))
    message.refresh_from_db()
    contact.refresh_from_db()
    assert (message.state, message.error_code, message.attempts) == (State.FAILED, 131026, 1)
    assert contact.status == ContactStatus.UNDELIVERABLE


def test_it_fails_free_form_text_outside_the_24_hour_window_without_calling(provider, always_open):
    channel = make_channel()
    message = queue_text(channel)
    Peer.objects.create(channel=channel, wa_id="6281234567890", last_inbound_at=timezone.now() - dt.timedelta(hours=25))
    _drain(Dispatcher(rate_override=1000))
    message.refresh_from_db()
    assert (message.state, message.error_code) == (State.FAILED, 131047)
    assert provider.sent == []


def test_it_sends_free_form_text_inside_the_window(provider, always_open):
    channel = make_channel()
    Peer.objects.create(channel=channel, wa_id="6281234567890", last_inbound_at=timezone.now())
    message = queue_text(channel)
    _drain(Dispatcher(rate_override=1000))
    message.refresh_from_db()
    assert message.state == State.SENT


def test_it_expires_messages_that_are_too_old(provider, always_open):
    channel = make_channel()
    message = _template_message(channel, "k", not_after=timezone.now() - dt.timedelta(minutes=1))
    _drain(Dispatcher(rate_override=1000))
    message.refresh_from_db()
    assert message.state == State.EXPIRED and "Terlalu lama" in message.error_reason
    assert provider.sent == []


def test_it_spaces_messages_to_one_recipient(provider, always_open, settings):
    settings.WHATSAPP_PAIR_LIMIT_COUNT = 2
    settings.WHATSAPP_PAIR_LIMIT_SECONDS = 60
    channel = make_channel()
    for i in range(4):
        _template_message(channel, f"k{i}")
    _drain(Dispatcher(rate_override=1000))
    assert len(provider.sent) == 2
    later = OutboundMessage.objects.filter(state=State.QUEUED)
    assert later.count() == 2 and all(m.next_attempt_at > timezone.now() for m in later)


def test_it_resolves_claims_left_by_a_dead_dispatcher(provider, always_open, settings):
    settings.WHATSAPP_STALE_CLAIM_SECONDS = 1
    channel = make_channel()
    arrived = _template_message(channel, "arrived", to="+6281200000001")
    lost = _template_message(channel, "lost", to="+6281200000002")
    long_ago = timezone.now() - dt.timedelta(seconds=30)
    DispatcherHeartbeat.objects.create(name="dead-1", seen_at=long_ago)
    OutboundMessage.objects.update(state=State.SENDING, claimed_by="dead-1/1", claimed_at=long_ago)
    provider.accepted[str(arrived.callback_id)] = "wamid.BEFORE-CRASH"
    _drain(Dispatcher(rate_override=1000))
    arrived.refresh_from_db()
    lost.refresh_from_db()
    assert (arrived.state, arrived.wamid) == (State.SENT, "wamid.BEFORE-CRASH")
    assert lost.state == State.SENT and lost.wamid.startswith("wamid.")
    assert [p["to"] for p in provider.sent] == ["6281200000002"]


def test_the_token_bucket_keeps_the_rate_and_slows_down_on_throttle():
    bucket = TokenBucket(10)
    waits = [bucket.take() for _ in range(11)]
    assert waits[-1] == pytest.approx(1.0, abs=0.15)
    bucket.throttled()
    assert bucket.rate == 5


def test_the_pair_limiter_frees_a_recipient_after_its_window():
    pairs = PairLimiter(2, 6)
    pairs.record("a", 0)
    pairs.record("a", 1)
    assert pairs.next_free("a", 2) == 6 and pairs.next_free("b", 2) == 0
    assert pairs.next_free("a", 6.5) == 0
