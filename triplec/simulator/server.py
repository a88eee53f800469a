"""The simulator: a plain ASGI app (served by granian) that plays Meta's WhatsApp Cloud API.

It keeps its own in-memory state and never touches Django or our database, so tests and the demo see exactly what
a remote API would do: the same endpoints and JSON (see docs/whatsapp-cloud-api.md), signed webhooks with
sent → delivered → read, the business rules that make Meta refuse a message, and injected faults that repeat
for a given seed. Everything runs on one asyncio loop in one process: handlers never await between reading and
writing state, so no locks are needed.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import hashlib
import hmac
import json
import logging
import mimetypes
import os
import random
import re
import time
from collections import defaultdict, deque
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode

import httpx

from triplec.core.masking import mask_text
from triplec.simulator import templates as tpl
from triplec.simulator.config import DEFAULT_CONFIG, ConfigError, merge_config

log = logging.getLogger("triplec.simulator")

STATIC_DIR = Path(__file__).with_name("static")
GRAPH_PATH = re.compile(r"^/(v\d+\.\d+)/(.+)$")
BSUID = re.compile(r"^[A-Z]{2}\.[A-Za-z0-9]{1,128}$")
MEDIA_KINDS = ("image", "document", "audio", "video", "sticker")
MEDIA_DEFAULT_MIME = {
    "image": "image/jpeg",
    "document": "application/pdf",
    "audio": "audio/ogg; codecs=opus",
    "video": "video/mp4",
    "sticker": "image/webp",
}
STATUS_RANK = {"accepted": 0, "sent": 1, "delivered": 2, "read": 3, "failed": 4}
JSON_HEADERS = [(b"content-type", b"application/json")]
MAX_BODY = 20 * 1024 * 1024

Reply = tuple[int, list[tuple[bytes, bytes]], bytes]


def reply_json(data: Any, status: int = 200) -> Reply:
    return status, JSON_HEADERS, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def meta_error(
    code: int,
    message: str,
    details: str,
    http_status: int = 400,
    *,
    subcode: int | None = None,
    transient: bool = False,
    kind: str = "OAuthException",
) -> Reply:
    """Meta's error JSON (§1g of the contract)."""
    error: dict[str, Any] = {
        "message": f"(#{code}) {message}",
        "type": kind,
        "code": code,
        "error_data": {"messaging_product": "whatsapp", "details": details},
        "is_transient": transient,
        "fbtrace_id": base64.urlsafe_b64encode(os.urandom(12)).decode().rstrip("="),
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    return reply_json({"error": error}, http_status)


# A template status notification's event → the template's status afterwards.
TEMPLATE_EVENTS = {
    "APPROVED": "APPROVED",
    "REJECTED": "REJECTED",
    "PENDING": "PENDING",
    "PAUSED": "PAUSED",
    "DISABLED": "DISABLED",
    "FLAGGED": "APPROVED",
    "REINSTATED": "APPROVED",
    "IN_APPEAL": "REJECTED",
    "PENDING_DELETION": "DISABLED",
}
# The default fields of GET /{phone_number_id} (Meta answers these when `fields` is not given).
PHONE_DEFAULT_FIELDS = (
    "verified_name",
    "code_verification_status",
    "display_phone_number",
    "quality_rating",
    "platform_type",
    "throughput",
    "id",
)
TEMPLATE_LIMIT = 250

ERROR_TITLES = {
    100: "Invalid parameter",
    130429: "Rate limit hit",
    131008: "Required parameter is missing",
    131009: "Parameter value is not valid",
    131026: "Message undeliverable",
    131047: "Re-engagement message",
    131056: "(Business Account, Consumer Account) pair rate limit hit",
    132000: "Number of parameters does not match the expected number of params",
    132001: "Template name does not exist in the translation",
    132012: "Parameter format does not match format in the created template",
    132015: "Template is paused",
    132016: "Template is disabled",
}


def digits_of(raw: Any) -> str:
    return "".join(ch for ch in str(raw or "") if ch.isdigit())


def _region_of(phone: str) -> str:
    """ISO country of a phone number (the BSUID prefix); ID when unknown."""
    try:
        import phonenumbers

        region = phonenumbers.region_code_for_number(phonenumbers.parse("+" + phone))
    except Exception:  # not a parseable number: the simulator's home country
        return "ID"
    return region if region and region.isalpha() and region != "ZZ" else "ID"


def now_ts() -> str:
    return str(int(time.time()))


class Rejected(Exception):
    """A message Meta refuses synchronously."""

    def __init__(self, code: int, details: str):
        super().__init__(details)
        self.code = code
        self.details = details


class Simulator:
    """All the state of one simulated WhatsApp Business Account and its phone number."""

    def __init__(self, config: dict[str, Any]):
        self.start_config = copy.deepcopy(config)
        self.config = copy.deepcopy(config)
        # A per-process nonce keeps wamids unique across restarts: our side dedupes inbound by wamid.
        self.nonce = os.urandom(5).hex()
        self.counter = 0
        self.generation = 0
        self.http: httpx.AsyncClient | None = None
        self.semaphore: asyncio.Semaphore | None = None
        self.tasks: set[asyncio.Task] = set()
        self.pending_scheduled = False
        self.reset(config=True)

    # --- state --------------------------------------------------------------------------------------------
    def reset(self, *, config: bool = False) -> None:
        """Forget messages, users, windows and counters; pending timers of the old state are ignored."""
        self.generation += 1
        if config:
            self.config = copy.deepcopy(self.start_config)
        self.messages: list[dict[str, Any]] = []
        self.by_wamid: dict[str, dict[str, Any]] = {}
        self.by_callback: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.by_to: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.users: dict[str, dict[str, Any]] = {}
        self.bsuids: dict[str, str] = {}
        self.inbound_by_wamid: dict[str, dict[str, Any]] = {}
        self.seq = 0
        self.request_no = 0
        self.buckets: dict[str, tuple[float, float]] = {}
        self.pairs: dict[str, deque] = defaultdict(deque)
        self.media: dict[str, dict[str, Any]] = {}
        self.load_templates()
        self.webhook_log: deque = deque(maxlen=500)
        self.stats: dict[str, Any] = {
            "requests": 0,
            "received": 0,
            "accepted": 0,
            "rejected": defaultdict(int),
            "read_marks": 0,
            "inbound": 0,
            "faults": defaultdict(int),
            "webhooks": {"sent": 0, "failed": 0, "retried": 0, "dropped": 0, "skipped": 0, "duplicated": 0},
            "media": {"uploaded": 0, "fetched": 0, "fetch_failed": 0},
        }

    def new_id(self, prefix: str = "wamid.") -> str:
        self.counter += 1
        raw = f"{self.nonce}{self.counter:012d}".encode()
        return prefix + "HBgN" + base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def new_numeric_id(self) -> str:
        self.counter += 1
        return f"{int(self.nonce[:6], 16) % 1000:03d}{self.counter:012d}"

    def user(
        self,
        key: str,
        *,
        wa_id: str | None = None,
        user_id: str | None = None,
        name: str | None = None,
        username: str | None = None,
    ) -> dict[str, Any]:
        """The simulated WhatsApp user behind a chat (keyed by phone digits, or by BSUID without a phone).

        Every user has a BSUID, as on Meta since April 2026: given, or derived from the phone number."""
        u = self.users.get(key)
        if u is None:
            u = self.users[key] = {
                "key": key,
                "wa_id": wa_id,
                "user_id": None,
                "name": name,
                "username": None,
                "last_inbound": None,
                "inbound": [],
                "version": 0,
                "last_activity": time.time(),
            }
        if wa_id and not u["wa_id"]:
            u["wa_id"] = wa_id
        user_id = user_id or u["user_id"] or self.bsuid_for(u["wa_id"] or key)
        if u["user_id"] != user_id:
            u["user_id"] = user_id
            self.bsuids[user_id] = key
        if name:
            u["name"] = name
        if username:
            u["username"] = username
        return u

    def bsuid_for(self, phone: str) -> str:
        """A stable business-scoped user id for a phone number: country code, a dot, 20 digits (Meta's format)."""
        digest = hashlib.sha256(f"{self.config['waba_id']}:{phone}".encode()).hexdigest()
        return f"{_region_of(phone)}.{int(digest[:16], 16):020d}"

    def touch(self, key: str) -> None:
        u = self.users.get(key)
        if u is not None:
            u["version"] += 1
            u["last_activity"] = time.time()

    def window_open(self, u: dict[str, Any] | None) -> bool:
        if not u or u["last_inbound"] is None:
            return False
        return time.time() - u["last_inbound"] < self.config["window_hours"] * 3600

    # --- infrastructure -------------------------------------------------------------------------------------
    def ensure_runtime(self) -> None:
        if self.http is None:
            self.http = httpx.AsyncClient(
                timeout=httpx.Timeout(10.0, connect=3.0),
                limits=httpx.Limits(max_connections=64, max_keepalive_connections=64),
            )
        if self.semaphore is None:
            self.semaphore = asyncio.Semaphore(self.config["webhook_concurrency"])
        if not self.pending_scheduled:
            # Templates saved while still under review (a restart in between) are reviewed now.
            self.pending_scheduled = True
            for item in self.templates:
                if item["status"] == "PENDING":
                    self.approve_later(item)

    def spawn(self, coro) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def rng_for_request(self) -> random.Random:
        """A generator per request number: the same seed and the same request order give the same faults,
        however many draws each request makes."""
        self.request_no += 1
        return random.Random(self.config["seed"] * 1_000_003 + self.request_no)

    # --- webhooks ---------------------------------------------------------------------------------------------
    def envelope(self, value: dict[str, Any], field: str = "messages") -> dict[str, Any]:
        if field == "messages":
            value = {
                "messaging_product": "whatsapp",
                "metadata": {
                    "display_phone_number": self.config["display_phone_number"],
                    "phone_number_id": self.config["phone_number_id"],
                },
                **value,
            }
        entry: dict[str, Any] = {"id": self.config["waba_id"]}
        if field != "messages":  # Meta stamps account-level notifications (templates, account) with `time`
            entry["time"] = int(time.time())
        entry["changes"] = [{"field": field, "value": value}]
        return {"object": "whatsapp_business_account", "entry": [entry]}

    def sign(self, body: bytes) -> str:
        return "sha256=" + hmac.new(self.config["app_secret"].encode(), body, hashlib.sha256).hexdigest()

    def send_webhook(
        self, payload: dict[str, Any], kind: str, *, duplicate: bool = False, first_result: asyncio.Future | None = None
    ) -> None:
        if not self.config["webhook_url"] and not self.config["faults"]["webhook_delay_ms"]:
            # Nowhere to deliver: count it and skip the encoding (keeps the send path fast in benchmarks).
            self.stats["webhooks"]["skipped"] += 1 + duplicate
            _resolve(first_result, None)
            return
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        self.spawn(self._deliver(body, kind, 1, self.generation, first_result))
        if duplicate:
            self.stats["webhooks"]["duplicated"] += 1
            self.spawn(self._deliver(body, kind, 1, self.generation, None))

    async def _deliver(
        self, body: bytes, kind: str, attempt: int, generation: int, first_result: asyncio.Future | None
    ) -> None:
        """One delivery attempt; a refused or failed one is tried again later with exponential backoff."""
        self.ensure_runtime()
        delay = self.config["faults"]["webhook_delay_ms"]
        if delay:
            await asyncio.sleep(delay / 1000)
        if generation != self.generation:
            _resolve(first_result, None)
            return
        url = self.config["webhook_url"]
        if not url:
            self.stats["webhooks"]["skipped"] += 1
            _resolve(first_result, None)
            return
        status: int | None = None
        error = None
        if self.config["faults"]["webhook_down"]:
            error = "webhook endpoint down (injected)"
        else:
            assert self.semaphore is not None and self.http is not None
            async with self.semaphore:
                try:
                    response = await self.http.post(
                        url,
                        content=body,
                        headers={
                            "Content-Type": "application/json",
                            "X-Hub-Signature-256": self.sign(body),
                            "User-Agent": "facebookexternalua",
                        },
                    )
                    status = response.status_code
                except httpx.HTTPError as exc:
                    error = f"{type(exc).__name__}: {exc}"
        _resolve(first_result, status)
        ok = status is not None and 200 <= status < 300
        self.webhook_log.append(
            {"kind": kind, "attempt": attempt, "status": status, "error": error, "at": time.time(), "bytes": len(body)}
        )
        if ok:
            self.stats["webhooks"]["sent"] += 1
            return
        self.stats["webhooks"]["failed"] += 1
        retry = self.config["webhook_retry"]
        if attempt >= retry["max_attempts"]:
            self.stats["webhooks"]["dropped"] += 1
            log.warning("webhook %s dropped after %d attempts (%s)", kind, attempt, error or f"HTTP {status}")
            return
        self.stats["webhooks"]["retried"] += 1
        wait_ms = min(retry["max_ms"], retry["base_ms"] * 2 ** (attempt - 1))
        loop = asyncio.get_running_loop()
        loop.call_later(wait_ms / 1000, lambda: self.spawn(self._deliver(body, kind, attempt + 1, generation, None)))

    # --- statuses ----------------------------------------------------------------------------------------------
    def schedule_statuses(self, msg: dict[str, Any], rng: random.Random, failed: dict[str, Any] | None) -> None:
        """Plan sent → delivered → read (or failed) for an accepted message, with the injected faults."""
        cfg, faults = self.config, self.config["faults"]
        skip, reorder = rng.random() < faults["skip_delivered"], rng.random() < faults["reorder_statuses"]
        dups = [rng.random() < faults["duplicate_webhook"] for _ in range(3)]
        d = cfg["delays_ms"]
        if failed:
            events = [(d["sent"], "failed")]
        else:
            t_sent = d["sent"]
            t_delivered = t_sent + d["delivered"]
            events = [(t_sent, "sent"), (t_delivered, "delivered")]
            if cfg["auto_read"]:
                events.append((t_delivered + d["read"], "read"))
            if skip:
                events = [e for e in events if e[1] != "delivered"]
                msg["faults"].append("skip_delivered")
            if reorder and len(events) >= 2:
                # The last status overtakes the one before it (read before delivered, or read before sent).
                (ta, sa), (tb, sb) = events[-2], events[-1]
                events[-2:] = [(ta, sb), (tb + 1, sa)]
                msg["faults"].append("reorder_statuses")
        loop = asyncio.get_running_loop()
        generation = self.generation
        for (delay, status), dup in zip(events, dups):
            if dup:
                msg["faults"].append(f"duplicate_{status}")
            loop.call_later(delay / 1000, self.fire_status, generation, msg, status, dup, failed)

    def fire_status(
        self,
        generation: int,
        msg: dict[str, Any],
        status: str,
        duplicate: bool = False,
        failed: dict[str, Any] | None = None,
    ) -> None:
        if generation != self.generation or any(s["status"] == status for s in msg["statuses"]):
            return
        ts = now_ts()
        entry: dict[str, Any] = {"status": status, "timestamp": ts}
        webhook: dict[str, Any] = {"id": msg["wamid"], "status": status, "timestamp": ts}
        if msg["to"]:
            webhook["recipient_id"] = msg["to"]
        # Meta (2026 BSUID change): sent/delivered/read carry the BSUID and a `contacts` entry; a failed status
        # has no `contacts`, and its `recipient_user_id` only when the message was addressed to the BSUID.
        if msg["user_id"] and (not failed or msg["to_bsuid"]):
            webhook["recipient_user_id"] = msg["user_id"]
        if msg["biz_opaque_callback_data"] is not None:
            webhook["biz_opaque_callback_data"] = msg["biz_opaque_callback_data"]
        if failed:
            errors = [failed]
            entry["errors"] = errors
            webhook["errors"] = errors
        else:
            webhook["pricing"] = msg["pricing"]
        msg["statuses"].append(entry)
        if STATUS_RANK[status] > STATUS_RANK[msg["status"]]:
            msg["status"] = status
        self.touch(msg["chat"])
        value: dict[str, Any] = {"statuses": [webhook]}
        u = self.users.get(msg["chat"])
        if not failed and u is not None:
            value = {"contacts": [self.contact_of(u, profile=False, username=status != "sent")], **value}
        self.send_webhook(self.envelope(value), f"status:{status}", duplicate=duplicate)

    def mark_chat_read(self, key: str) -> int:
        """The taxpayer opened the chat: everything delivered to them turns blue (when not read already)."""
        count = 0
        for msg in self.by_to.get(key, []):
            if msg["status"] in ("failed", "read") or not msg["statuses"]:
                continue
            if not any(s["status"] == "delivered" for s in msg["statuses"]):
                self.fire_status(self.generation, msg, "delivered")
            self.fire_status(self.generation, msg, "read")
            count += 1
        return count

    # --- sending --------------------------------------------------------------------------------------------
    def take_token(self, key: str) -> bool:
        mps = self.config["per_number_mps"]
        if mps is None:
            return True
        now = time.monotonic()
        capacity = max(1.0, float(mps))
        tokens, last = self.buckets.get(key, (capacity, now))
        tokens = min(capacity, tokens + (now - last) * mps)
        if tokens < 1:
            self.buckets[key] = (tokens, now)
            return False
        self.buckets[key] = (tokens - 1, now)
        return True

    def pair_allows(self, key: str) -> bool:
        limit = self.config["pair_limit"]
        if limit is None:
            return True
        now = time.monotonic()
        times = self.pairs[key]
        while times and now - times[0] >= limit["seconds"]:
            times.popleft()
        if len(times) >= limit["count"]:
            return False
        times.append(now)
        return True

    def find_template(self, name: str, language: str) -> dict[str, Any] | None:
        for item in self.templates:
            if item["name"] == name and item["language"] == language:
                return item
        return None

    def build_view(self, payload: dict[str, Any]) -> tuple[dict[str, Any], str]:
        """What the phone shows for a message, and its pricing category; raises Rejected for bad payloads."""
        kind = payload.get("type", "text")
        if kind == "text":
            text = payload.get("text")
            if not isinstance(text, dict) or not isinstance(text.get("body"), str) or not text["body"].strip():
                raise Rejected(131008, "text.body is required.")
            if len(text["body"]) > 4096:
                raise Rejected(131009, "text.body is longer than 4096 characters.")
            return {"kind": "text", "body": text["body"]}, "service"
        if kind == "template":
            send = payload.get("template")
            if not isinstance(send, dict) or not isinstance(send.get("name"), str):
                raise Rejected(131008, "template.name is required.")
            language = send.get("language")
            code = language.get("code") if isinstance(language, dict) else None
            if not isinstance(code, str):
                raise Rejected(131008, "template.language.code is required.")
            found = self.find_template(send["name"], code)
            if found is None or found["status"] in ("PENDING", "REJECTED"):
                raise Rejected(132001, f"template name ({send['name']}) does not exist in {code}")
            if found["status"] == "PAUSED":
                raise Rejected(132015, f"template {send['name']} is paused because of low quality.")
            if found["status"] == "DISABLED":
                raise Rejected(132016, f"template {send['name']} has been disabled.")
            try:
                view = tpl.check_and_render(found, send)
            except tpl.SendError as exc:
                raise Rejected(exc.code, exc.details) from None
            return view, found["category"].lower()
        if kind == "interactive":
            return self._interactive_view(payload.get("interactive")), "service"
        if kind == "document":
            doc = payload.get("document")
            if not isinstance(doc, dict) or not (doc.get("link") or doc.get("id")):
                raise Rejected(131008, "document.link or document.id is required.")
            if doc.get("id") and str(doc["id"]) not in self.media:
                raise Rejected(100, f"document.id {doc['id']} is not a media id of this phone number.")
            return {
                "kind": "document",
                "header": {
                    "type": "document",
                    "link": doc.get("link"),
                    "id": doc.get("id"),
                    "filename": doc.get("filename") or "dokumen.pdf",
                },
                "body": doc.get("caption") or "",
            }, "service"
        raise Rejected(100, f"type {kind!r} is not supported by the simulator (text, template, interactive, document).")

    def _interactive_view(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict) or data.get("type") not in ("button", "list"):
            raise Rejected(131008, "interactive.type must be 'button' or 'list'.")
        body = data.get("body")
        if not isinstance(body, dict) or not str(body.get("text", "")).strip():
            raise Rejected(131008, "interactive.body.text is required.")
        action = data.get("action")
        if not isinstance(action, dict):
            raise Rejected(131008, "interactive.action is required.")
        header = data.get("header")
        view: dict[str, Any] = {
            "kind": "interactive",
            "body": body["text"],
            "header": {"type": "text", "text": header.get("text", "")}
            if isinstance(header, dict) and header.get("type") == "text"
            else None,
            "footer": (data.get("footer") or {}).get("text") if isinstance(data.get("footer"), dict) else None,
        }
        if data["type"] == "button":
            buttons = action.get("buttons")
            if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
                raise Rejected(131009, "interactive buttons: 1 to 3 buttons.")
            view["reply_buttons"] = []
            for b in buttons:
                reply = b.get("reply") if isinstance(b, dict) else None
                if not isinstance(reply, dict) or not reply.get("id") or not reply.get("title"):
                    raise Rejected(131008, "each button needs reply.id and reply.title.")
                if len(reply["title"]) > 20:
                    raise Rejected(131009, f"button title {reply['title']!r} is longer than 20 characters.")
                view["reply_buttons"].append({"id": str(reply["id"]), "title": reply["title"]})
        else:
            sections = action.get("sections")
            if not isinstance(action.get("button"), str) or not action["button"].strip():
                raise Rejected(131008, "interactive list: action.button is required.")
            if not isinstance(sections, list) or not 1 <= len(sections) <= 10:
                raise Rejected(131009, "interactive list: 1 to 10 sections.")
            rows_total = 0
            view["list"] = {"button": action["button"], "sections": []}
            for section in sections:
                rows = section.get("rows") if isinstance(section, dict) else None
                if not isinstance(rows, list) or not rows:
                    raise Rejected(131008, "each list section needs rows.")
                rows_total += len(rows)
                out_rows = []
                for row in rows:
                    if not isinstance(row, dict) or not row.get("id") or not row.get("title"):
                        raise Rejected(131008, "each list row needs id and title.")
                    if len(row["title"]) > 24:
                        raise Rejected(131009, f"row title {row['title']!r} is longer than 24 characters.")
                    out_rows.append(
                        {"id": str(row["id"]), "title": row["title"], "description": row.get("description", "")}
                    )
                view["list"]["sections"].append({"title": section.get("title", ""), "rows": out_rows})
            if rows_total > 10:
                raise Rejected(131009, "interactive list: at most 10 rows in all sections.")
        return view

    def process_send(self, phone_number_id: str, payload: dict[str, Any], rng: random.Random) -> Reply:
        """Meta's synchronous checks, then acceptance; no awaits in here so the state stays consistent."""
        raw_to = payload.get("to")
        recipient = payload.get("recipient")
        user_id = None
        if isinstance(recipient, str) and BSUID.match(recipient):
            user_id = recipient
            key = self.bsuids.get(recipient, recipient)
            to = self.users[key]["wa_id"] if key in self.users else None
        elif isinstance(raw_to, str) and BSUID.match(raw_to):
            user_id = raw_to
            key = self.bsuids.get(raw_to, raw_to)
            to = self.users[key]["wa_id"] if key in self.users else None
        else:
            to = digits_of(raw_to)
            if not 8 <= len(to) <= 15:
                raise Rejected(
                    100,
                    "to must be a phone number in international format (E.164 digits) or a business-scoped user id.",
                )
            key = to
        view, category = self.build_view(payload)
        if not self.take_token(phone_number_id):
            raise Rejected(
                130429,
                f"Message failed to send because there were more than "
                f"{self.config['per_number_mps']} messages per second from this phone number.",
            )
        if not self.pair_allows(key):
            raise Rejected(
                131056,
                "Message failed to send because there were too many messages sent from this "
                "phone number to the same phone number in a short period of time.",
            )
        existing = self.users.get(key)
        if payload.get("type", "text") != "template" and not self.window_open(existing):
            raise Rejected(
                131047,
                "Message failed to send because more than 24 hours have passed since the "
                "customer last replied to this number.",
            )
        undeliverable = bool(to) and to in self.config["non_whatsapp_numbers"]
        if undeliverable and self.config["non_whatsapp_mode"] == "sync":
            raise Rejected(131026, "Message Undeliverable.")
        u = self.user(key, wa_id=to or None, user_id=user_id)
        self.seq += 1
        wamid = self.new_id()
        callback = payload.get("biz_opaque_callback_data")
        callback = str(callback) if callback is not None else None
        msg = {
            "seq": self.seq,
            "wamid": wamid,
            "to": to,
            "user_id": u["user_id"],
            "to_bsuid": user_id is not None,
            "chat": key,
            "type": payload.get("type", "text"),
            "body": payload,
            "biz_opaque_callback_data": callback,
            "received_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "at": time.time(),
            "statuses": [],
            "status": "accepted",
            "view": view,
            "faults": [],
            "media_error": None,
            "pricing": {
                "billable": category != "service" or self.config["service_billable"],
                "pricing_model": "PMP",
                "type": "regular",
                "category": category,
            },
        }
        self.messages.append(msg)
        self.by_wamid[wamid] = msg
        self.by_to[key].append(msg)
        if callback is not None:
            self.by_callback[callback].append(msg)
        self.stats["accepted"] += 1
        self.touch(key)
        failed = None
        if undeliverable:
            failed = {
                "code": 131026,
                "title": "Message undeliverable",
                "message": "Message undeliverable",
                "error_data": {"details": "Message Undeliverable."},
                "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
            }
        header = view.get("header")
        if header and header.get("type") == "document" and header.get("link") and not failed:
            # Meta fetches a linked document before it delivers the message: the statuses follow the fetch.
            self.spawn(self.fetch_media(msg, header, rng))
        else:
            self.schedule_statuses(msg, rng, failed)
            if header and header.get("type") == "document" and header.get("id"):
                header["media_id"] = str(header["id"])
        if log.isEnabledFor(logging.DEBUG):
            log.debug("accepted %s to %s as %s", msg["type"], mask_text(to or "-"), wamid)
        contact: dict[str, Any] = {"input": raw_to if raw_to is not None else recipient}
        if to:
            contact["wa_id"] = to
        if u["user_id"]:
            contact["user_id"] = u["user_id"]
        return reply_json(
            {
                "messaging_product": "whatsapp",
                "contacts": [contact],
                "messages": [{"id": wamid, "message_status": "accepted"}],
            }
        )

    async def fetch_media(self, msg: dict[str, Any], header: dict[str, Any], rng: random.Random | None = None) -> None:
        """Meta downloads a document `link` itself; so do we, so the phone page can open the PDF. A document
        that cannot be fetched fails the message (status `failed`, 131053), as on Meta."""
        self.ensure_runtime()
        assert self.http is not None
        link = header["link"]
        try:
            response = await self.http.get(link, follow_redirects=True)
            if response.status_code != 200:
                raise ValueError(f"HTTP {response.status_code}")
            content = response.content
            if len(content) > self.config["media_max_bytes"]:
                raise ValueError(f"file larger than {self.config['media_max_bytes']} bytes")
        except (httpx.HTTPError, ValueError) as exc:
            msg["media_error"] = f"{type(exc).__name__}: {exc}" if isinstance(exc, httpx.HTTPError) else str(exc)
            self.stats["media"]["fetch_failed"] += 1
            log.warning("could not fetch the document of %s: %s", msg["wamid"], msg["media_error"])
            if rng is not None:
                self.schedule_statuses(
                    msg,
                    rng,
                    {
                        "code": 131053,
                        "title": "Media upload error",
                        "message": "Media upload error",
                        "error_data": {"details": f"Unable to download the media from the link: {msg['media_error']}"},
                        "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
                    },
                )
        else:
            media_id = self.new_numeric_id()
            mime = response.headers.get("content-type", "application/pdf").split(";")[0]
            self.media[media_id] = {
                "content": content,
                "mime_type": mime,
                "filename": header["filename"],
                "sha256": hashlib.sha256(content).hexdigest(),
            }
            header["media_id"] = media_id
            self.stats["media"]["fetched"] += 1
            if rng is not None:
                self.schedule_statuses(msg, rng, None)
        self.touch(msg["chat"])

    # --- inbound (the taxpayer writes) -------------------------------------------------------------------------
    async def inbound(self, data: dict[str, Any]) -> Reply:
        """The taxpayer writes: one inbound message of any kind, delivered as Meta's signed webhook."""
        if not isinstance(data, dict):
            return reply_json({"error": "the body must be a JSON object"}, 400)
        wa_id = digits_of(data.get("from"))
        user_id = data.get("user_id")
        if user_id is not None and (not isinstance(user_id, str) or not BSUID.match(user_id)):
            return reply_json({"error": "user_id must be a business-scoped user id such as ID.1234567890"}, 400)
        if not wa_id and not user_id:
            return reply_json({"error": "from (phone digits) or user_id is required"}, 400)
        if wa_id and not 8 <= len(wa_id) <= 15:
            return reply_json({"error": "from must be 8 to 15 digits in international format"}, 400)
        username = data.get("username")
        if username is not None and (not isinstance(username, str) or not username.strip()):
            return reply_json({"error": "username must be a non-empty string"}, 400)
        try:
            kind, content, text = self._inbound_content(data)
        except ValueError as exc:
            return reply_json({"error": str(exc)}, 400)
        key = wa_id or self.bsuids.get(user_id, user_id)
        u = self.user(key, wa_id=wa_id or None, user_id=user_id, name=data.get("name"), username=username)
        wamid = self.new_id()
        # Meta: `from` is the phone number when it may be shared, `from_user_id` the BSUID on every message
        # (a username user without a shareable phone has no `from` at all).
        message: dict[str, Any] = {}
        if u["wa_id"]:
            message["from"] = u["wa_id"]
        message.update({"from_user_id": u["user_id"], "id": wamid, "timestamp": now_ts(), "type": kind, kind: content})
        context_id = data.get("context_id")
        if not context_id and kind in ("button", "interactive"):
            # A tap always answers a message: Meta names it in `context` (the last one this chat received).
            sent = self.by_to.get(key) or []
            context_id = sent[-1]["wamid"] if sent else self.new_id()
        if context_id:
            message["context"] = {"from": self.config["display_phone_number"], "id": str(context_id)}
        shown: dict[str, Any] = {
            "dir": "in",
            "wamid": wamid,
            "at": time.time(),
            "context_id": context_id,
            "kind": kind,
            "text": text,
        }
        u["last_inbound"] = time.time()
        u["inbound"].append(shown)
        self.inbound_by_wamid[wamid] = shown
        self.touch(key)
        self.stats["inbound"] += 1
        rng = self.rng_for_request()
        duplicate = rng.random() < self.config["faults"]["duplicate_webhook"]
        result: asyncio.Future = asyncio.get_running_loop().create_future()
        self.send_webhook(
            self.envelope({"contacts": [self.contact_of(u, profile=True)], "messages": [message]}),
            "inbound",
            duplicate=duplicate,
            first_result=result,
        )
        log.info("inbound %s from %s", kind, mask_text(u["wa_id"] or "-"))
        status = await result
        shown["webhook_status"] = status
        return reply_json({"wamid": wamid, "webhook_status": status})

    def _inbound_content(self, data: dict[str, Any]) -> tuple[str, dict[str, Any], str]:
        """(type, the type's object as Meta sends it, what the phone page shows) for a control-API inbound."""
        if "button" in data:
            button = data["button"]
            if not isinstance(button, dict) or not button.get("payload") or not button.get("text"):
                raise ValueError("button needs payload and text")
            return "button", {"payload": str(button["payload"]), "text": str(button["text"])}, str(button["text"])
        if "interactive" in data:
            inter = data["interactive"]
            if (
                not isinstance(inter, dict)
                or inter.get("type") not in ("button_reply", "list_reply")
                or not inter.get("id")
                or not inter.get("title")
            ):
                raise ValueError("interactive needs type (button_reply | list_reply), id and title")
            reply = {"id": str(inter["id"]), "title": str(inter["title"])}
            if inter["type"] == "list_reply" and inter.get("description"):
                reply["description"] = str(inter["description"])
            return "interactive", {"type": inter["type"], inter["type"]: reply}, reply["title"]
        for kind in MEDIA_KINDS:
            if kind in data:
                return kind, self._inbound_media(kind, data[kind]), f"[{kind}]"
        if "location" in data:
            loc = data["location"]
            if not isinstance(loc, dict) or not all(
                isinstance(loc.get(k), (int, float)) and not isinstance(loc.get(k), bool)
                for k in ("latitude", "longitude")
            ):
                raise ValueError("location needs numeric latitude and longitude")
            out = {"latitude": loc["latitude"], "longitude": loc["longitude"]}
            out.update({k: str(loc[k]) for k in ("name", "address", "url") if loc.get(k)})
            return "location", out, out.get("name") or f"{out['latitude']},{out['longitude']}"
        if "reaction" in data:
            reaction = data["reaction"]
            if (
                not isinstance(reaction, dict)
                or not reaction.get("message_id")
                or not isinstance(reaction.get("emoji", ""), str)
            ):
                raise ValueError("reaction needs message_id (and emoji; empty removes it)")
            return (
                "reaction",
                {"message_id": str(reaction["message_id"]), "emoji": reaction.get("emoji", "")},
                reaction.get("emoji", ""),
            )
        text = data.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ValueError(
                "text (non-empty) is required, or button, interactive, location, reaction or media ("
                + ", ".join(MEDIA_KINDS)
                + ")"
            )
        return "text", {"body": text}, text

    def _inbound_media(self, kind: str, spec: Any) -> dict[str, Any]:
        """Store the file the taxpayer sent, so `GET /{media_id}` and its download work as on Meta."""
        if not isinstance(spec, dict):
            raise ValueError(f"{kind} must be an object (caption, filename, mime_type, content_base64)")
        try:
            content = base64.b64decode(spec.get("content_base64") or "", validate=True)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{kind}.content_base64 is not base64") from exc
        content = content or f"simulated {kind}".encode()
        mime = str(spec.get("mime_type") or MEDIA_DEFAULT_MIME[kind])
        filename = str(spec.get("filename") or "") or None
        media_id = self.new_numeric_id()
        sha = hashlib.sha256(content).hexdigest()
        self.media[media_id] = {"content": content, "mime_type": mime, "filename": filename, "sha256": sha}
        out: dict[str, Any] = {"mime_type": mime, "sha256": sha, "id": media_id}
        if spec.get("caption") and kind in ("image", "video", "document"):
            out["caption"] = str(spec["caption"])
        if kind == "document":
            out["filename"] = filename or f"{media_id}.pdf"
        if kind == "audio":
            out["voice"] = bool(spec.get("voice"))
        if kind == "sticker":
            out["animated"] = bool(spec.get("animated"))
        return out

    def contact_of(self, u: dict[str, Any], *, profile: bool, username: bool = True) -> dict[str, Any]:
        """A `contacts[]` entry as Meta sends it since the 2026 BSUID change: `user_id` always, `wa_id` only when
        the phone number may be shared, `profile.username` only for a user who adopted a username."""
        contact: dict[str, Any] = {}
        shown: dict[str, Any] = {}
        if profile:
            shown["name"] = u["name"] or ""
        if username and u.get("username"):
            shown["username"] = u["username"]
        if shown:
            contact["profile"] = shown
        if u["wa_id"]:
            contact["wa_id"] = u["wa_id"]
        contact["user_id"] = u["user_id"]
        return contact

    async def system_change(self, data: Any) -> Reply:
        """The taxpayer changed their number: Meta's `system` message (`user_changed_number`, no contacts)."""
        if not isinstance(data, dict):
            return reply_json({"error": "the body must be a JSON object"}, 400)
        old, new = digits_of(data.get("from")), digits_of(data.get("new_wa_id"))
        if not (8 <= len(old) <= 15 and 8 <= len(new) <= 15) or old == new:
            return reply_json({"error": "from and new_wa_id must be two different numbers of 8 to 15 digits"}, 400)
        u = self.user(old, wa_id=old)
        body = f"User {u['name'] or old} changed from {old} to {new}"
        wamid = self.new_id()
        message = {
            "from": old,
            "id": wamid,
            "timestamp": now_ts(),
            "type": "system",
            "system": {"body": body, "wa_id": new, "type": "user_changed_number"},
        }
        result: asyncio.Future = asyncio.get_running_loop().create_future()
        self.send_webhook(self.envelope({"messages": [message]}), "system", first_result=result)
        return reply_json({"wamid": wamid, "webhook_status": await result})

    # --- templates ------------------------------------------------------------------------------------------
    def load_templates(self) -> None:
        """The templates as last saved (`templates_file`), with any seed template the file lacks added as
        APPROVED; only the seed when there is no file. A reset keeps what the file holds: Meta does not forget
        an account's templates."""
        self.templates: list[dict[str, Any]] = []
        self.template_seq = 0
        saved = tpl.load_saved(self.config.get("templates_file"))
        for item in saved:
            self.templates.append(item)
            self.template_seq = max(self.template_seq, int(item["id"]) - 7_000_000_000_000)
        for item in tpl.load_seed():
            if not self.find_template(item["name"], item["language"]):
                self._add_template(item, status="APPROVED", save=False)
        self.save_templates()

    def save_templates(self) -> None:
        tpl.save(self.config.get("templates_file"), self.templates)

    def _add_template(self, data: dict[str, Any], status: str, *, save: bool = True) -> dict[str, Any]:
        self.template_seq += 1
        item = {"id": f"{7_000_000_000_000 + self.template_seq}", "status": status, **data}
        item.setdefault("parameter_format", "POSITIONAL")
        item["category"] = item.get("category", "UTILITY").upper()
        self.templates.append(item)
        if save:
            self.save_templates()
        return item

    def approve_later(self, item: dict[str, Any]) -> None:
        generation = self.generation

        def approve() -> None:
            if generation != self.generation or item["status"] != "PENDING":
                return
            item["status"] = "APPROVED"
            self.save_templates()
            self.send_webhook(
                self.envelope(
                    {
                        "event": "APPROVED",
                        "message_template_id": int(item["id"]),
                        "message_template_name": item["name"],
                        "message_template_language": item["language"],
                        "message_template_category": item["category"],
                        "reason": "NONE",
                    },
                    field="message_template_status_update",
                ),
                "template_status",
            )

        asyncio.get_running_loop().call_later(self.config["template_approval_ms"] / 1000, approve)

    def find_template_by_id(self, template_id: str) -> dict[str, Any] | None:
        return next((t for t in self.templates if t["id"] == template_id), None)

    def template_event(self, template_id: str, action: str, data: Any) -> Reply:
        """Meta's template notifications on request: a status change (PAUSED, DISABLED, ...), a quality score
        change, or a category change (impending or completed), each applied and sent as its webhook."""
        item = self.find_template_by_id(template_id)
        if item is None:
            return reply_json({"error": f"unknown template id {template_id}"}, 404)
        if not isinstance(data, dict):
            return reply_json({"error": "the body must be a JSON object"}, 400)
        head = {
            "message_template_id": int(item["id"]),
            "message_template_name": item["name"],
            "message_template_language": item["language"],
        }
        if action == "status":
            event = str(data.get("event", "")).upper()
            if event not in TEMPLATE_EVENTS:
                return reply_json({"error": f"event must be one of {', '.join(TEMPLATE_EVENTS)}"}, 400)
            item["status"] = TEMPLATE_EVENTS[event]
            item["rejected_reason"] = str(data.get("reason") or "NONE")
            value = {
                "event": event,
                **head,
                "message_template_category": item["category"],
                "reason": str(data.get("reason") or "NONE"),
            }
            field = "message_template_status_update"
        elif action == "quality":
            score = str(data.get("new_quality_score", "")).upper()
            if score not in ("GREEN", "YELLOW", "RED", "UNKNOWN"):
                return reply_json({"error": "new_quality_score must be GREEN, YELLOW, RED or UNKNOWN"}, 400)
            previous = item.get("quality_score", {}).get("score", "UNKNOWN")
            item["quality_score"] = {"score": score, "date": int(time.time())}
            value = {"previous_quality_score": previous, "new_quality_score": score, **head}
            field = "message_template_quality_update"
        elif action == "category":
            new = str(data.get("new_category", "")).upper()
            if new not in ("MARKETING", "UTILITY", "AUTHENTICATION"):
                return reply_json({"error": "new_category must be MARKETING, UTILITY or AUTHENTICATION"}, 400)
            if data.get("impending"):  # announced 24 hours ahead: nothing changes yet
                value = {**head, "correct_category": new, "new_category": item["category"]}
            else:
                value = {**head, "previous_category": item["category"], "new_category": new}
                item["category"] = new
            field = "template_category_update"
        else:
            return reply_json({"error": f"unknown template action {action}"}, 404)
        self.save_templates()
        self.send_webhook(self.envelope(value, field=field), field)
        return reply_json({"template": item, "webhook": value})

    # --- HTTP routing ---------------------------------------------------------------------------------------------
    async def handle(self, method: str, path: str, query: str, headers: dict[str, str], body: bytes) -> Reply:
        self.ensure_runtime()
        self.stats["requests"] += 1
        if path.startswith("/_sim/"):
            return await self.control(method, path[len("/_sim/") :], parse_qs(query), headers, body)
        if path == "/" or path.startswith("/phone"):
            return await self.phone(method, path, parse_qs(query), body)
        match = GRAPH_PATH.match(path)
        if not match:
            return meta_error(100, "Unknown path", f"Unknown path components: {path}", 404)
        auth = headers.get("authorization", "")
        token = auth[7:] if auth.lower().startswith("bearer ") else ""
        if not hmac.compare_digest(token.encode(), self.config["access_token"].encode()):
            self.stats["rejected"]["190"] += 1
            return meta_error(
                190,
                "Error validating access token: The access token is invalid or has expired.",
                "Invalid OAuth access token.",
                401,
                subcode=463,
            )
        version, rest = match.groups()
        parts = rest.strip("/").split("/")
        if len(parts) == 2 and parts[1] in ("messages", "marketing_messages") and method == "POST":
            return await self.graph_send(parts[0], body)
        if len(parts) == 2 and parts[1] == "media" and method == "POST":
            return self.graph_upload(parts[0], headers, body)
        if len(parts) == 2 and parts[1] == "message_templates" and method in ("GET", "POST"):
            if parts[0] != self.config["waba_id"]:
                return _unknown_object(parts[0])
            if method == "GET":
                return self.graph_list_templates(version, parts[0], parse_qs(query))
            return self.graph_create_template(body)
        if len(parts) == 1 and parts[0] in self.media:
            if method == "GET":
                item = self.media[parts[0]]
                return reply_json(
                    {
                        "messaging_product": "whatsapp",
                        "id": parts[0],
                        "mime_type": item["mime_type"],
                        "sha256": item["sha256"],
                        "file_size": len(item["content"]),
                        "url": f"{_base_url(headers)}/_sim/media/{parts[0]}",
                    }
                )
            if method == "DELETE":
                del self.media[parts[0]]
                return reply_json({"success": True})
        if len(parts) == 1 and method == "GET" and parts[0] == self.config["phone_number_id"]:
            return self.graph_phone_number(parse_qs(query))
        if len(parts) == 1 and method == "GET" and self.find_template_by_id(parts[0]) is not None:
            item = self.find_template_by_id(parts[0])
            assert item is not None
            return reply_json(_only_fields(item, _fields_of(parse_qs(query))))
        if len(parts) == 1 and method == "POST" and self.find_template_by_id(parts[0]) is not None:
            return self.graph_edit_template(parts[0], body)
        return _unknown_object(parts[0])

    def graph_edit_template(self, template_id: str, body: bytes) -> Reply:
        """Meta's template edit: new components (and category) go back to review, then approved after
        `template_approval_ms` like a new template."""
        item = self.find_template_by_id(template_id)
        assert item is not None
        try:
            data = json.loads(body or b"{}")
            if not isinstance(data, dict):
                raise ValueError("The request body must be a JSON object.")
            clean = tpl.validate_new_template(
                {
                    **{k: item[k] for k in ("name", "language", "category", "parameter_format")},
                    **data,
                    "components": data.get("components", item["components"]),
                }
            )
        except ValueError as exc:
            return meta_error(100, "Invalid parameter", str(exc) or "The request body is not JSON.")
        item.update(category=clean["category"], components=clean["components"], status="PENDING")
        item.pop("rejected_reason", None)
        self.save_templates()
        self.approve_later(item)
        return reply_json({"success": True})

    def graph_phone_number(self, query: dict[str, list[str]]) -> Reply:
        """GET /{phone_number_id}: Meta's default fields, or exactly the `fields` asked for (and `id`)."""
        known = {
            "id": self.config["phone_number_id"],
            "display_phone_number": self.config["display_phone_number"],
            "verified_name": "KPP Pratama Kupang",
            "code_verification_status": "VERIFIED",
            "quality_rating": "GREEN",
            "platform_type": "CLOUD_API",
            "throughput": {"level": "STANDARD"},
            "name_status": "APPROVED",
            "status": "CONNECTED",
            "is_official_business_account": False,
            "messaging_limit_tier": "TIER_1K",
            "account_mode": "LIVE",
        }
        fields = _fields_of(query)
        if not fields:
            return reply_json({k: known[k] for k in PHONE_DEFAULT_FIELDS})
        unknown = [f for f in fields if f not in known]
        if unknown:
            return meta_error(
                100,
                "Invalid parameter",
                f"Tried accessing nonexisting field ({unknown[0]}) on node type (WhatsAppBusinessPhoneNumber)",
            )
        return reply_json({"id": known["id"], **{f: known[f] for f in fields}})

    async def graph_send(self, phone_number_id: str, body: bytes) -> Reply:
        self.stats["received"] += 1
        if phone_number_id != self.config["phone_number_id"]:
            self.stats["rejected"]["100"] += 1
            return _unknown_object(phone_number_id)
        try:
            payload = json.loads(body)
            if not isinstance(payload, dict):
                raise ValueError
        except ValueError:
            self.stats["rejected"]["100"] += 1
            return meta_error(100, "Invalid parameter", "The request body is not a JSON object.")
        if payload.get("messaging_product") != "whatsapp":
            self.stats["rejected"]["100"] += 1
            return meta_error(100, "Invalid parameter", "messaging_product must be 'whatsapp'.")
        if payload.get("status") == "read":
            return self.mark_as_read(payload)
        rng = self.rng_for_request()
        faults = self.config["faults"]
        draw = rng.random()
        if draw < faults["http_500"]:
            self.stats["faults"]["http_500"] += 1
            return meta_error(131000, "Something went wrong", "Internal server error (injected).", 500, transient=True)
        if draw < faults["http_500"] + faults["http_429"]:
            self.stats["faults"]["http_429"] += 1
            return meta_error(
                80007,
                "Rate limit issues",
                "The WhatsApp Business Account has reached its rate limit (injected).",
                429,
                transient=True,
            )
        if draw < faults["http_500"] + faults["http_429"] + faults["timeout"]:
            self.stats["faults"]["timeout"] += 1
            accept = rng.random() < faults["timeout_accept"]
            result = self._send_checked(phone_number_id, payload, rng) if accept else None
            if accept:
                self.stats["faults"]["timeout_accepted"] += 1
            await asyncio.sleep(faults["timeout_seconds"])
            if result is not None:
                return result
            return meta_error(
                2, "Service temporarily unavailable", "The request timed out (injected).", 503, transient=True
            )
        return self._send_checked(phone_number_id, payload, rng)

    def _send_checked(self, phone_number_id: str, payload: dict[str, Any], rng: random.Random) -> Reply:
        try:
            return self.process_send(phone_number_id, payload, rng)
        except Rejected as exc:
            self.stats["rejected"][str(exc.code)] += 1
            log.info(
                "rejected a %s message to %s: %s",
                payload.get("type", "text"),
                mask_text(digits_of(payload.get("to")) or "-"),
                exc.code,
            )
            return meta_error(exc.code, ERROR_TITLES.get(exc.code, "Error"), exc.details)

    def mark_as_read(self, payload: dict[str, Any]) -> Reply:
        shown = self.inbound_by_wamid.get(str(payload.get("message_id")))
        if shown is None:
            self.stats["rejected"]["100"] += 1
            return meta_error(
                100,
                "Invalid parameter",
                f"message_id {payload.get('message_id')} is not an inbound message of this phone number.",
            )
        shown["read"] = True
        if isinstance(payload.get("typing_indicator"), dict):
            shown["typing_at"] = time.time()
        self.stats["read_marks"] += 1
        for key, u in self.users.items():
            if shown in u["inbound"]:
                self.touch(key)
                break
        return reply_json({"success": True})

    def graph_upload(self, phone_number_id: str, headers: dict[str, str], body: bytes) -> Reply:
        if phone_number_id != self.config["phone_number_id"]:
            return _unknown_object(phone_number_id)
        try:
            fields, files = parse_multipart(headers.get("content-type", ""), body)
        except ValueError as exc:
            return meta_error(100, "Invalid parameter", str(exc))
        if fields.get("messaging_product") != "whatsapp":
            return meta_error(100, "Invalid parameter", "messaging_product must be 'whatsapp'.")
        if "file" not in files:
            return meta_error(131008, ERROR_TITLES[131008], "file is required.")
        filename, content_type, content = files["file"]
        if len(content) > self.config["media_max_bytes"]:
            return meta_error(131053, "Media upload error", "The file is too large.")
        media_id = self.new_numeric_id()
        self.media[media_id] = {
            "content": content,
            "mime_type": fields.get("type") or content_type,
            "filename": filename,
            "sha256": hashlib.sha256(content).hexdigest(),
        }
        self.stats["media"]["uploaded"] += 1
        return reply_json({"id": media_id})

    def graph_list_templates(self, version: str, waba_id: str, query: dict[str, list[str]]) -> Reply:
        items = self.templates
        for field in ("name", "status", "language", "category"):
            if field in query:
                wanted = query[field][0]
                items = [t for t in items if str(t.get(field, "")).lower() == wanted.lower()]
        try:
            limit = max(1, min(1000, int(query.get("limit", ["25"])[0])))
            after = _decode_cursor(query["after"][0]) if "after" in query else None
            before = _decode_cursor(query["before"][0]) if "before" in query else None
        except ValueError:
            return meta_error(100, "Invalid parameter", "limit must be a number and cursors must come from paging.")
        page, start, end = tpl.paginate(items, limit, after, before)
        fields = _fields_of(query)
        if fields:
            page = [_only_fields(t, fields) for t in page]
        paging: dict[str, Any] = {"cursors": {"before": _encode_cursor(start), "after": _encode_cursor(end)}}
        base = {k: v[0] for k, v in query.items() if k not in ("after", "before")}
        if end < len(items):
            paging["next"] = f"/{version}/{waba_id}/message_templates?" + urlencode(
                {**base, "after": _encode_cursor(end)}
            )
        if start > 0:
            paging["previous"] = f"/{version}/{waba_id}/message_templates?" + urlencode(
                {**base, "before": _encode_cursor(start)}
            )
        out: dict[str, Any] = {"data": page, "paging": paging}
        summary = self.templates_summary(items, query)
        if summary:
            out["summary"] = summary
        return reply_json(out)

    def templates_summary(self, items: list[dict[str, Any]], query: dict[str, list[str]]) -> dict[str, Any]:
        """`summary=` on the template list: the aggregate fields asked for (`true` means total_count)."""
        asked = [f.strip() for f in ",".join(query.get("summary", [])).split(",") if f.strip()]
        if asked in (["true"], ["1"]):
            asked = ["total_count"]
        names = {t["name"] for t in self.templates}
        known = {
            "total_count": len(items),
            "message_template_count": len(names),
            "message_template_limit": TEMPLATE_LIMIT,
            "are_translations_complete": all(t["status"] != "PENDING" for t in self.templates),
        }
        return {f: known[f] for f in asked if f in known}

    def graph_create_template(self, body: bytes) -> Reply:
        try:
            data = tpl.validate_new_template(json.loads(body))
        except ValueError as exc:  # TemplateInvalid and JSON errors
            return meta_error(100, "Invalid parameter", str(exc) or "The request body is not JSON.")
        if self.find_template(data["name"], data["language"]):
            return meta_error(
                100,
                "Invalid parameter",
                f"Content in this language already exists for {data['name']} ({data['language']}).",
                subcode=2388024,
            )
        item = self._add_template(data, status="PENDING")
        self.approve_later(item)
        return reply_json({"id": item["id"], "status": "PENDING", "category": item["category"]})

    # --- control API -----------------------------------------------------------------------------------------
    async def control(
        self, method: str, path: str, query: dict[str, list[str]], headers: dict[str, str], body: bytes
    ) -> Reply:
        data: Any = None
        if method == "POST":
            try:
                data = json.loads(body) if body.strip() else {}
            except ValueError:
                return reply_json({"error": "the body must be JSON"}, 400)
        if path == "health" and method == "GET":
            return reply_json({"ok": True})
        if path == "config" and method in ("GET", "POST"):
            if method == "POST":
                old_concurrency = self.config["webhook_concurrency"]
                try:
                    self.config = merge_config(self.config, data)
                except ConfigError as exc:
                    return reply_json({"error": str(exc)}, 400)
                if self.config["webhook_concurrency"] != old_concurrency:
                    self.semaphore = asyncio.Semaphore(self.config["webhook_concurrency"])
                if isinstance(data, dict) and "per_number_mps" in data:
                    self.buckets.clear()
            return reply_json(self.config)
        if path == "reset" and method == "POST":
            self.reset(config=bool(isinstance(data, dict) and data.get("config")))
            self.semaphore = asyncio.Semaphore(self.config["webhook_concurrency"])
            return reply_json({"ok": True, "config": self.config})
        if path == "messages" and method == "GET":
            return reply_json({"messages": [public_message(m) for m in self.filter_messages(query)]})
        if path.startswith("messages/by-callback/") and method == "GET":
            from urllib.parse import unquote

            found = self.by_callback.get(unquote(path[len("messages/by-callback/") :]), [])
            if not found:
                return reply_json({"messages": []}, 404)
            return reply_json({"messages": [public_message(m) for m in found]})
        if path.startswith("messages/") and method == "GET":
            msg = self.by_wamid.get(path[len("messages/") :])
            return reply_json(public_message(msg)) if msg else reply_json({"error": "unknown wamid"}, 404)
        if path == "inbound" and method == "POST":
            return await self.inbound(data)
        if path == "stats" and method == "GET":
            return reply_json(self.public_stats())
        if path == "templates" and method == "GET":
            return reply_json({"data": self.templates})
        if path == "templates" and method == "POST":
            return self.seed_templates(data)
        template_action = re.fullmatch(r"templates/(\d+)/(status|quality|category)", path)
        if template_action and method == "POST":
            return self.template_event(template_action.group(1), template_action.group(2), data)
        if path == "system" and method == "POST":
            return await self.system_change(data)
        if path == "window" and method == "POST":
            return self.set_window(data)
        if path == "webhooks" and method == "GET":
            return reply_json({"webhooks": list(self.webhook_log)})
        if path == "handshake" and method == "POST":
            return await self.handshake(data if isinstance(data, dict) else {})
        if path.startswith("media/") and method == "GET":
            auth = headers.get("authorization", "")
            if not hmac.compare_digest(auth.encode(), f"Bearer {self.config['access_token']}".encode()):
                return meta_error(190, "Error validating access token", "Invalid OAuth access token.", 401)
            return self.media_file(path[len("media/") :])
        return reply_json({"error": f"unknown control endpoint {method} /_sim/{path}"}, 404)

    def filter_messages(self, query: dict[str, list[str]]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self.messages
        if "to" in query:
            items = self.by_to.get(digits_of(query["to"][0]) or query["to"][0], [])
        if "callback" in query:
            items = [m for m in items if m["biz_opaque_callback_data"] == query["callback"][0]]
        if "since" in query:
            since = int(query["since"][0] or 0)
            items = [m for m in items if m["seq"] > since]
        if "limit" in query:
            items = items[: int(query["limit"][0])]
        return items

    def public_stats(self) -> dict[str, Any]:
        out = copy.deepcopy({k: (dict(v) if isinstance(v, defaultdict) else v) for k, v in self.stats.items()})
        out["rejected_total"] = sum(self.stats["rejected"].values())
        out["pending_tasks"] = len(self.tasks)
        out["users"] = len(self.users)
        return out

    def seed_templates(self, data: Any) -> Reply:
        items = (
            data
            if isinstance(data, list)
            else (data.get("data") if isinstance(data, dict) and "data" in data else [data])
        )
        created = []
        for raw in items:
            status = str(raw.get("status", "APPROVED")).upper() if isinstance(raw, dict) else "APPROVED"
            try:
                clean = tpl.validate_new_template(raw)
            except tpl.TemplateInvalid as exc:
                return reply_json({"error": str(exc), "template": raw}, 400)
            old = self.find_template(clean["name"], clean["language"])
            if old:
                self.templates.remove(old)
            created.append(self._add_template(clean, status=status))
        self.save_templates()
        return reply_json({"data": created})

    def set_window(self, data: Any) -> Reply:
        """Test aid: pretend the taxpayer last wrote `ago_seconds` ago (or never: null)."""
        if not isinstance(data, dict) or not digits_of(data.get("to")):
            return reply_json({"error": "to (digits) is required"}, 400)
        key = digits_of(data["to"])
        u = self.user(key, wa_id=key)
        ago = data.get("ago_seconds")
        u["last_inbound"] = None if ago is None else time.time() - float(ago)
        return reply_json({"to": key, "window_open": self.window_open(u)})

    async def handshake(self, data: dict[str, Any]) -> Reply:
        """Meta's GET verification of the callback URL, run against our endpoint on request."""
        url = data.get("webhook_url") or self.config["webhook_url"]
        if not url:
            return reply_json({"error": "no webhook_url configured"}, 400)
        challenge = str(random.randint(10**8, 10**9))
        params = {
            "hub.mode": "subscribe",
            "hub.challenge": challenge,
            "hub.verify_token": data.get("verify_token", self.config["verify_token"]),
        }
        assert self.http is not None
        try:
            response = await self.http.get(url, params=params)
        except httpx.HTTPError as exc:
            return reply_json({"ok": False, "status": None, "error": str(exc)})
        ok = response.status_code == 200 and response.text == challenge
        return reply_json({"ok": ok, "status": response.status_code, "challenge_echoed": response.text == challenge})

    def media_file(self, media_id: str) -> Reply:
        item = self.media.get(media_id)
        if item is None:
            return reply_json({"error": "unknown media id"}, 404)
        name = quote(item["filename"] or f"{media_id}.bin")
        return (
            200,
            [
                (b"content-type", item["mime_type"].encode()),
                (b"content-disposition", f"inline; filename*=UTF-8''{name}".encode()),
            ],
            item["content"],
        )

    # --- the phone page ------------------------------------------------------------------------------------------
    async def phone(self, method: str, path: str, query: dict[str, list[str]], body: bytes) -> Reply:
        if path in ("/", "/phone"):
            return 302, [(b"location", b"/phone/")], b""
        if method == "GET" and (path == "/phone/" or re.fullmatch(r"/phone/[A-Za-z0-9.]+", path)):
            return (
                200,
                [(b"content-type", b"text/html; charset=utf-8"), (b"cache-control", b"no-store")],
                _static("phone.html"),
            )
        if method == "GET" and path.startswith("/phone/static/"):
            name = path[len("/phone/static/") :]
            if name in ("phone.js", "phone.css"):
                ctype = mimetypes.guess_type(name)[0] or "text/plain"
                return 200, [(b"content-type", f"{ctype}; charset=utf-8".encode())], _static(name)
        if method == "GET" and path == "/phone/api/chats":
            return reply_json({"chats": self.chat_list(), "display_phone_number": self.config["display_phone_number"]})
        if method == "GET" and path.startswith("/phone/media/"):
            return self.media_file(path[len("/phone/media/") :])
        chat = re.fullmatch(r"/phone/api/chat/([A-Za-z0-9.]+)(/reply|/read)?", path)
        if chat:
            key = chat.group(1)
            key = digits_of(key) if not BSUID.match(key) else self.bsuids.get(key, key)
            action = chat.group(2)
            if action is None and method == "GET":
                return reply_json(self.chat_view(key, int((query.get("v") or ["-1"])[0] or -1)))
            if action == "/read" and method == "POST":
                if not self.config["auto_read"]:
                    self.mark_chat_read(key)
                return reply_json({"ok": True})
            if action == "/reply" and method == "POST":
                try:
                    data = json.loads(body or b"{}")
                except ValueError:
                    return reply_json({"error": "the body must be JSON"}, 400)
                if not isinstance(data, dict):
                    return reply_json({"error": "the body must be a JSON object"}, 400)
                u = self.users.get(key)
                data = {**data, "from": u["wa_id"] if u and u["wa_id"] else key}
                if u and u["user_id"]:
                    data["user_id"] = u["user_id"]
                if u and u["name"] and "name" not in data:
                    data["name"] = u["name"]
                if not data["from"].isdigit():
                    data.pop("from")
                return await self.inbound(data)
        return reply_json({"error": "not found"}, 404)

    def chat_list(self) -> list[dict[str, Any]]:
        out = []
        for key, u in sorted(self.users.items(), key=lambda kv: -kv[1]["last_activity"]):
            items = self.chat_items(key)
            last = items[-1] if items else None
            out.append(
                {
                    "key": key,
                    "wa_id": u["wa_id"],
                    "user_id": u["user_id"],
                    "name": u["name"],
                    "last_text": _summary(last) if last else "",
                    "last_at": last["at"] if last else None,
                    "unread": sum(1 for m in self.by_to.get(key, []) if m["status"] in ("sent", "delivered")),
                }
            )
        return out

    def chat_items(self, key: str) -> list[dict[str, Any]]:
        out = [
            {
                "dir": "out",
                "seq": m["seq"],
                "wamid": m["wamid"],
                "at": m["at"],
                "view": m["view"],
                "status": m["status"],
                "media_error": m["media_error"],
                "error": (m["statuses"][-1].get("errors") or [{}])[0].get("title") if m["status"] == "failed" else None,
            }
            for m in self.by_to.get(key, [])
        ]
        u = self.users.get(key)
        if u:
            out.extend({**i, "read": bool(i.get("read"))} for i in u["inbound"])
        out.sort(key=lambda item: item["at"])
        return out

    def chat_view(self, key: str, version: int) -> dict[str, Any]:
        u = self.users.get(key)
        current = u["version"] if u else 0
        head = {
            "key": key,
            "version": current,
            "name": u["name"] if u else None,
            "wa_id": u["wa_id"] if u else (key if key.isdigit() else None),
            "window_open": self.window_open(u),
            "auto_read": self.config["auto_read"],
        }
        if version == current:
            return head
        return {**head, "items": self.chat_items(key)}


def _summary(item: dict[str, Any]) -> str:
    if item["dir"] == "in":
        return item.get("text", "")
    view = item["view"]
    text = view.get("body") or (view.get("header") or {}).get("filename") or ""
    return text.split("\n")[0][:80]


def _resolve(future: asyncio.Future | None, value: Any) -> None:
    if future is not None and not future.done():
        future.set_result(value)


def _unknown_object(object_id: str) -> Reply:
    return meta_error(
        100,
        "Unsupported post request",
        f"Object with ID '{object_id}' does not exist, cannot be "
        "loaded due to missing permissions, or does not support this "
        "operation.",
        subcode=33,
    )


def _fields_of(query: dict[str, list[str]]) -> list[str]:
    return [f.strip() for f in ",".join(query.get("fields", [])).split(",") if f.strip()]


def _only_fields(item: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """A Graph node with only the requested fields (and always its `id`), in Meta's way."""
    if not fields:
        return item
    return {k: v for k, v in item.items() if k in fields or k == "id"}


def _encode_cursor(index: int) -> str:
    return base64.urlsafe_b64encode(f"i:{index}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not raw.startswith("i:"):
            raise ValueError
        return int(raw[2:])
    except Exception as exc:
        raise ValueError("bad cursor") from exc


def _base_url(headers: dict[str, str]) -> str:
    return f"http://{headers.get('host', '127.0.0.1')}"


_STATIC_CACHE: dict[str, bytes] = {}


def _static(name: str) -> bytes:
    if name not in _STATIC_CACHE:
        _STATIC_CACHE[name] = (STATIC_DIR / name).read_bytes()
    return _STATIC_CACHE[name]


def public_message(msg: dict[str, Any]) -> dict[str, Any]:
    """A message as the control API shows it (the contract's shape, plus the status and injected faults)."""
    return {
        "seq": msg["seq"],
        "wamid": msg["wamid"],
        "to": msg["to"],
        "user_id": msg["user_id"],
        "type": msg["type"],
        "body": msg["body"],
        "biz_opaque_callback_data": msg["biz_opaque_callback_data"],
        "received_at": msg["received_at"],
        "statuses": msg["statuses"],
        "status": msg["status"],
        "faults": msg["faults"],
        "media_error": msg["media_error"],
        "view": msg["view"],
    }


def parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, tuple[str, str, bytes]]]:
    """A small multipart/form-data reader for media uploads (fields, and files as (name, type, bytes))."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if not content_type.startswith("multipart/form-data") or not match:
        raise ValueError("media uploads must be multipart/form-data")
    boundary = b"--" + match.group(1).encode()
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, str, bytes]] = {}
    for part in body.split(boundary)[1:]:
        if part.startswith(b"--"):
            break
        part = part[2:] if part.startswith(b"\r\n") else part
        head, _, content = part.partition(b"\r\n\r\n")
        content = content[:-2] if content.endswith(b"\r\n") else content
        header_text = head.decode("utf-8", "replace")
        name = re.search(r'name="([^"]*)"', header_text)
        if not name:
            continue
        filename = re.search(r'filename="([^"]*)"', header_text)
        ctype = re.search(r"(?i)content-type:\s*([^\r\n]+)", header_text)
        if filename:
            files[name.group(1)] = (
                filename.group(1),
                ctype.group(1).strip() if ctype else "application/octet-stream",
                content,
            )
        else:
            fields[name.group(1)] = content.decode("utf-8", "replace")
    return fields, files


# --- the ASGI app ------------------------------------------------------------------------------------------------
def _config_from_env() -> dict[str, Any]:
    raw = os.environ.get("TRIPLEC_SIMULATOR_CONFIG")
    return merge_config(DEFAULT_CONFIG, json.loads(raw)) if raw else copy.deepcopy(DEFAULT_CONFIG)


SIM = Simulator(_config_from_env())


async def app(scope: dict[str, Any], receive, send) -> None:
    """The ASGI entry point: read the whole body, route, answer. No framework: the send path must be fast."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if SIM.http is not None:
                    await SIM.http.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    chunks = []
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            status, headers, out = reply_json({"error": "request body too large"}, 413)
            break
        chunks.append(chunk)
        more = message.get("more_body", False)
    else:
        headers_in = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            status, headers, out = await SIM.handle(
                scope["method"],
                scope["path"],
                scope.get("query_string", b"").decode("latin-1"),
                headers_in,
                b"".join(chunks),
            )
        except Exception:  # one bad request must never take the simulator down
            log.exception("unhandled error in %s %s", scope["method"], scope["path"])
            status, headers, out = meta_error(1, "An unknown error occurred", "Simulator error (see its log).", 500)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*headers, (b"content-length", str(len(out)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": out})
