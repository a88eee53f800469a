"""The conversation state: once per wamid, no echoes, no loops, office hours, restarts, concurrency."""

import datetime as dt
import json
import threading

import httpx
import pytest

from triplec.conversations.bot import handle_inbound
from triplec.conversations.models import BotTurn, Conversation, ConversationEvent, ConversationState
from triplec.conversations.selectors import conversation_timeline
from triplec.messaging.models import InboundMessage, OutboundMessage, Peer
from triplec.messaging.services import peer_for
from triplec.messaging.tests.factories import inbound_payload, make_channel, post_signed, status_payload
from triplec.messaging.webhooks import sign
from triplec.tests.support import make_office, make_taxpayer

from .conftest import NUMBER, register, set_clock

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def inline_processing(settings):
    """Webhooks processed inside the request: assertions right after a POST see the bot's turn, and the threaded
    live server runs concurrent turns for real (the default hands them to one processing thread)."""
    settings.WHATSAPP_WEBHOOK_PROCESSING = "inline"


@pytest.fixture
def channel(office_open):
    return make_channel()


@pytest.fixture
def taxpayer(channel):
    tp = make_taxpayer(make_office(), "Budi Santoso")
    register(tp)
    return tp


def replies_to(wamid: str) -> list[OutboundMessage]:
    return list(OutboundMessage.objects.filter(idempotency_key__startswith=f"bot:{wamid}:").order_by("id"))


def test_it_answers_each_inbound_wamid_once(client, channel, taxpayer):
    payload = inbound_payload("halo", wamid="wamid.retry1")
    assert post_signed(client, payload).status_code == 200
    again = json.loads(json.dumps(payload))
    again["entry"][0]["changes"][0]["value"]["contacts"][0]["profile"]["name"] = "Budi S"  # another body, same wamid
    assert post_signed(client, again).status_code == 200
    assert post_signed(client, payload).status_code == 200  # the very same body
    assert BotTurn.objects.count() == 1 and len(replies_to("wamid.retry1")) == 1
    message = InboundMessage.objects.get(wamid="wamid.retry1")
    assert handle_inbound(message=message) is None  # the signal delivered twice: still once
    reply = replies_to("wamid.retry1")[0]
    assert reply.lane == 0 and reply.kind == "list"


def test_it_never_answers_its_own_echoes_or_status_webhooks(client, channel, taxpayer):
    post_signed(client, inbound_payload("halo", wa_id="62380821123", wamid="wamid.echo"))
    post_signed(client, status_payload("wamid.out1", "delivered"))
    assert not BotTurn.objects.exists() and not OutboundMessage.objects.exists()


def test_it_stops_answering_a_flood_and_hands_it_to_a_person(client, channel, taxpayer, time_machine, monkeypatch):
    set_clock(time_machine, monkeypatch, dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC), step=dt.timedelta(seconds=1))
    for n in range(12):
        post_signed(client, inbound_payload(f"halo {n}", wamid=f"wamid.flood{n}"))
    answered = BotTurn.objects.filter(replies__gt=0).count()
    assert answered == 8
    conversation = Conversation.objects.get()
    assert conversation.state == ConversationState.WAITING_OFFICER and conversation.handoff_reason == "rate_limited"
    assert BotTurn.objects.filter(action="rate_limited").count() == 4


def test_it_says_when_officers_are_back_outside_office_hours(client, channel, taxpayer, time_machine, monkeypatch):
    set_clock(time_machine, monkeypatch, dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC))  # Saturday 20.00 WITA
    post_signed(client, inbound_payload("mau bicara sama petugas", wamid="wamid.night"))
    [reply] = replies_to("wamid.night")
    text = reply.payload["text"]["body"]
    assert "di luar jam layanan petugas (Senin–Jumat pukul 08.00–16.00 WITA)" in text
    assert "mulai Senin, 30 November 2026 pukul 08.00 WITA" in text
    post_signed(client, inbound_payload("halo", wa_id="6289999999999", wamid="wamid.night2"))
    [menu] = replies_to("wamid.night2")
    assert "Senin, 30 November 2026" in menu.payload["interactive"]["body"]["text"]


def test_it_keeps_its_state_in_the_database_across_a_restart(client, channel, taxpayer, settings):
    settings.BOT_VERIFICATION_MAX_AGE_DAYS = 1
    post_signed(client, inbound_payload("rincian", wamid="wamid.r1"))
    assert Conversation.objects.get().state == ConversationState.CHALLENGE
    from django.db import connections

    connections.close_all()  # a new process would start from the database alone
    post_signed(client, inbound_payload(taxpayer.npwp16[6:10], wamid="wamid.r2"))
    assert Conversation.objects.get().verified_taxpayer == taxpayer
    assert any("sudah kami konfirmasi" in (m.payload.get("text") or {}).get("body", "") for m in replies_to("wamid.r2"))


def test_it_starts_afresh_after_an_idle_day(client, channel, taxpayer, time_machine, monkeypatch, settings):
    settings.BOT_VERIFICATION_MAX_AGE_DAYS = 1
    set_clock(time_machine, monkeypatch, dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC), step=dt.timedelta(hours=30))
    post_signed(client, inbound_payload("rincian", wamid="wamid.i1"))
    post_signed(client, inbound_payload("halo", wamid="wamid.i2"))
    first, second = Conversation.objects.order_by("id")
    assert first.state == ConversationState.RESOLVED and second.state == ConversationState.MENU


def test_it_renders_a_timeline_of_messages_and_events(client, channel, taxpayer, monkeypatch):
    from django.utils import timezone

    from triplec.conversations import bot

    monkeypatch.setattr(bot, "now", timezone.now)  # one clock for messages and events
    post_signed(client, inbound_payload("halo", wamid="wamid.t1"))
    post_signed(client, inbound_payload("petugas", wamid="wamid.t2"))
    items = conversation_timeline(Conversation.objects.get())
    assert [(i.direction, i.kind) for i in items] == [
        ("in", "text"),
        ("out", "list"),
        ("in", "text"),
        ("event", "handoff"),
        ("out", "text"),
    ]
    assert items[0].text == "halo" and "Silakan pilih menu" in items[1].text


def test_it_keeps_one_consistent_state_under_concurrent_webhooks(live_server, channel, taxpayer):
    """Eight messages of one contact at once, through the threaded live server: one conversation, each message
    answered once, exactly one handoff (the second unrecognised message), the rest silent."""
    peer_for(channel=channel, wa_id=NUMBER)
    # No digits: "qwerty zxcv 1" may be option 1 of the menu and get a clarifying question; these are plainly
    # not understood whichever order the server takes them in.
    bodies = [
        json.dumps(inbound_payload(f"qwerty zxcv qw{c}{c}", wamid=f"wamid.c{n}")).encode()
        for n, c in enumerate("bcdfghjk")
    ]
    errors: list[Exception] = []
    start = threading.Barrier(len(bodies))

    def post(body: bytes) -> None:
        try:
            start.wait()
            r = httpx.post(
                f"{live_server.url}/whatsapp/webhook",
                content=body,
                timeout=30,
                headers={"X-Hub-Signature-256": sign(body, "demo-app-secret"), "Content-Type": "application/json"},
            )
            assert r.status_code == 200
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=post, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert Conversation.objects.count() == 1 and Peer.objects.count() == 1
    conversation = Conversation.objects.get()
    assert BotTurn.objects.filter(conversation=conversation).count() == 8
    assert conversation.state == ConversationState.WAITING_OFFICER
    assert ConversationEvent.objects.filter(kind="handoff").count() == 1
    actions = list(BotTurn.objects.order_by("id").values_list("action", flat=True))
    assert actions[:2] == ["not_understood", "handoff:not_understood"] and set(actions[2:]) == {"with_officer"}
    assert OutboundMessage.objects.count() == 2
