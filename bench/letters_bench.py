"""`letters`: SIZE concurrent downloads of distinct Surat Teguran PDFs from their signed links, as WhatsApp
fetches them right after a campaign's messages go: p50/p95/p99 and failures (a non-200 answer, a body that is
not a PDF, or a timeout). The server is the demo's web process (granian ASGI, one worker); the letters were
rendered when the campaign started (letters.py), as the worker does. Baseline: the same number of concurrent
GETs of the trivial `/whatsapp/ping` view on the same server (ratio = letters/s ÷ ping/s)."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from urllib.parse import urlsplit

from bench.kit import latency_fields, percentile

TIMEOUT_S = 10.0  # the simulator's (Meta's) patience with a document link


async def _get(host: str, port: int, path: str) -> tuple[int, bytes]:
    """One HTTP/1.1 GET on its own connection, as a fetcher makes it (a bare client: the server is measured,
    not an HTTP library's overhead)."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        raw = await reader.read(-1)
    finally:
        writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


async def _fetch_all(base: str, paths: list[str]) -> tuple[list[float], list[str], float]:
    """Every path at once; (latencies in ms of the successes, failure reasons, wall seconds)."""
    host, port = urlsplit(base).hostname, urlsplit(base).port
    latencies: list[float] = []
    failures: list[str] = []

    async def one(path: str) -> None:
        t0 = time.perf_counter()
        try:
            status, body = await asyncio.wait_for(_get(host, port, path), TIMEOUT_S)
        except (OSError, TimeoutError, ValueError, IndexError) as exc:
            failures.append(type(exc).__name__)
            return
        if status == 200 and (path.endswith("ping") or body[:5] == b"%PDF-"):
            latencies.append((time.perf_counter() - t0) * 1000)
        else:
            failures.append(f"HTTP {status}")

    t0 = time.perf_counter()
    await asyncio.gather(*(one(p) for p in paths))
    return latencies, failures, time.perf_counter() - t0


def _letters(size: int):
    """An office with SIZE letters, a started campaign's targets for them, and each letter rendered."""
    from django.utils import timezone

    from triplec.accounts.roles import Role
    from triplec.campaigns.letters import render_campaign_letters
    from triplec.campaigns.models import Campaign, CampaignState, Target, TargetStatus
    from triplec.ledger.models import SuratTeguran
    from triplec.tests.support import make_document, make_office, make_taxpayer, make_user

    office = make_office()
    maker = make_user("staf", Role.COLLECTION_STAFF, office=office)
    campaign = Campaign.objects.create(
        office=office, maker=maker, name="bench", criterion="a", state=CampaignState.RUNNING, started_at=timezone.now()
    )
    today = timezone.localdate()
    targets = []
    for i in range(size):
        taxpayer = make_taxpayer(office, name=f"Wajib Pajak {i:04d}")
        letter = SuratTeguran.objects.create(
            office=office, taxpayer=taxpayer, number=f"ST-{i:05d}/WPJ.21/KP.03", issue_date=today - dt.timedelta(days=3)
        )
        letter.documents.add(make_document(taxpayer, amount=1_000_000 + i, issue_date=today - dt.timedelta(days=60)))
        targets.append(
            Target(
                campaign=campaign,
                taxpayer=taxpayer,
                letter=letter,
                criterion="a",
                status=TargetStatus.SENT,
                messaged=True,
                amount=1_000_000 + i,
            )
        )
    Target.objects.bulk_create(targets)
    t0 = time.perf_counter()
    rendered = render_campaign_letters(campaign.pk)
    return (
        list(Target.objects.filter(campaign=campaign).values_list("public_id", flat=True)),
        rendered,
        time.perf_counter() - t0,
    )


def run(size: int = 500) -> dict:
    from django.conf import settings
    from django.db import connection

    from triplec.campaigns.links import notice_url
    from triplec.tests.support import start_server, stop_server

    public_ids, rendered, render_seconds = _letters(size)
    connection.close()
    server, base = start_server("asginl", "triplec.asgi:application", env={"TRIPLEC_DATA_DIR": str(settings.DATA_DIR)})
    try:
        paths = [urlsplit(notice_url(p)).path for p in public_ids]
        asyncio.run(_fetch_all(base, paths[:10] + ["/whatsapp/ping"] * 10))  # warm: imports, connections
        baseline_ms, baseline_failures, baseline_s = asyncio.run(_fetch_all(base, ["/whatsapp/ping"] * size))
        latencies, failures, seconds = asyncio.run(_fetch_all(base, paths))
    finally:
        stop_server(server)
    rate = len(latencies) / seconds if seconds else 0.0
    baseline_rate = len(baseline_ms) / baseline_s if baseline_s else 0.0
    reasons: dict[str, int] = {}
    for f in failures:
        reasons[f] = reasons.get(f, 0) + 1
    return {
        "name": "letters",
        "size": size,
        "seconds": round(seconds, 3),
        "rate": round(rate, 1),
        "baseline_rate": round(baseline_rate, 1),
        "ratio": round(rate / baseline_rate, 3) if baseline_rate else None,
        **latency_fields(latencies, 1),
        "failures": len(failures),
        "failure_reasons": reasons,
        "baseline_p99_ms": round(percentile(baseline_ms, 99), 1),
        "baseline_failures": len(baseline_failures),
        "rendered_ahead": rendered,
        "render_seconds": round(render_seconds, 1),
        "server": "granian ASGI, 1 worker (the demo's web process)",
        "target": "0 failures, p99 <= 2000 ms",
    }
