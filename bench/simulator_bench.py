"""`triplec bench run simulator`: how fast the WhatsApp simulator accepts POST /messages.

rate: a bare httpx sync loop (one keep-alive connection) posting a valid template send, as the brief asks.
baseline_rate: the same loop on GET /_sim/health, i.e. what httpx + granian cost with no simulator work at all.
The httpx client itself costs ~1 ms of CPU per request on this machine, so two more figures show the server's
own capacity: raw_socket_rate (one keep-alive connection, hand-written HTTP/1.1) and concurrent_rate (4 raw
connections from 4 threads).
"""

from __future__ import annotations

import json
import socket
import statistics
import threading
import time
from typing import Any

import httpx

from bench.registry import headline
from triplec.simulator.testing import BILLING_VALUES, SimulatorProcess, template_send

PNID = "922000000000001"
TOKEN = "demo-access-token"


def _payload(i: int) -> dict[str, Any]:
    return template_send(
        "kode_billing_v1",
        BILLING_VALUES,
        to=f"62812{i:08d}",
        header={"type": "text", "text": "PPh"},
        callback=f"bench-{i}",
    )


def _raw_loop(port: int, start: int, n: int, out: list[float]) -> None:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for i in range(start, start + n):
        body = json.dumps(_payload(i)).encode()
        sock.sendall(
            b"POST /v25.0/"
            + PNID.encode()
            + b"/messages HTTP/1.1\r\nHost: b\r\nAuthorization: Bearer "
            + TOKEN.encode()
            + b"\r\nContent-Type: application/json\r\nContent-Length: "
            + str(len(body)).encode()
            + b"\r\n\r\n"
            + body
        )
        data = b""
        while b"\r\n\r\n" not in data:
            data += sock.recv(65536)
        head, _, rest = data.partition(b"\r\n\r\n")
        length = int(next(l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")).split(b":")[1])
        while len(rest) < length:
            rest += sock.recv(65536)
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(head.decode())
    sock.close()
    out.append(n)


def run(size: int = 5000) -> dict[str, Any]:
    sim = SimulatorProcess(
        app_secret="demo-app-secret",
        access_token=TOKEN,
        verify_token="demo-verify-token",
        phone_number_id=PNID,
        waba_id="922000000000002",
        config={"per_number_mps": None, "pair_limit": None},
    )
    sim.start()
    try:
        client = httpx.Client(base_url=sim.base_url, headers={"Authorization": f"Bearer {TOKEN}"})
        for i in range(200):  # warm up
            client.post(f"/v25.0/{PNID}/messages", json=_payload(10**7 + i))
        sim.reset(config=False)
        latencies = []
        started = time.perf_counter()
        for i in range(size):
            t0 = time.perf_counter()
            response = client.post(f"/v25.0/{PNID}/messages", json=_payload(i))
            latencies.append(time.perf_counter() - t0)
            if response.status_code != 200:
                raise RuntimeError(response.text)
        seconds = time.perf_counter() - started
        accepted = sim.stats()["accepted"]
        started = time.perf_counter()
        for _ in range(size):
            client.get("/_sim/health")
        baseline_seconds = time.perf_counter() - started
        client.close()

        sim.reset(config=False)
        started = time.perf_counter()
        _raw_loop(sim.port, 0, size, [])
        raw_seconds = time.perf_counter() - started

        sim.reset(config=False)
        threads, done, per = [], [], max(1, size // 4)
        started = time.perf_counter()
        for t in range(4):
            threads.append(threading.Thread(target=_raw_loop, args=(sim.port, t * per, per, done)))
            threads[-1].start()
        for thread in threads:
            thread.join()
        concurrent_seconds = time.perf_counter() - started
    finally:
        sim.stop()
    latencies.sort()
    rate = size / seconds
    baseline_rate = size / baseline_seconds
    return {
        **headline("simulator", size, seconds, rate, baseline_rate),
        "p50_ms": round(statistics.median(latencies) * 1000, 3),
        "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 3),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 3),
        "accepted": accepted,
        "raw_socket_rate": round(size / raw_seconds, 1),
        "concurrent_rate": round(4 * per / concurrent_seconds, 1),
    }


if __name__ == "__main__":
    print(json.dumps(run()))
