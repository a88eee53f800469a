"""The channel against the running simulator: our client, our dispatcher and our webhook endpoint (served by
pytest-django's live server) talking to a real HTTP server that plays Meta."""

import pytest
from django.utils import timezone

from triplec.messaging import dispatcher as dispatcher_module
from triplec.messaging.dispatcher import Dispatcher
from triplec.messaging.models import (
    InboundMessage,
    MessageStatus,
    OutboundMessage,
    Peer,
    State,
    Template,
)
from triplec.messaging.providers import ProviderError, SimulatorProvider
from triplec.messaging.providers.base import PERMANENT, THROTTLE
from triplec.messaging.providers.cloudapi import buttons_body, document_body, envelope, list_body
from triplec.messaging.registry import (
    render_template,
    template_save,
    template_send_body,
    template_submit,
    templates_sync,
)
from triplec.taxpayers.models import ContactSource, ContactStatus
from triplec.taxpayers.services import contact_set_number
from triplec.tests.support import make_taxpayer, wait_until

from .factories import KODE_BILLING_PARAMS, make_channel, queue_template, queue_text

BILLING = KODE_BILLING_PARAMS


@pytest.fixture
def wa(simulator, live_server, monkeypatch):
    """A channel on the simulator, whose webhooks go to our endpoint; templates synced; office always open."""
    simulator.configure(webhook_url=f"{live_server.url}/whatsapp/webhook")
    monkeypatch.setattr(dispatcher_module, "is_open", lambda office, at: True)
    channel = make_channel(base_url=simulator.base_url)
    templates_sync(channel=channel)
    simulator.channel = channel
    yield simulator
    # Teardown: stop the simulator's delayed status webhooks and let the live server finish the ones in flight,
    # so that no request is still writing while the test database is flushed (on PostgreSQL the TRUNCATE then
    # deadlocks with it and the next test starts on leftovers).
    simulator.configure(webhook_url=None)
    from triplec.messaging.models import WebhookEvent

    seen = [-1]

    def settled() -> bool:
        count = WebhookEvent.objects.count()
        done, seen[0] = count == seen[0], count
        return done

    wait_until(settled, timeout=10, interval=0.3, message="webhooks still arriving")


def provider(sim, token: str | None = None) -> SimulatorProvider:
    return SimulatorProvider(
        base_url=sim.base_url,
        api_version="v25.0",
        phone_number_id=sim.phone_number_id,
        waba_id=sim.waba_id,
        access_token=token or sim.access_token,
    )


def billing_template(channel) -> Template:
    return Template.objects.get(channel=channel, name="kode_billing_v1", is_current=True)


def drain(d: Dispatcher, until, timeout: float = 15):
    def step():
        d.step()
        return until()

    return wait_until(step, timeout=timeout, interval=0.02, message="dispatcher did not finish")


@pytest.mark.django_db(transaction=True)
def test_it_sends_a_template_that_arrives_once_and_follows_its_statuses(wa):
    channel = wa.channel
    template = billing_template(channel)
    message = queue_template(channel, "k1", template=template, params=BILLING)
    queue_template(channel, "k1", template=template, params=BILLING)  # the same key again: nothing more
    d = Dispatcher(rate_override=100)
    drain(d, lambda: OutboundMessage.objects.get(pk=message.pk).state == State.READ)
    message.refresh_from_db()
    [received] = wa.by_callback(str(message.callback_id))
    assert received["wamid"] == message.wamid
    assert message.delivered_at and message.read_at and message.pricing_category == "utility"
    assert set(MessageStatus.objects.filter(wamid=message.wamid).values_list("status", flat=True)) == {
        "sent",
        "delivered",
        "read",
    }
    # What our registry renders is what the phone shows.
    shown = wa.http.get("/phone/api/chat/6281234567890").json()["items"][0]["view"]
    assert render_template(template, BILLING).split("\n\n")[1] == shown["body"].split("\n\n")[0]


@pytest.mark.django_db
def test_it_syncs_and_submits_templates(simulator):
    channel = make_channel(base_url=simulator.base_url)
    counts = templates_sync(channel=channel)
    assert counts["seen"] >= 4
    assert Template.objects.get(name="surat_teguran_v1").header_type == "DOCUMENT"
    new, _ = template_save(
        channel=channel, name="pengingat_v1", body="Yth. {{1}}, jatuh tempo {{2}}.", category="UTILITY"
    )
    template_submit(template=new)
    assert new.meta_id and new.status in {"PENDING", "APPROVED"}
    wait_until(
        lambda: (
            templates_sync(channel=channel)
            and Template.objects.get(name="pengingat_v1", is_current=True).status == "APPROVED"
        ),
        timeout=10,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "case,code,kind",
    [
        ("unknown template", 132001, PERMANENT),
        ("parameter count", 132000, PERMANENT),
        ("named vs positional", 132012, PERMANENT),
        ("outside the window", 131047, PERMANENT),
        ("bad token", 190, PERMANENT),
        ("per-number rate", 130429, THROTTLE),
        ("pair rate", 131056, THROTTLE),
        ("not on WhatsApp", 131026, PERMANENT),
    ],
)
def test_it_maps_each_error_of_the_simulator(simulator, case, code, kind):
    channel = make_channel(base_url=simulator.base_url)
    templates_sync(channel=channel)
    template = billing_template(channel)
    client = provider(simulator)
    to = "6281234567890"
    send = lambda: client.send_template(to=to, body=template_send_body(template, BILLING))  # noqa: E731
    if case == "unknown template":
        template.name = "tidak_ada"
    elif case == "parameter count":
        template.body = "Yth. {{1}}"
        send = lambda: client.send_template(
            to=to, body=template_send_body(template, {"header": ["PPh"], "body": ["x"]})
        )  # noqa: E731
    elif case == "named vs positional":
        # The right number of parameters, but named where the template is positional.
        template.parameter_format, template.header_text = "NAMED", "Kode {{jenis}}"
        template.body = "{{a}} {{b}} {{c}} {{d}} {{e}}"
        send = lambda: client.send_template(
            to=to,
            body=template_send_body(
                template,
                dict(  # noqa: E731
                    jenis="PPh", a="1", b="2", c="3", d="4", e="5"
                ),
            ),
        )
    elif case == "outside the window":
        send = lambda: client.send_text(to=to, text="Halo")  # noqa: E731
    elif case == "bad token":
        client = provider(simulator, token="wrong")
    elif case == "per-number rate":
        simulator.configure(per_number_mps=1, pair_limit=None)
        send = lambda: [
            client.send_template(to=f"62812345678{i:02d}", body=template_send_body(template, BILLING))  # noqa: E731
            for i in range(5)
        ]
    elif case == "pair rate":
        simulator.configure(pair_limit={"count": 1, "seconds": 60})
        send = lambda: [client.send_template(to=to, body=template_send_body(template, BILLING)) for _ in range(2)]  # noqa: E731
    elif case == "not on WhatsApp":
        simulator.configure(non_whatsapp_numbers=[to], non_whatsapp_mode="sync")
    with pytest.raises(ProviderError) as caught:
        send()
    assert (caught.value.code, caught.value.kind) == (code, kind)
    assert caught.value.reason_id


@pytest.mark.django_db
def test_it_sends_every_message_kind_and_marks_inbound_as_read(simulator):
    client = provider(simulator)
    reply = simulator.inbound(from_="6281234567890", name="Budi", text="Halo")
    assert client.send_text(to="6281234567890", text="Selamat siang").wamid.startswith("wamid.")
    for body in (
        buttons_body("Pilih", [("pay", "Bayar"), ("agent", "Petugas")]),
        list_body("Pilih", "Lihat", [{"title": "Tagihan", "rows": [{"id": "r1", "title": "STP 1"}]}]),
        document_body(link=f"{simulator.base_url}/_sim/health", filename="st.pdf"),
    ):
        client.send(envelope(to="6281234567890", **body))
    assert client.mark_read(reply["wamid"])
    types = [m["type"] for m in simulator.messages(to="6281234567890")]
    assert types == ["text", "interactive", "interactive", "document"]


@pytest.mark.django_db(transaction=True)
def test_it_stores_an_inbound_reply_and_then_answers_inside_the_window(wa):
    channel = wa.channel
    taxpayer = make_taxpayer(channel.office)
    contact_set_number(taxpayer=taxpayer, phone="+6281234567890", source=ContactSource.REGISTRATION)
    result = wa.inbound(from_="6281234567890", name="Budi", text="Berapa utang saya?")
    assert result["webhook_status"] == 200
    # The webhook answers before processing; the processing thread applies it right after.
    inbound = wait_until(
        lambda: InboundMessage.objects.filter(wamid=result["wamid"]).first(),
        timeout=15,
        message="inbound message processed",
    )
    assert inbound.text == "Berapa utang saya?" and not inbound.peer.is_unknown
    assert inbound.peer.window_open()
    answer = queue_text(channel, "Silakan verifikasi identitas Anda.", "r1")
    closed = queue_text(channel, "Halo", "r2", to="+6281299999999")
    d = Dispatcher(rate_override=100)
    drain(d, lambda: OutboundMessage.objects.filter(state__in=[State.QUEUED, State.SENDING]).count() == 0)
    answer.refresh_from_db()
    closed.refresh_from_db()
    assert answer.state in {State.SENT, State.DELIVERED, State.READ}
    assert (closed.state, closed.error_code) == (State.FAILED, 131047)
    assert wa.messages(to="6281299999999") == []


@pytest.mark.django_db(transaction=True)
def test_it_survives_duplicate_reordered_and_missing_statuses(wa):
    wa.configure(faults={"duplicate_webhook": 1.0, "reorder_statuses": 0.5, "skip_delivered": 0.5})
    template = billing_template(wa.channel)
    messages = [
        queue_template(wa.channel, f"k{i}", template=template, to=f"+62812000000{i:02d}", params=BILLING)
        for i in range(20)
    ]
    d = Dispatcher(rate_override=200)
    drain(d, lambda: OutboundMessage.objects.filter(state=State.READ).count() == 20)
    for message in messages:
        message.refresh_from_db()
        assert message.delivered_at is not None  # read implies delivered, even when "delivered" never came
        assert len(wa.by_callback(str(message.callback_id))) == 1
    assert MessageStatus.objects.filter(status="read", message__in=messages).count() == 20
    assert wa.stats()["webhooks"]["duplicated"] > 0


@pytest.mark.django_db(transaction=True)
def test_it_marks_the_contact_undeliverable_when_the_failed_status_says_131026(wa):
    wa.configure(non_whatsapp_numbers=["6281200000001"])
    taxpayer = make_taxpayer(wa.channel.office)
    contact, _ = contact_set_number(taxpayer=taxpayer, phone="+6281200000001", source=ContactSource.REGISTRATION)
    message = queue_template(
        wa.channel, "k", template=billing_template(wa.channel), to=contact.phone, params=BILLING, taxpayer=taxpayer
    )
    d = Dispatcher(rate_override=100)
    drain(d, lambda: OutboundMessage.objects.get(pk=message.pk).state == State.FAILED)
    contact.refresh_from_db()
    assert contact.status == ContactStatus.UNDELIVERABLE
    assert OutboundMessage.objects.get(pk=message.pk).error_code == 131026


@pytest.mark.django_db(transaction=True)
def test_it_keeps_under_the_channel_rate_and_recovers_from_throttling(wa):
    wa.configure(per_number_mps=5, pair_limit=None)
    template = billing_template(wa.channel)
    for i in range(12):
        queue_template(wa.channel, f"a{i}", template=template, to=f"+62812000000{i:02d}", params=BILLING)
    d = Dispatcher(rate_override=4)  # under the simulator's 5/s: never refused
    drain(d, lambda: not OutboundMessage.objects.filter(state__in=[State.QUEUED, State.SENDING]).exists())
    assert wa.stats()["rejected"].get("130429", 0) == 0
    for i in range(12):
        queue_template(wa.channel, f"b{i}", template=template, to=f"+62813000000{i:02d}", params=BILLING)
    fast = Dispatcher(rate_override=200)  # far over: refused with 130429, slowed down, retried
    drain(
        fast, lambda: not OutboundMessage.objects.filter(state__in=[State.QUEUED, State.SENDING]).exists(), timeout=30
    )
    assert wa.stats()["rejected"].get("130429", 0) > 0
    assert OutboundMessage.objects.exclude(state__in=[State.SENT, State.DELIVERED, State.READ]).count() == 0
    assert len(wa.messages()) == 24


@pytest.mark.django_db(transaction=True)
def test_it_defers_rather_than_fails_on_the_pair_limit(wa, settings):
    settings.WHATSAPP_PAIR_LIMIT_COUNT = 10  # our own spacing looser than the simulator's, to provoke 131056
    wa.configure(pair_limit={"count": 2, "seconds": 60})
    template = billing_template(wa.channel)
    for i in range(3):
        queue_template(wa.channel, f"p{i}", template=template, params=BILLING)
    d = Dispatcher(rate_override=100)
    drain(d, lambda: OutboundMessage.objects.filter(error_code=131056).exists())
    waiting = OutboundMessage.objects.get(error_code=131056)
    assert waiting.state == State.QUEUED and waiting.next_attempt_at > timezone.now()
    assert len(wa.messages(to="6281234567890")) == 2


@pytest.mark.django_db(transaction=True)
def test_it_resolves_an_in_flight_message_after_a_crash_without_sending_it_twice(wa, settings):
    settings.WHATSAPP_STALE_CLAIM_SECONDS = 0.5
    template = billing_template(wa.channel)
    arrived = queue_template(wa.channel, "arrived", template=template, to="+6281200000001", params=BILLING)
    lost = queue_template(wa.channel, "lost", template=template, to="+6281200000002", params=BILLING)
    # A dispatcher claimed both, sent the first, and died before writing anything back.
    OutboundMessage.objects.update(
        state=State.SENDING, claimed_by="dead/1", claimed_at=timezone.now() - timezone.timedelta(seconds=5)
    )
    provider(wa).send(arrived.payload)
    d = Dispatcher(rate_override=100)
    drain(d, lambda: OutboundMessage.objects.filter(state__in=[State.QUEUED, State.SENDING]).count() == 0)
    assert len(wa.by_callback(str(arrived.callback_id))) == 1
    assert len(wa.by_callback(str(lost.callback_id))) == 1


@pytest.mark.django_db(transaction=True)
def test_it_answers_the_simulators_verification_handshake(wa):
    result = wa.http.post("/_sim/handshake", json={}).json()
    assert result["ok"] is True
    bad = wa.http.post("/_sim/handshake", json={"verify_token": "salah"}).json()
    assert bad["ok"] is False and bad["status"] == 403


@pytest.mark.django_db(transaction=True)
def test_it_loses_nothing_when_our_endpoint_was_down(wa):
    wa.configure(faults={"webhook_down": True})
    result = wa.inbound(from_="6281234567890", name="Budi", text="Halo?")
    assert not InboundMessage.objects.exists()
    wa.configure(faults={"webhook_down": False})
    wait_until(
        lambda: InboundMessage.objects.filter(wamid=result["wamid"]).exists(),
        timeout=15,
        message="the retried webhook did not arrive",
    )
    assert Peer.objects.get().window_open()
