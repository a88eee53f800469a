"""Fixtures: the simulator's phone writing to our webhook (pytest-django's live server), our dispatcher
delivering the bot's replies back to the phone, and a registered taxpayer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from triplec.conversations.models import BotTurn
from triplec.messaging import dispatcher as dispatcher_module
from triplec.messaging.dispatcher import Dispatcher
from triplec.messaging.models import OutboundMessage, State
from triplec.messaging.tests.factories import make_channel
from triplec.taxpayers.models import ContactSource
from triplec.taxpayers.services import contact_set_number
from triplec.tests.support import make_document, make_office, make_taxpayer, make_teguran, wait_until

NUMBER = "6281234567890"
NIK = "5371014101900003"


def shown_text(message: dict) -> str:
    """What the phone shows of one message we sent: the text, or the interactive body with its choices."""
    body = message["body"]
    if message["type"] == "text":
        return body["text"]["body"]
    if message["type"] == "interactive":
        inter = body["interactive"]
        titles = [b["reply"]["title"] for b in inter["action"].get("buttons", [])]
        for section in inter["action"].get("sections", []):
            titles += [r["title"] for r in section["rows"]]
        return inter["body"]["text"] + "\n[" + " | ".join(titles) + "]"
    return f"[{message['type']}]"


class Phone:
    """One taxpayer's phone on the simulator. `say()` writes, lets the webhook answer, drains the outbox and
    returns what arrived on the phone, in order."""

    def __init__(self, sim, number: str = NUMBER):
        self.sim, self.number = sim, number
        self.dispatcher = Dispatcher(rate_override=200)
        self.last: list[dict] = []

    def _seq(self) -> int:
        messages = self.sim.messages(to=self.number)
        return messages[-1]["seq"] if messages else 0

    def say(
        self, text: str | None = None, *, button: tuple[str, str] | None = None, row: tuple[str, str] | None = None
    ) -> list[str]:
        since = self._seq()
        if button:
            answer = self.sim.inbound(
                from_=self.number, interactive={"type": "button_reply", "id": button[0], "title": button[1]}
            )
        elif row:
            answer = self.sim.inbound(
                from_=self.number, interactive={"type": "list_reply", "id": row[0], "title": row[1]}
            )
        else:
            answer = self.sim.inbound(from_=self.number, text=text)
        assert answer["webhook_status"] == 200, answer
        wamid = answer["wamid"]
        turn = wait_until(
            lambda: BotTurn.objects.filter(inbound__wamid=wamid).first(), timeout=10, message=f"bot turn for {wamid}"
        )
        pending = OutboundMessage.objects.filter(idempotency_key__startswith=f"bot:{wamid}:")

        def read():
            self.dispatcher.step()
            return not pending.exclude(state__in=[State.READ, State.FAILED]).exists()

        # Read is the simulator's last status webhook: once it is in, nothing more writes behind the test's back.
        wait_until(read, timeout=15, message="replies delivered and read")
        assert pending.count() == turn.replies
        self.last = wait_until(
            lambda: (
                (lambda got: got if len(got) >= turn.replies else None)(self.sim.messages(to=self.number, since=since))
                if turn.replies
                else [True]
            ),
            timeout=10,
            message="replies on the phone",
        )
        if not turn.replies:
            self.last = []
        return [shown_text(m) for m in self.last]

    def close(self) -> None:
        self.dispatcher.pool.shutdown(wait=True)


@pytest.fixture
def wa(simulator, live_server, monkeypatch):
    simulator.configure(webhook_url=f"{live_server.url}/whatsapp/webhook")
    monkeypatch.setattr(dispatcher_module, "is_open", lambda office, at: True)
    simulator.channel = make_channel(base_url=simulator.base_url)
    yield simulator
    simulator.configure(webhook_url=None)  # no late webhook may reach the live server while the DB is flushed


@pytest.fixture
def office_open(time_machine, monkeypatch):
    """The clock at a Wednesday 10.00 WITA (officers at work), 20 s further at every bot turn."""
    set_clock(time_machine, monkeypatch, dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC))


def set_clock(time_machine, monkeypatch, start: dt.datetime, step: dt.timedelta = dt.timedelta(seconds=20)) -> None:
    """One clock for the whole test process: it is moved to `start` and ticks on, and every bot turn moves it a
    further `step`. Timestamps the test itself makes (`register`'s verification date, the rows' creation
    times) come from the same clock as the bot's, so no assertion depends on today's date."""
    from triplec.conversations import bot

    time_machine.move_to(start, tick=True)

    def now() -> dt.datetime:
        time_machine.shift(step)
        return timezone.now()

    monkeypatch.setattr(bot, "now", now)


@pytest.fixture
def phone(wa, office_open):
    p = Phone(wa)
    yield p
    p.close()


def register(taxpayer, number: str = NUMBER, *, verified_days_ago: int | None = 10, **fields):
    verified = timezone.now() - dt.timedelta(days=verified_days_ago) if verified_days_ago is not None else None
    contact, _ = contact_set_number(
        taxpayer=taxpayer, phone="+" + number, source=ContactSource.REGISTRATION, verified_at=verified
    )
    if fields:
        for k, v in fields.items():
            setattr(contact, k, v)
        contact.save()
    return contact


@pytest.fixture
def budi(wa):
    """A taxpayer with a recently verified contact, two open STPs and a delivered Surat Teguran."""

    office = make_office()
    taxpayer = make_taxpayer(office, "Budi Santoso", nik=NIK)
    register(taxpayer)
    d1 = make_document(taxpayer, number="00101/101/25/922/26", amount=1_500_000)
    d2 = make_document(
        taxpayer,
        number="00102/107/25/922/26",
        amount=750_000,
        kap="411211",
        kjs="100",
        period_start=dt.date(2025, 3, 1),
        period_end=dt.date(2025, 3, 31),
    )
    make_teguran(
        taxpayer,
        d1,
        d2,
        number="ST-00045/WPJ.29/KP.05/2026",
        issue_date=dt.date(2026, 10, 20),
        delivered_date=dt.date(2026, 10, 22),
    )
    taxpayer.docs = [d1, d2]
    return taxpayer
