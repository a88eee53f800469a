"""Pytest plugin: the running simulator as a fixture, a tiny webhook receiver, and the sends tests post to it.

Registered from the root conftest (`pytest_plugins = ["triplec.simulator.testing"]`). The simulator process is
started once per test session on a free port and reset (config included) before each test, so every test starts
from the same fast test defaults and a fresh seed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from triplec.core.processes import free_port, wait_until

# Fast statuses and retries, so tests wait milliseconds, not seconds.
TEST_CONFIG: dict[str, Any] = {
    "delays_ms": {"sent": 10, "delivered": 20, "read": 30},
    "webhook_retry": {"max_attempts": 6, "base_ms": 50, "max_ms": 2000},
    "template_approval_ms": 100,
    "faults": {"timeout_seconds": 1.0},
}
START_TIMEOUT = 20.0
# The seeded billing-code template's five positional body values.
BILLING_VALUES = ("Budi Santoso", "STP 00123/101/25/922/26", "Rp1.500.000", "123456789012345", "15 Oktober 2026")


def simulator_command(port: int, **options: str) -> list[str]:
    """`python -m triplec.simulator` on 127.0.0.1:`port`, logging warnings only; each option is `--name value`
    (`webhook_url="..."` gives `--webhook-url ...`)."""
    cmd = [sys.executable, "-m", "triplec.simulator", "--host", "127.0.0.1", "--port", str(port)]
    for name, value in options.items():
        cmd += [f"--{name.replace('_', '-')}", value]
    return cmd + ["--log-level", "warning"]


def template_send(
    name: str,
    body: Iterable[str],
    *,
    to: str = "6281234567890",
    header: dict[str, Any] | None = None,
    buttons: Iterable[dict[str, Any]] = (),
    callback: str | None = None,
) -> dict[str, Any]:
    """A template send as the Cloud API takes it: the header's one parameter (when given), the positional text
    body parameters, then the button components."""
    components: list[dict[str, Any]] = [{"type": "header", "parameters": [header]}] if header is not None else []
    components.append({"type": "body", "parameters": [{"type": "text", "text": v} for v in body]})
    components.extend(buttons)
    payload: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "to": to,
        "type": "template",
        "template": {"name": name, "language": {"code": "id"}, "components": components},
    }
    if callback is not None:
        payload["biz_opaque_callback_data"] = callback
    return payload


def document_header(link: str, filename: str) -> dict[str, Any]:
    """The header parameter of a template with a document header (the Surat Teguran's PDF)."""
    return {"type": "document", "document": {"link": link, "filename": filename}}


class SimulatorProcess:
    """A simulator server in a subprocess, with a small client for its control API."""

    def __init__(
        self,
        *,
        app_secret: str,
        access_token: str,
        verify_token: str,
        phone_number_id: str,
        waba_id: str,
        config: dict[str, Any] | None = None,
    ):
        self.app_secret, self.access_token, self.verify_token = app_secret, access_token, verify_token
        self.phone_number_id, self.waba_id = phone_number_id, waba_id
        self.start_config = {**TEST_CONFIG, **(config or {})}
        self.process: subprocess.Popen | None = None
        self.port = 0
        self.base_url = ""
        self.http: httpx.Client | None = None

    def start(self) -> None:
        last_error = ""
        for _ in range(3):  # a free port can be taken between our check and granian's bind: try another
            self.port = free_port()
            self.base_url = f"http://127.0.0.1:{self.port}"
            cmd = simulator_command(
                self.port,
                app_secret=self.app_secret,
                access_token=self.access_token,
                verify_token=self.verify_token,
                phone_number_id=self.phone_number_id,
                waba_id=self.waba_id,
                config=json.dumps(self.start_config),
            )
            self.process = subprocess.Popen(
                cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"}
            )
            self.http = httpx.Client(base_url=self.base_url, timeout=30.0)
            deadline = time.monotonic() + START_TIMEOUT
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    if self.http.get("/_sim/health").json().get("ok"):
                        return
                except httpx.HTTPError:
                    pass
                time.sleep(0.05)
            last_error = (
                self.process.stderr.read().decode(errors="replace")
                if self.process.poll() is not None
                else "no answer on /_sim/health"
            )
            self.stop()
        raise RuntimeError(f"the simulator did not start: {last_error[-2000:]}")

    def stop(self) -> None:
        if self.http is not None:
            self.http.close()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    # --- control API ---------------------------------------------------------------------------------------
    def _json(self, response: httpx.Response) -> Any:
        if response.status_code >= 400 and response.status_code != 404:
            raise AssertionError(f"simulator answered {response.status_code}: {response.text}")
        return response.json()

    def reset(self, config: bool = True) -> dict[str, Any]:
        assert self.http is not None
        return self._json(self.http.post("/_sim/reset", json={"config": config}))

    def configure(self, **cfg: Any) -> dict[str, Any]:
        """Merge settings (the JSON of POST /_sim/config) and return the full config."""
        assert self.http is not None
        return self._json(self.http.post("/_sim/config", json=cfg))

    def inbound(self, from_: str | None = None, **payload: Any) -> dict[str, Any]:
        """The taxpayer writes: `inbound(from_="62812...", text="halo")` (or button=..., interactive=...)."""
        assert self.http is not None
        if from_ is not None:
            payload["from"] = from_
        return self._json(self.http.post("/_sim/inbound", json=payload))

    def messages(self, **filters: Any) -> list[dict[str, Any]]:
        assert self.http is not None
        return self._json(self.http.get("/_sim/messages", params={k: v for k, v in filters.items() if v is not None}))[
            "messages"
        ]

    def by_callback(self, callback: str) -> list[dict[str, Any]]:
        """Every accepted message carrying this biz_opaque_callback_data ([] when none)."""
        assert self.http is not None
        return self.http.get(f"/_sim/messages/by-callback/{callback}").json()["messages"]

    def stats(self) -> dict[str, Any]:
        assert self.http is not None
        return self._json(self.http.get("/_sim/stats"))

    def send(self, payload: dict[str, Any], token: str | None = None, version: str = "v25.0") -> httpx.Response:
        """POST /{version}/{phone_number_id}/messages as our client would (for tests of the simulator)."""
        assert self.http is not None
        return self.http.post(
            f"/{version}/{self.phone_number_id}/messages",
            json=payload,
            headers={"Authorization": f"Bearer {token or self.access_token}"},
        )

    def graph(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> httpx.Response:
        assert self.http is not None
        return self.http.request(
            method, path, headers={"Authorization": f"Bearer {token or self.access_token}"}, **kwargs
        )

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0, interval: float = 0.02) -> Any:
        return wait_until(
            predicate,
            timeout=timeout,
            interval=interval,
            message=f"{getattr(predicate, '__name__', 'condition')} never held",
        )


def _django_whatsapp_settings() -> dict[str, str]:
    try:
        from django.conf import settings  # lazy: the simulator and its plugin run without Django

        return {
            "app_secret": getattr(settings, "WHATSAPP_APP_SECRET", "demo-app-secret"),
            "access_token": getattr(settings, "WHATSAPP_ACCESS_TOKEN", "demo-access-token"),
            "verify_token": getattr(settings, "WHATSAPP_VERIFY_TOKEN", "demo-verify-token"),
            "phone_number_id": getattr(settings, "WHATSAPP_PHONE_NUMBER_ID", "922000000000001"),
            "waba_id": getattr(settings, "WHATSAPP_WABA_ID", "922000000000002"),
        }
    except Exception:  # Django not configured: the demo defaults
        return {
            "app_secret": "demo-app-secret",
            "access_token": "demo-access-token",
            "verify_token": "demo-verify-token",
            "phone_number_id": "922000000000001",
            "waba_id": "922000000000002",
        }


@pytest.fixture(scope="session")
def simulator_process() -> Iterator[SimulatorProcess]:
    sim = SimulatorProcess(**_django_whatsapp_settings())
    sim.start()
    try:
        yield sim
    finally:
        sim.stop()


@pytest.fixture
def simulator(simulator_process: SimulatorProcess) -> Iterator[SimulatorProcess]:
    """The running simulator, reset to the test defaults; Django's WHATSAPP_BASE_URL points at it meanwhile."""
    simulator_process.reset(config=True)
    override = None
    try:
        from django.test import override_settings  # lazy: the simulator and its plugin run without Django

        override = override_settings(WHATSAPP_BASE_URL=simulator_process.base_url)
        override.enable()
    except Exception:
        override = None
    try:
        yield simulator_process
    finally:
        if override is not None:
            override.disable()


class WebhookReceiver:
    """A local HTTP endpoint that records every request (raw body and headers) and answers as told."""

    def __init__(self, verify_token: str = "demo-verify-token", port: int = 0):
        self.requests: list[dict[str, Any]] = []
        self.statuses: list[int] = []  # answers for the next POSTs, in order; then `default_status`
        self.default_status = 200
        self.verify_token = verify_token
        self.files: dict[str, tuple[bytes, str]] = {}  # path -> (content, content type), served on GET
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            # HTTP/1.0: one request per connection. A kept-alive connection would outlive this receiver, and a
            # later receiver given the same port number would never see the requests sent down it.
            protocol_version = "HTTP/1.0"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # a file, or the verification handshake
                path = urlparse(self.path).path
                if path in receiver.files:
                    content, ctype = receiver.files[path]
                    self.send_response(200)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(content)))
                    self.end_headers()
                    self.wfile.write(content)
                    return
                query = parse_qs(urlparse(self.path).query)
                ok = query.get("hub.mode") == ["subscribe"] and query.get("hub.verify_token") == [receiver.verify_token]
                body = (query.get("hub.challenge", [""])[0] if ok else "forbidden").encode()
                self.send_response(200 if ok else 403)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    status = receiver.statuses.pop(0) if receiver.statuses else receiver.default_status
                    receiver.requests.append(
                        {
                            "path": self.path,
                            "headers": dict(self.headers),
                            "body": raw,
                            "status": status,
                            "at": time.monotonic(),
                        }
                    )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.url = f"{self.base_url}/webhook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def payloads(self, accepted_only: bool = True) -> list[dict[str, Any]]:
        with self.lock:
            return [json.loads(r["body"]) for r in self.requests if not accepted_only or r["status"] < 300]

    def statuses_of(self, wamid: str) -> list[str]:
        """The status values our side was told about for one wamid, in arrival order (accepted POSTs only)."""
        out = []
        for payload in self.payloads():
            for entry in payload["entry"]:
                for change in entry["changes"]:
                    out.extend(s["status"] for s in change["value"].get("statuses", []) if s["id"] == wamid)
        return out

    def inbound_messages(self) -> list[dict[str, Any]]:
        out = []
        for payload in self.payloads():
            for entry in payload["entry"]:
                for change in entry["changes"]:
                    out.extend(change["value"].get("messages", []))
        return out

    @staticmethod
    def signature_ok(request: dict[str, Any], app_secret: str) -> bool:
        expected = "sha256=" + hmac.new(app_secret.encode(), request["body"], hashlib.sha256).hexdigest()
        return hmac.compare_digest(request["headers"].get("X-Hub-Signature-256", ""), expected)


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    try:
        yield receiver
    finally:
        receiver.stop()
