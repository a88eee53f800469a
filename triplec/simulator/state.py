"""All the state of one simulated WhatsApp Business Account and its phone number, in memory.

Everything runs on one asyncio loop in one process: handlers never await between reading and writing state, so no
locks are needed. The other modules are functions over this object; it only keeps the state consistent (ids,
users, the template store, counters) and the shared HTTP client.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import hashlib
import os
import re
import time
from collections import defaultdict, deque
from typing import Any

import httpx
import phonenumbers

from triplec.simulator import chats
from triplec.simulator import templates as tpl

# A business-scoped user id (BSUID): country code, a dot, then letters and digits (e.g. ID.12345678901234567890).
BSUID = re.compile(r"^[A-Z]{2}\.[A-Za-z0-9]{1,128}$")


def digits_of(raw: Any) -> str:
    return "".join(ch for ch in str(raw or "") if ch.isdigit())


def now_ts() -> str:
    return str(int(time.time()))


def _region_of(phone: str) -> str:
    """ISO country of a phone number (the BSUID prefix); ID when unknown."""
    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse("+" + phone))
    except Exception:  # not a parseable number: the simulator's home country
        return "ID"
    return region if region and region.isalpha() and region != "ZZ" else "ID"


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
        self.chats_save_planned = False
        self.reset(config=True)
        self.load_chats()

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

    # --- ids -------------------------------------------------------------------------------------------------
    def new_id(self, prefix: str = "wamid.") -> str:
        self.counter += 1
        raw = f"{self.nonce}{self.counter:012d}".encode()
        return prefix + "HBgN" + base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def new_numeric_id(self) -> str:
        self.counter += 1
        return f"{int(self.nonce[:6], 16) % 1000:03d}{self.counter:012d}"

    # --- users -----------------------------------------------------------------------------------------------
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
        """Something changed in this chat: the phone page's next poll fetches it again, and the chats file is
        written a moment later."""
        u = self.users.get(key)
        if u is not None:
            u["version"] += 1
            u["last_activity"] = time.time()
        self.plan_chats_save()

    # --- chats kept across restarts ----------------------------------------------------------------------------
    def load_chats(self) -> None:
        """The users and the business's messages as last saved (`chats_file`), indexed as when they happened."""
        saved = chats.load(self.config.get("chats_file"))
        for u in saved["users"]:
            self.users[u["key"]] = u
            if u.get("user_id"):
                self.bsuids[u["user_id"]] = u["key"]
            for shown in u.get("inbound", []):
                self.inbound_by_wamid[shown["wamid"]] = shown
        for msg in saved["messages"]:
            self.messages.append(msg)
            self.by_wamid[msg["wamid"]] = msg
            self.by_to[msg["chat"]].append(msg)
            if msg.get("biz_opaque_callback_data") is not None:
                self.by_callback[msg["biz_opaque_callback_data"]].append(msg)
            self.seq = max(self.seq, msg.get("seq", 0))

    def plan_chats_save(self) -> None:
        """Write the chats file about a second from now (one write for a burst of changes)."""
        if not self.config.get("chats_file") or self.chats_save_planned:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # outside the server's loop: at once
            self.save_chats()
            return
        self.chats_save_planned = True
        loop.call_later(1.0, self.save_chats)

    def save_chats(self) -> None:
        self.chats_save_planned = False
        chats.save(self.config.get("chats_file"), list(self.users.values()), self.messages)

    def window_open(self, u: dict[str, Any] | None) -> bool:
        if not u or u["last_inbound"] is None:
            return False
        return time.time() - u["last_inbound"] < self.config["window_hours"] * 3600

    # --- templates -------------------------------------------------------------------------------------------
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

    def find_template(self, name: str, language: str) -> dict[str, Any] | None:
        for item in self.templates:
            if item["name"] == name and item["language"] == language:
                return item
        return None

    def find_template_by_id(self, template_id: str) -> dict[str, Any] | None:
        return next((t for t in self.templates if t["id"] == template_id), None)

    # --- the loop's resources ----------------------------------------------------------------------------------
    def ensure_runtime(self) -> None:
        """The HTTP client and the webhook semaphore, made on first use inside the server's event loop."""
        if self.http is None:
            self.http = httpx.AsyncClient(
                timeout=httpx.Timeout(10.0, connect=3.0),
                limits=httpx.Limits(max_connections=64, max_keepalive_connections=64),
            )
        if self.semaphore is None:
            self.semaphore = asyncio.Semaphore(self.config["webhook_concurrency"])

    def spawn(self, coro) -> None:
        """Run a coroutine in the background, keeping a reference so it is not collected half-way."""
        task = asyncio.get_running_loop().create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
