"""`inbox_latency`: from a signed webhook POST of an inbound message (web process, granian WSGI) to the SSE event
announcing it, read by a connected client from ANOTHER process (granian ASGI serving /events/stream): p50/p95/p99.

The officer's conversation is open and assigned, so each message runs the whole path: webhook inbox, the bot's
turn (it stays silent: an officer has the chat), the inbox's receiver, the event row, the ASGI hub's poll
(EVENTS_POLL_INTERVAL, 0.1 s on the embedded default, or Redis when REDIS_URL is set), the stream.
Messages are sent open-loop at BENCH_INBOX_RATE per second (default 20) and matched to events by wamid.

Baseline: an event published straight from this process (a third process) to the same stream: the bus floor.
Target: p95 <= 500 ms on the embedded default (SQLite)."""

from __future__ import annotations

import json
import os
import threading
import time

import httpx
from django.conf import settings

from bench.kit import percentile


class _Reader:
    """Reads one SSE stream in a thread; records (monotonic arrival, data) per event."""

    def __init__(self, url: str, cookies: dict):
        self.got: dict[str, float] = {}
        self.status = 0
        self.cond = threading.Condition()
        self._client = httpx.Client(cookies=cookies, timeout=httpx.Timeout(10, read=60))
        threading.Thread(target=self._read, args=(url,), daemon=True).start()

    def _read(self, url: str) -> None:
        try:
            with self._client.stream("GET", url) as response:
                self.status = response.status_code
                for line in response.iter_lines():
                    if line.startswith("data: "):
                        data = json.loads(line[6:])
                        key = data.get("wamid") or data.get("probe")
                        if key:
                            with self.cond:
                                self.got.setdefault(str(key), time.monotonic())
                                self.cond.notify_all()
        except httpx.HTTPError:
            pass

    def wait_for(self, keys: list[str], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with self.cond:
            while any(k not in self.got for k in keys) and time.monotonic() < deadline:
                self.cond.wait(0.1)

    def close(self) -> None:
        self._client.close()


def run(size: int = 1000) -> dict:
    from django.db import connection, transaction
    from django.test import Client

    from triplec.accounts.roles import Role
    from triplec.conversations.models import Conversation, ConversationState
    from triplec.events.bus import publish
    from triplec.inbox.models import OfficerStatus
    from triplec.messaging.models import Peer
    from triplec.messaging.tests.factories import inbound_payload
    from triplec.messaging.webhooks import sign
    from triplec.tests.support import make_channel, make_office, make_user, start_server, stop_server, wait_until

    rate = float(os.environ.get("BENCH_INBOX_RATE", "20"))
    office = make_office()
    channel = make_channel(office=office)
    officer = make_user("bench_officer", Role.SERVICE_OFFICER, office=office)
    OfficerStatus.objects.create(user=officer, available=True, capacity=50)
    wa_id = "6281299990000"
    peer = Peer.objects.create(channel=channel, wa_id=wa_id)
    conversation = Conversation.objects.create(
        office=office, channel=channel, peer=peer, state=ConversationState.OPEN, assigned_to=officer
    )
    client = Client()
    client.force_login(officer)
    cookies = {"sessionid": client.cookies["sessionid"].value}
    secret = settings.WHATSAPP_APP_SECRET
    ts = int(time.time())

    def body(i: int) -> bytes:
        payload = inbound_payload(f"pesan {i}", wa_id=wa_id, wamid=f"wamid.inboxbench{i}", name="Bench", ts=ts + i)
        return json.dumps(payload).encode()

    web, web_url = start_server("wsgi", "triplec.wsgi:application")
    sse, sse_url = start_server("asgi", "triplec.asgi:application")
    reader = _Reader(f"{sse_url}/events/stream?topic=conversation:{conversation.pk}", cookies)
    try:
        wait_until(lambda: reader.status == 200, timeout=20, message="stream did not open")

        # Baseline: publish from this process, read from the ASGI process.
        def probe(n: int) -> None:
            with transaction.atomic():
                publish(f"user:{officer.pk}", "bench.probe", {"probe": f"p{n}"})

        wait_until(lambda: probe(-1) or "p-1" in reader.got, timeout=20, interval=0.2, message="no probe")
        base_sent: dict[str, float] = {}
        base_start = time.monotonic()
        for n in range(min(size, 200)):
            base_sent[f"p{n}"] = time.monotonic()
            probe(n)
            time.sleep(1 / rate)
        reader.wait_for(list(base_sent), timeout=30)
        base_seconds = time.monotonic() - base_start
        base_lat = [(reader.got[k] - t) * 1000 for k, t in base_sent.items() if k in reader.got]

        sent: dict[str, float] = {}
        http = httpx.Client(base_url=web_url, timeout=30)
        http.post(
            "/whatsapp/webhook",
            content=body(-1),
            headers={"Content-Type": "application/json", "X-Hub-Signature-256": sign(body(-1), secret)},
        )
        reader.wait_for(["wamid.inboxbench-1"], timeout=30)  # warm-up: the bot's classifier, connections
        start = time.monotonic()
        for i in range(size):
            payload = body(i)
            due = start + i / rate
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)  # open-loop pacing of the load generator, not a wait on a result
            sent[f"wamid.inboxbench{i}"] = time.monotonic()
            http.post(
                "/whatsapp/webhook",
                content=payload,
                headers={"Content-Type": "application/json", "X-Hub-Signature-256": sign(payload, secret)},
            )
        reader.wait_for(list(sent), timeout=60)
        seconds = time.monotonic() - start
        http.close()
    finally:
        reader.close()
        stop_server(sse)
        stop_server(web)
    lat = [(reader.got[k] - t) * 1000 for k, t in sent.items() if k in reader.got]
    delivered = len(lat)
    rate_done, base_rate = delivered / seconds, len(base_lat) / base_seconds
    return {
        "name": "inbox_latency",
        "size": size,
        "seconds": round(seconds, 3),
        "rate": round(rate_done, 1),
        "baseline_rate": round(base_rate, 1),
        "ratio": round(rate_done / base_rate, 3) if base_rate else None,
        "p50_ms": round(percentile(lat, 50), 1) if lat else None,
        "p95_ms": round(percentile(lat, 95), 1) if lat else None,
        "p99_ms": round(percentile(lat, 99), 1) if lat else None,
        "baseline_p50_ms": round(percentile(base_lat, 50), 1) if base_lat else None,
        "baseline_p95_ms": round(percentile(base_lat, 95), 1) if base_lat else None,
        "delivered": delivered,
        "offered_rate": rate,
        "database": connection.vendor,
        "poll_interval_s": float(os.environ.get("EVENTS_POLL_INTERVAL", "0.1")),
        "redis": bool(os.environ.get("REDIS_URL")),
        "target": "p95 <= 500 ms (embedded default)",
    }
