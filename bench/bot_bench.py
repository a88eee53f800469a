"""`bot`: inbound webhook to reply enqueued, per message, over `size` messages (p50/p95/p99 in ms).

Each message is a signed Cloud API webhook POSTed through Django's full request stack (middleware, signature
check, raw-body inbox) to our endpoint, processed the way production does it (messaging's processing thread:
peer, inbound row, then the `inbound_message_received` receivers, the bot first). A probe receiver connected
after the bot marks the moment the turn, and so the reply, is committed to the outbox. One message at a time
(closed loop), so the figure is latency, not queueing. The mix is a realistic conversation per contact:
greeting, details, billing code (issued by the simulated DJP issuer), a payment claim with an NTPN, thanks; one
contact in ten is an unknown number.

Baseline, same process and database: the bare webhook intake (POST to the inbound signal) of the same kind of
bodies with the bot disconnected. Target: p95 <= 200 ms on SQLite.
"""

import datetime as dt
import json
import threading
import time

from bench.registry import headline

SCRIPT = ["halo kak", "rincian tagihan sy dari mana?", "minta kode billing", "sdh bayar ntpn {ntpn}", "makasih 🙏"]


def _bodies(prefix: str, peers: list[str], size: int) -> list[tuple[str, bytes]]:
    from triplec.messaging.tests.factories import inbound_payload

    out, n = [], 0
    while len(out) < size:
        for i, wa_id in enumerate(peers):
            if len(out) >= size:
                break
            step = (n // len(peers)) % len(SCRIPT)
            text = SCRIPT[step].format(ntpn=f"{prefix[:2].upper()}{i:06d}{n:08d}"[:16])
            wamid = f"wamid.{prefix}.{n}"
            out.append((wamid, json.dumps(inbound_payload(text, wa_id=wa_id, wamid=wamid)).encode()))
            n += 1
    return out


class Probe:
    """A receiver of the inbound signal connected last: it runs once every earlier receiver (the bot) is done."""

    def __init__(self):
        self.done: dict[str, float] = {}
        self.event = threading.Event()

    def __call__(self, sender, message, peer, **kwargs) -> None:
        self.done[message.wamid] = time.perf_counter()
        self.event.set()

    def wait(self, wamid: str, timeout: float = 30.0) -> float:
        deadline = time.monotonic() + timeout
        while wamid not in self.done:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{wamid} was not processed within {timeout}s")
            self.event.wait(0.05)
            self.event.clear()
        return self.done[wamid]


def _run_loop(client, bodies, probe: Probe) -> tuple[float, list[float]]:
    from triplec.messaging.webhooks import sign

    latencies = []
    start = time.perf_counter()
    for wamid, body in bodies:
        t0 = time.perf_counter()
        response = client.post(
            "/whatsapp/webhook",
            data=body,
            content_type="application/json",
            headers={"X-Hub-Signature-256": sign(body, "demo-app-secret")},
        )
        assert response.status_code == 200, response.status_code
        latencies.append((probe.wait(wamid) - t0) * 1000)
    return time.perf_counter() - start, latencies


def run(size: int = 2000) -> dict:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from bench.kit import latency_fields, percentile
    from triplec.conversations.models import BotTurn
    from triplec.conversations.receivers import answer_inbound
    from triplec.messaging.models import OutboundMessage
    from triplec.messaging.signals import inbound_message_received
    from triplec.taxpayers.models import ContactSource
    from triplec.taxpayers.services import contact_set_number
    from triplec.tests.support import make_channel, make_document, make_office, make_taxpayer

    settings.ALLOWED_HOSTS = ["*"]
    office = make_office()
    make_channel(office=office)
    peers = max(20, size // len(SCRIPT))
    numbers = [f"62812{7000000 + i:07d}" for i in range(peers)]
    verified = timezone.now() - dt.timedelta(days=30)
    for i, number in enumerate(numbers):
        if i % 10 == 9:
            continue  # an unknown number
        taxpayer = make_taxpayer(office, f"Wajib Pajak {i}")
        contact_set_number(
            taxpayer=taxpayer, phone="+" + number, source=ContactSource.REGISTRATION, verified_at=verified
        )
        make_document(taxpayer, number=f"B{i:05d}/101/25/922/26", amount=1_000_000 + i)

    client = Client()
    probe = Probe()
    inbound_message_received.connect(probe, dispatch_uid="bench.bot.probe", weak=False)
    try:
        # Baseline: the intake alone (other peers, so the bot run below starts from fresh conversations).
        base_numbers = [f"62813{7000000 + i:07d}" for i in range(peers)]
        inbound_message_received.disconnect(answer_inbound, dispatch_uid="conversations.bot")
        try:
            baseline_seconds, baseline_lat = _run_loop(client, _bodies("base", base_numbers, size), probe)
        finally:
            inbound_message_received.connect(answer_inbound, dispatch_uid="conversations.bot")
        # The probe must run after the bot: reconnect it last.
        inbound_message_received.disconnect(dispatch_uid="bench.bot.probe")
        inbound_message_received.connect(probe, dispatch_uid="bench.bot.probe", weak=False)
        seconds, latencies = _run_loop(client, _bodies("bot", numbers, size), probe)
    finally:
        inbound_message_received.disconnect(dispatch_uid="bench.bot.probe")
    turns = BotTurn.objects.filter(inbound__wamid__startswith="wamid.bot.").count()
    replies = OutboundMessage.objects.filter(idempotency_key__startswith="bot:wamid.bot.").count()
    rate, baseline_rate = size / seconds, size / baseline_seconds
    return {
        **headline("bot", size, seconds, rate, baseline_rate),
        **latency_fields(latencies, 2),
        "baseline_p50_ms": round(percentile(baseline_lat, 50), 2),
        "baseline_p95_ms": round(percentile(baseline_lat, 95), 2),
        "turns": turns,
        "replies": replies,
        "database": connection.vendor,
        "target_p95_ms": 200,
    }
