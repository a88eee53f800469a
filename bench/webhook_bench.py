"""`webhook`: signed single-status webhook POSTs per second into the web process (granian WSGI), with latency
percentiles. Each POST is verified and stored in the inbox (one INSERT) before the 200; the web process's
processing thread applies it to its outbound message right after. The line also reports how long after the last
POST every status was applied (`applied_after_s`), and that all were.

The server runs as the product runs it (`messaging.conf.WEBHOOK_WORKERS` = 2, `WEBHOOK_APP_THREADS` = 1);
BENCH_WEB_WORKERS and BENCH_BLOCKING_THREADS override those two for comparisons. BENCH_WEB_APP (default
triplec.messaging.wsgi:application, the webhook fast path). BENCH_PROCESSING: "thread" (default, as the product
and the demo run it): each web worker's processing thread applies its statuses right after the 200, and
`triplec process_webhooks --loop` retries what is left pending; "process": the web process only stores and the
loop processes; "none": store only, to measure the intake alone.

Baseline: a trivial view (GET /whatsapp/ping) in the same server, same client. Target: >= 1,500/s, p99 < 100 ms
on SQLite."""

import json
import socket
import threading
import time

from django.conf import settings

from bench.kit import latency_fields, percentile
from bench.registry import headline

CLIENT_THREADS = 8


def _request_bytes(method: str, path: str, body: bytes, headers: dict) -> bytes:
    lines = [
        f"{method} {path} HTTP/1.1",
        "Host: 127.0.0.1",
        f"Content-Length: {len(body)}",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _read_response(sock: socket.socket, buffer: bytes) -> tuple[int, bytes]:
    """(status, what is left in the buffer) of one response with a Content-Length, as granian sends them."""
    while b"\r\n\r\n" not in buffer:
        buffer += sock.recv(65536)
    head, _, rest = buffer.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    while len(rest) < length:
        rest += sock.recv(65536)
    return int(head[9:12]), rest[length:]


def _load(port: int, requests: list[tuple[str, str, bytes, dict]]) -> tuple[float, list[float], list[int]]:
    """Send the requests from CLIENT_THREADS keep-alive connections; (seconds, latencies in ms, statuses).

    A raw-socket client with the requests serialised beforehand: on a 2-core machine http.client's own parsing
    took a third of the CPU the server needed, so the client would have measured itself."""
    latencies: list[float] = []
    statuses: list[int] = []
    lock = threading.Lock()
    chunks = [[_request_bytes(*r) for r in requests[i::CLIENT_THREADS]] for i in range(CLIENT_THREADS)]

    def worker(chunk):
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        mine, codes, buffer = [], [], b""
        for raw in chunk:
            t = time.perf_counter()
            sock.sendall(raw)
            code, buffer = _read_response(sock, buffer)
            mine.append((time.perf_counter() - t) * 1000)
            codes.append(code)
        sock.close()
        with lock:
            latencies.extend(mine)
            statuses.extend(codes)

    threads = [threading.Thread(target=worker, args=(c,)) for c in chunks]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, latencies, statuses


def run(size: int = 5000) -> dict:
    import os

    from django.db import connection

    from bench.kit import start_loop, start_web, stop
    from triplec.messaging.conf import WEBHOOK_APP_THREADS, WEBHOOK_WORKERS
    from triplec.messaging.models import MessageStatus, OutboundMessage, State
    from triplec.messaging.tests.factories import envelope
    from triplec.messaging.webhooks import sign
    from triplec.tests.support import make_channel, make_office, stop_server

    office = make_office()
    channel = make_channel(office=office)
    OutboundMessage.objects.bulk_create(
        [
            OutboundMessage(
                idempotency_key=f"wh:{i}",
                channel=channel,
                to=f"628{1500000000 + i}",
                kind="template",
                payload={},
                state=State.SENT,
                wamid=f"wamid.bench{i}",
            )
            for i in range(size)
        ],
        batch_size=2000,
    )
    secret = settings.WHATSAPP_APP_SECRET
    posts = []
    ts = int(time.time())
    for i in range(size):
        status = {
            "id": f"wamid.bench{i}",
            "status": "delivered",
            "timestamp": str(ts),
            "recipient_id": f"628{1500000000 + i}",
            "pricing": {
                "billable": True,
                "pricing_model": "PMP",
                "type": "regular",
                "category": "utility",
            },
        }
        body = json.dumps(envelope({"statuses": [status]})).encode()
        posts.append(
            (
                "POST",
                "/whatsapp/webhook",
                body,
                {"Content-Type": "application/json", "X-Hub-Signature-256": sign(body, secret)},
            )
        )
    pings = [("GET", "/whatsapp/ping", b"", {})] * size

    workers = int(os.environ.get("BENCH_WEB_WORKERS", WEBHOOK_WORKERS))
    blocking = int(os.environ.get("BENCH_BLOCKING_THREADS", WEBHOOK_APP_THREADS))
    app = os.environ.get("BENCH_WEB_APP", "triplec.messaging.wsgi:application")
    processing = os.environ.get("BENCH_PROCESSING", "thread")
    mode = {"WHATSAPP_WEBHOOK_PROCESSING": "thread" if processing == "thread" else "loop"}
    proc, base_url = start_web(app, workers=workers, blocking_threads=blocking, env=mode)
    loop = None
    if processing != "none":
        loop = start_loop(
            ["process_webhooks", "--loop", *(["--min-age", "0"] if processing == "process" else [])], env=mode
        )
    try:
        port = int(base_url.rsplit(":", 1)[1])
        _load(port, pings[:200])  # warm-up: imports, connections
        base_seconds, base_lat, base_codes = _load(port, pings)
        seconds, lat, codes = _load(port, posts)
        end = time.perf_counter()
        deadline = end + (120 if processing != "none" else 0)  # a bounded wait for the processing thread to catch up
        while MessageStatus.objects.count() < size and time.perf_counter() < deadline:
            time.sleep(0.05)
        applied_after = time.perf_counter() - end
    finally:
        stop_server(proc)
        if loop is not None:
            stop(loop)
    applied = MessageStatus.objects.count()
    delivered = OutboundMessage.objects.filter(state=State.DELIVERED).count()
    rate, baseline_rate = size / seconds, size / base_seconds
    return {
        **headline("webhook", size, seconds, rate, baseline_rate),
        **latency_fields(lat, 2),
        "baseline_p99_ms": round(percentile(base_lat, 99), 2),
        "non_200": sum(1 for c in codes if c != 200) + sum(1 for c in base_codes if c != 200),
        "statuses_applied": applied,
        "messages_delivered": delivered,
        "applied_after_s": round(applied_after, 2),
        "client_connections": CLIENT_THREADS,
        "web_workers": workers,
        "blocking_threads": blocking,
        "processing": processing,
        "database": connection.vendor,
        "target": ">= 1500/s, p99 < 100 ms (SQLite)",
    }
