"""Delivering webhooks to the product as Meta does: the envelope, the `X-Hub-Signature-256` signature, retries
with exponential backoff, and the GET verification handshake of the callback URL.

Deliveries run in the background: the request that caused one answers at once (an inbound message waits only for
the first attempt's status, so its caller learns what our endpoint said).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import random
import time
from typing import Any

import httpx

from triplec.simulator.state import Simulator

log = logging.getLogger("triplec.simulator")


def envelope(sim: Simulator, value: dict[str, Any], field: str = "messages") -> dict[str, Any]:
    if field == "messages":
        value = {
            "messaging_product": "whatsapp",
            "metadata": {
                "display_phone_number": sim.config["display_phone_number"],
                "phone_number_id": sim.config["phone_number_id"],
            },
            **value,
        }
    entry: dict[str, Any] = {"id": sim.config["waba_id"]}
    if field != "messages":  # Meta stamps account-level notifications (templates, account) with `time`
        entry["time"] = int(time.time())
    entry["changes"] = [{"field": field, "value": value}]
    return {"object": "whatsapp_business_account", "entry": [entry]}


def contact(u: dict[str, Any], *, profile: bool, username: bool = True) -> dict[str, Any]:
    """A `contacts[]` entry as Meta sends it since the 2026 BSUID change: `user_id` always, `wa_id` only when
    the phone number may be shared, `profile.username` only for a user who adopted a username."""
    out: dict[str, Any] = {}
    shown: dict[str, Any] = {}
    if profile:
        shown["name"] = u["name"] or ""
    if username and u.get("username"):
        shown["username"] = u["username"]
    if shown:
        out["profile"] = shown
    if u["wa_id"]:
        out["wa_id"] = u["wa_id"]
    out["user_id"] = u["user_id"]
    return out


def sign(app_secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def send(
    sim: Simulator,
    payload: dict[str, Any],
    kind: str,
    *,
    duplicate: bool = False,
    first_result: asyncio.Future | None = None,
) -> None:
    """Deliver `payload` in the background (twice when `duplicate`); `first_result` gets the first attempt's HTTP
    status (None when it got none)."""
    if not sim.config["webhook_url"] and not sim.config["faults"]["webhook_delay_ms"]:
        # Nowhere to deliver: count it and skip the encoding (keeps the send path fast in benchmarks).
        sim.stats["webhooks"]["skipped"] += 1 + duplicate
        _resolve(first_result, None)
        return
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    sim.spawn(_deliver(sim, body, kind, 1, sim.generation, first_result))
    if duplicate:
        sim.stats["webhooks"]["duplicated"] += 1
        sim.spawn(_deliver(sim, body, kind, 1, sim.generation, None))


async def _deliver(
    sim: Simulator, body: bytes, kind: str, attempt: int, generation: int, first_result: asyncio.Future | None
) -> None:
    """One delivery attempt; a refused or failed one is tried again later with exponential backoff."""
    sim.ensure_runtime()
    delay = sim.config["faults"]["webhook_delay_ms"]
    if delay:
        await asyncio.sleep(delay / 1000)
    if generation != sim.generation:  # a reset came in between: the old state's webhooks are dropped
        _resolve(first_result, None)
        return
    url = sim.config["webhook_url"]
    if not url:
        sim.stats["webhooks"]["skipped"] += 1
        _resolve(first_result, None)
        return
    status: int | None = None
    error = None
    if sim.config["faults"]["webhook_down"]:
        error = "webhook endpoint down (injected)"
    else:
        assert sim.semaphore is not None and sim.http is not None
        async with sim.semaphore:
            try:
                response = await sim.http.post(
                    url,
                    content=body,
                    headers={
                        "Content-Type": "application/json",
                        "X-Hub-Signature-256": sign(sim.config["app_secret"], body),
                        "User-Agent": "facebookexternalua",
                    },
                )
                status = response.status_code
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
    _resolve(first_result, status)
    ok = status is not None and 200 <= status < 300
    sim.webhook_log.append(
        {"kind": kind, "attempt": attempt, "status": status, "error": error, "at": time.time(), "bytes": len(body)}
    )
    if ok:
        sim.stats["webhooks"]["sent"] += 1
        return
    sim.stats["webhooks"]["failed"] += 1
    retry = sim.config["webhook_retry"]
    if attempt >= retry["max_attempts"]:
        sim.stats["webhooks"]["dropped"] += 1
        log.warning("webhook %s dropped after %d attempts (%s)", kind, attempt, error or f"HTTP {status}")
        return
    sim.stats["webhooks"]["retried"] += 1
    wait_ms = min(retry["max_ms"], retry["base_ms"] * 2 ** (attempt - 1))
    loop = asyncio.get_running_loop()
    loop.call_later(wait_ms / 1000, lambda: sim.spawn(_deliver(sim, body, kind, attempt + 1, generation, None)))


def _resolve(future: asyncio.Future | None, value: Any) -> None:
    if future is not None and not future.done():
        future.set_result(value)


async def verify_endpoint(sim: Simulator, url: str, verify_token: str) -> dict[str, Any]:
    """Meta's GET verification of the callback URL (`hub.mode`, `hub.challenge`, `hub.verify_token`)."""
    challenge = str(random.randint(10**8, 10**9))
    params = {"hub.mode": "subscribe", "hub.challenge": challenge, "hub.verify_token": verify_token}
    assert sim.http is not None
    try:
        response = await sim.http.get(url, params=params)
    except httpx.HTTPError as exc:
        return {"ok": False, "status": None, "error": str(exc)}
    ok = response.status_code == 200 and response.text == challenge
    return {"ok": ok, "status": response.status_code, "challenge_echoed": response.text == challenge}
