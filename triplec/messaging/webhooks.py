"""Webhook intake and processing. The POST only checks the signature and stores the raw body (one INSERT, unique
by hash) before answering 200; a processing loop applies it right after, each event in a savepoint: a failure
leaves the event pending for `triplec process_webhooks` (and the dispatcher's housekeeping) and loses nothing."""

import datetime as dt
import hashlib
import hmac
import json
import contextlib
import logging
import threading
import time
import uuid
from collections import deque
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from triplec.taxpayers.models import Contact, ContactStatus
from triplec.taxpayers.services import contact_set_status

from .models import FORWARD_FROM, Channel, InboundMessage, MessageStatus, OutboundMessage, State, WebhookEvent
from .providers.base import ERRORS, ProviderError
from .registry import template_category_webhook, template_status_webhook
from .services import peer_for
from .signals import inbound_message_received, message_status_changed

log = logging.getLogger(__name__)


def signature_valid(body: bytes, header: str | None, secrets: list[str]) -> bool:
    """X-Hub-Signature-256 = "sha256=" + hex HMAC-SHA256 of the raw body, compared in constant time."""
    if not header or len(header) != 71 or not header.startswith("sha256="):
        return False
    ok = False
    for secret in secrets:
        digest = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        ok |= hmac.compare_digest(digest, header)
    return ok


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_store(*, body: bytes) -> int | None:
    """The fast path of the POST: ONE insert of the verified raw body into the inbox, nothing else.

    Returns the new event's id, or None when we already hold this exact body (Meta's retry). Once this returns,
    the payload is committed and safe: processing happens after the 200, in a processing loop, and a failure
    there leaves the event pending to be retried (see `process_events`).

    Raw SQL because this is the hottest statement of the product: the ORM's save compiled it anew for every POST
    (two thirds of the request's time in the app). ON CONFLICT ... RETURNING (SQLite >= 3.35, PostgreSQL) makes
    a duplicate a no-op without an exception or a savepoint."""
    digest = hashlib.sha256(body).hexdigest()
    text = body.decode("utf-8", errors="replace")
    received_at = connection.ops.adapt_datetimefield_value(timezone.now())
    with _write_lock(), connection.cursor() as cursor:
        cursor.execute(_STORE_SQL, [digest, text, received_at])
        row = cursor.fetchone()
    return row[0] if row else None


_STORE_SQL = (f"INSERT INTO {WebhookEvent._meta.db_table} (body_hash, body, received_at, attempts, error) "
              "VALUES (%s, %s, %s, 0, '') ON CONFLICT (body_hash) DO NOTHING RETURNING id")


def webhook_receive(*, body: bytes) -> tuple[int | None, bool]:
    """Store a verified body, then process it at once, in this thread. Returns (event id, duplicate).

    The Django view's path (see views.webhook); the fast path in `messaging.wsgi` stores only. The row is
    committed before processing starts (unless the caller holds a transaction), so a failure loses nothing."""
    pk = webhook_store(body=body)
    if pk is None:
        return None, True
    process_events([pk])
    return pk, False


def _process_body(text: str) -> str:
    """Process in a savepoint; returns "" on success, else the error (the caller keeps the payload)."""
    try:
        with transaction.atomic():
            process_payload(json.loads(text))
    except Exception as exc:  # anything at all: the payload is kept and retried later
        log.exception("webhook processing failed; payload kept for reprocessing")
        return repr(exc)[:2000] or "error"
    return ""


# SQLite has one writer at a time. Threads of one web process queue here, in memory, instead of in SQLite's busy
# handler, which sleeps and retries: measured under granian with 8 concurrent clients, that turned ~30 webhooks/s
# with a p99 of seconds into the figures in docs/whatsapp-channel.md. PostgreSQL needs no such lock.
_sqlite_lock = threading.Lock()


def _write_lock():
    return _sqlite_lock if connection.vendor == "sqlite" else contextlib.nullcontext()


def process_events(ids: list[int]) -> int:
    """Process these inbox events (those still pending) in one transaction, each in its own savepoint; mark them
    with one UPDATE for the successes and one per failure. Returns how many succeeded.

    Idempotent: two processors that pick up the same event (a retry loop and the web process, say) apply it
    twice with no further effect, because every write below is unique-keyed or forward-only."""
    events = list(WebhookEvent.objects.filter(pk__in=ids, processed_at__isnull=True).only("pk", "body", "attempts")
                  .order_by("pk"))
    if not events:
        return 0
    done: list[int] = []
    burst, statuses, rest = _status_bursts(events)  # parsed before taking the write lock: intake waits on it
    with _write_lock(), transaction.atomic():
        failed: list[tuple[int, str]] = []
        if _apply_burst(statuses):
            done += [event.pk for event in burst]
            events = rest
        for event in events:
            error = _process_body(event.body)
            if error:
                failed.append((event.pk, error))
            else:
                done.append(event.pk)
        now = timezone.now()
        if done:
            WebhookEvent.objects.filter(pk__in=done).update(attempts=F("attempts") + 1, error="", processed_at=now)
        for pk, error in failed:
            WebhookEvent.objects.filter(pk=pk).update(attempts=F("attempts") + 1, error=error)
    return len(done)


def _status_bursts(events: list[WebhookEvent]) -> tuple[list[WebhookEvent], list[dict], list[WebhookEvent]]:
    """(events that carry nothing but statuses, their statuses, the other events)."""
    burst, statuses, rest = [], [], []
    for event in events:
        try:
            payload = json.loads(event.body)
        except ValueError:
            rest.append(event)
            continue
        changes = [change for entry in payload.get("entry") or [] for change in entry.get("changes") or []] \
            if payload.get("object") == "whatsapp_business_account" else []
        values = [change.get("value") or {} for change in changes]
        if changes and all(c.get("field") == "messages" and not v.get("messages") and not v.get("errors")
                           for c, v in zip(changes, values)):
            burst.append(event)
            statuses += [status for value in values for status in value.get("statuses") or []]
        else:
            rest.append(event)
    return burst, statuses, rest


def _apply_burst(statuses: list[dict]) -> bool:
    """Apply the statuses of the status-only events together, in one savepoint. False if there were none or the
    batch failed: then its events go back to one savepoint each, so a bad event cannot hold the others back."""
    if not statuses:
        return False
    try:
        with transaction.atomic():
            _apply_statuses(statuses)
    except Exception:
        log.exception("status batch failed; applying its events one by one")
        return False
    return True


def process_pending(*, limit: int = 500, max_attempts: int = 20, min_age: float = 0.0, batch: int = 50,
                    retry_failed: bool = True) -> int:
    """Process stored events that are still pending: never tried (older than `min_age` seconds, so as not to race
    the web process that just stored them) and, with `retry_failed`, those whose processing failed. Returns how
    many succeeded."""
    qs = WebhookEvent.objects.filter(processed_at__isnull=True, attempts__lt=max_attempts)
    if min_age:
        qs = qs.filter(received_at__lt=timezone.now() - dt.timedelta(seconds=min_age))
    if not retry_failed:
        qs = qs.filter(attempts=0)
    ids = list(qs.order_by("id").values_list("pk", flat=True)[:limit])
    return sum(process_events(ids[i:i + batch]) for i in range(0, len(ids), batch))


class WebhookProcessor:
    """The processing loop of one process. The web process hands it the id of every event it stores (`submit`)
    and it wakes at once; `triplec process_webhooks --loop` runs it as a poller of the inbox instead.

    Events stay pending until processed: if this process dies, or processing raises, the poller (and the
    dispatcher's housekeeping) picks them up again."""

    def __init__(self, *, batch: int = 200, linger: float = 0.1):
        self.batch, self.linger = batch, linger
        self.queue: deque[int] = deque()
        self.wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self.processed = 0

    def submit(self, pk: int) -> None:
        self.queue.append(pk)
        if self._thread is None or not self._thread.is_alive():
            with self._start_lock:
                if self._thread is None or not self._thread.is_alive():
                    self._thread = threading.Thread(target=self._run, name="webhook-processor", daemon=True)
                    self._thread.start()
        self.wake.set()

    def _run(self) -> None:
        from django.db import connections

        while True:
            if not self.wake.wait(1.0) and not self.queue:
                # Idle for a second: give the connection back (a test database must be droppable, a server may
                # close it). Not after every batch: reconnecting costs more than processing a status.
                connections.close_all()
                continue
            self.wake.clear()
            if len(self.queue) < self.batch:
                # Linger (100 ms) so that a stream of POSTs is applied in batches: one event per transaction
                # spent more on the transaction than on the status, on the cores the intake needs.
                time.sleep(self.linger)
            while self.queue:
                ids = [self.queue.popleft() for _ in range(min(self.batch, len(self.queue)))]
                try:
                    self.processed += process_events(ids)
                except Exception:  # the database went away, say: the events stay pending for the poller
                    log.exception("webhook processing of %d events failed; left pending", len(ids))
                    connections.close_all()

    def poll(self, *, interval: float = 0.05, min_age: float = 0.0, stop: threading.Event | None = None,
             retry_every: float = 5.0) -> None:
        """Poll the inbox every `interval` seconds until `stop` is set. New events are taken as soon as they are
        `min_age` old; failed ones are retried every `retry_every` seconds."""
        from django.db import close_old_connections

        stop = stop or threading.Event()
        last_retry = 0.0
        while not stop.is_set():
            close_old_connections()
            retry = time.monotonic() - last_retry >= retry_every
            if retry:
                last_retry = time.monotonic()
            try:
                done = process_pending(min_age=min_age, retry_failed=retry, batch=self.batch)
            except Exception:
                log.exception("webhook poll failed")
                done = 0
            self.processed += done
            if not done:
                stop.wait(interval)


processor = WebhookProcessor()


# --- payload processing -------------------------------------------------------------------------------------
def _channel_id(*, phone_number_id: str = "", waba_id: str = "") -> int | None:
    # Not cached: an indexed lookup is cheap, and a cache would outlive a channel deleted or re-created.
    q = Q(phone_number_id=phone_number_id) if phone_number_id else Q(waba_id=waba_id)
    return Channel.objects.filter(q).values_list("pk", flat=True).first()


def process_payload(payload: dict) -> None:
    """Every entry, every change, every message, status and error of one webhook body."""
    if payload.get("object") != "whatsapp_business_account":
        log.warning("webhook for object %r ignored", payload.get("object"))
        return
    for entry in payload.get("entry") or []:
        for change in entry.get("changes") or []:
            field, value = change.get("field"), change.get("value") or {}
            if field == "messages":
                _process_messages_change(value)
            elif field in ("message_template_status_update", "template_category_update"):
                cid = _channel_id(waba_id=str(entry.get("id", "")))
                channel = Channel.objects.filter(pk=cid).first() if cid else None
                if field == "message_template_status_update":
                    template_status_webhook(channel=channel, value=value)
                else:
                    template_category_webhook(channel=channel, value=value)
            else:
                log.info("webhook field %r not handled", field)


def _process_messages_change(value: dict) -> None:
    metadata = value.get("metadata") or {}
    messages = value.get("messages") or []
    if messages:  # statuses find their message by wamid: only inbound messages need the channel
        channel_id = _channel_id(phone_number_id=str(metadata.get("phone_number_id", "")))
        if channel_id is None:
            raise LookupError(f"no channel for phone_number_id {metadata.get('phone_number_id')!r}")
        profiles = {}
        for contact in value.get("contacts") or []:
            profiles[contact.get("wa_id") or contact.get("user_id") or ""] = contact
        for message in messages:
            _inbound(channel_id, message, profiles)
    _apply_statuses(value.get("statuses") or [])
    for error in value.get("errors") or []:
        log.warning("WhatsApp reported error %s: %s (%s)", error.get("code"), error.get("title"),
                    (error.get("error_data") or {}).get("details", ""))


def _timestamp(raw: Any) -> dt.datetime:
    try:
        value = int(str(raw))
    except (TypeError, ValueError):
        return timezone.now()
    if value > 10**11:  # milliseconds, occasionally
        value //= 1000
    return dt.datetime.fromtimestamp(value, dt.UTC)


def _inbound(channel_id: int, message: dict, profiles: dict) -> None:
    wamid = message.get("id")
    if not wamid or InboundMessage.objects.filter(wamid=wamid).exists():
        return
    wa_id = str(message.get("from") or "")
    user_id = str(message.get("from_user_id") or "")
    profile = profiles.get(wa_id) or profiles.get(user_id) or {}
    user_id = user_id or str(profile.get("user_id") or "")
    if "." in wa_id:  # a username user: `from` may carry the BSUID itself
        wa_id, user_id = "", user_id or wa_id
    channel = Channel(pk=channel_id)
    peer = peer_for(channel=channel, wa_id=wa_id, user_id=user_id, name=(profile.get("profile") or {}).get("name", ""))
    kind = message.get("type", "unknown")
    text, reply_id = _text_of(kind, message)
    sent_at = _timestamp(message.get("timestamp"))
    try:
        with transaction.atomic():
            inbound = InboundMessage.objects.create(
                channel_id=channel_id, peer=peer, wamid=wamid, type=kind, text=text, reply_id=reply_id,
                context_wamid=(message.get("context") or {}).get("id", ""), payload=message, sent_at=sent_at)
    except IntegrityError:  # the same message in a concurrent delivery
        return
    if peer.last_inbound_at is None or sent_at > peer.last_inbound_at:
        type(peer).objects.filter(pk=peer.pk).filter(Q(last_inbound_at__isnull=True) | Q(last_inbound_at__lt=sent_at)) \
            .update(last_inbound_at=sent_at)
    if inbound_message_received.has_listeners():
        transaction.on_commit(lambda: _send_robust(inbound_message_received, sender=InboundMessage, message=inbound,
                                                   peer=peer))


def _text_of(kind: str, message: dict) -> tuple[str, str]:
    if kind == "text":
        return (message.get("text") or {}).get("body", ""), ""
    if kind == "button":
        button = message.get("button") or {}
        return button.get("text", ""), button.get("payload", "")
    if kind == "interactive":
        inter = message.get("interactive") or {}
        reply = inter.get(inter.get("type", "")) or {}
        return reply.get("title", ""), reply.get("id", "")
    if kind in ("document", "image", "video", "audio", "voice", "sticker"):
        media = message.get(kind) or {}
        return media.get("caption") or media.get("filename") or "", media.get("id", "")
    if kind == "location":
        loc = message.get("location") or {}
        return f"{loc.get('latitude')},{loc.get('longitude')}", ""
    return "", ""


TIME_FIELD = {State.SENT: "sent_at", State.DELIVERED: "delivered_at", State.READ: "read_at", State.FAILED: "failed_at"}
STATUS_FIELDS = ("pk", "wamid", "callback_id", "state", "channel_id", "to", "recipient", "taxpayer_id")


def _apply_statuses(statuses: list[dict]) -> None:
    """Apply a batch of statuses set-wise: one SELECT of their messages, one INSERT of the status log, and one
    UPDATE per group of messages that move the same way (same status, time, error and pricing).

    Why set-wise: a burst of statuses follows every campaign, and per status the ORM cost ~2.5 ms of CPU (five
    queries compiled one by one) on the same two cores that take the webhooks in. The messages are read locked
    (the write lock on SQLite, FOR UPDATE on PostgreSQL), so which ones move is known before the UPDATEs, and the
    UPDATEs still carry the forward-only guard."""
    parsed = []
    for status in statuses:
        wamid, name = status.get("id", ""), status.get("status", "")
        if name in TIME_FIELD and wamid:
            errors = status.get("errors") or []
            parsed.append((status, wamid, name, _timestamp(status.get("timestamp")), errors[0] if errors else {}))
    if not parsed:
        return
    by_wamid = {m.wamid: m for m in _messages(wamid__in={wamid for _, wamid, *_ in parsed})}
    callbacks = {_callback(status) for status, wamid, *_ in parsed if wamid not in by_wamid} - {None}
    by_callback = {m.callback_id: m for m in _messages(callback_id__in=callbacks)} if callbacks else {}
    rows, waves = [], []
    seen: dict[int, int] = {}  # message pk -> wave of its latest status: a message moves once per wave, in order
    for status, wamid, name, at, error in parsed:
        message = by_wamid.get(wamid) or by_callback.get(_callback(status))
        rows.append(MessageStatus(wamid=wamid, status=name, message_id=message.pk if message else None, timestamp=at,
                                  error_code=error.get("code"), payload=status))
        if message is None:
            log.info("status %s for a message we do not know", name)
            continue
        wave = seen[message.pk] = seen.get(message.pk, -1) + 1
        if wave == len(waves):
            waves.append([])
        waves[wave].append((message, wamid, name, at, error, status.get("pricing") or {}))
    # Unique by (wamid, status): a duplicate is ignored by the database, and everything below is idempotent.
    MessageStatus.objects.bulk_create(rows, ignore_conflicts=True)
    moved: list[tuple[OutboundMessage, str, int | None]] = []  # (message, status, error code)
    for wave in waves:
        groups: dict[tuple, list[int]] = {}
        for message, wamid, name, at, error, pricing in wave:
            if message.state in FORWARD_FROM[name]:
                message.state = name
                moved.append((message, name, error.get("code")))
                key = (name, at, error.get("code"), error.get("title", ""), _pricing(pricing))
                groups.setdefault(key, []).append(message.pk)
                if message.wamid != wamid:  # found by its callback id: the status names its wamid
                    OutboundMessage.objects.filter(pk=message.pk).update(wamid=wamid)
                    message.wamid = wamid
            else:
                _late_status(message.pk, name, at, pricing)
        for (name, at, code, title, pricing), pks in groups.items():
            updates: dict[str, Any] = {"state": name, TIME_FIELD[name]: at, "claimed_by": "", "needs_resolution": False,
                                       **dict(pricing)}
            if name in (State.DELIVERED, State.READ):
                updates["sent_at"] = Coalesce("sent_at", Value(at))
            if name == State.READ:
                updates["delivered_at"] = Coalesce("delivered_at", Value(at))  # read implies delivered
            if name == State.FAILED:
                updates.update(error_code=code, error_reason=ProviderError.from_code(code, title).reason_id[:300])
            OutboundMessage.objects.filter(pk__in=pks, state__in=FORWARD_FROM[name]).update(**updates)
    for message, name, code in moved:
        if name == State.FAILED and code == 131026:
            mark_undeliverable(OutboundMessage.objects.get(pk=message.pk))
    if moved and message_status_changed.has_listeners():
        changes = [(message, name) for message, name, _ in moved]
        transaction.on_commit(lambda: _send_robust(message_status_changed, sender=OutboundMessage, changes=changes))


def _messages(**lookup):
    """The messages the statuses name, locked for the UPDATEs that follow; the other fields stay deferred."""
    qs = OutboundMessage.objects.filter(**lookup).only(*STATUS_FIELDS)
    return qs.select_for_update() if connection.features.has_select_for_update else qs


def _callback(status: dict) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(status.get("biz_opaque_callback_data", "")))
    except ValueError:
        return None


def _pricing(pricing: dict) -> tuple:
    if not pricing:
        return ()
    return (("pricing_category", str(pricing.get("category", ""))[:40]), ("pricing_billable", pricing.get("billable")),
            ("pricing_type", str(pricing.get("type", ""))[:40]))


def _late_status(pk: int, name: str, at: dt.datetime, pricing: dict) -> None:
    """A status that arrives after a later one (read before delivered) still fills in what it knows."""
    if name == State.READ:
        OutboundMessage.objects.filter(pk=pk, delivered_at__isnull=True, state=State.READ).update(delivered_at=at)
    if pricing:
        OutboundMessage.objects.filter(pk=pk, pricing_category="").update(**dict(_pricing(pricing)))


def _send_robust(signal, **kwargs) -> None:
    """A receiver's failure (the bot, the inbox) must not fail the webhook: the payload is already stored."""
    for receiver, result in signal.send_robust(**kwargs):
        if isinstance(result, Exception):
            log.error("receiver %s of %s failed: %r", getattr(receiver, "__qualname__", receiver),
                      kwargs.get("sender").__name__, result, exc_info=result)


def mark_undeliverable(message: OutboundMessage) -> None:
    """131026: the number cannot receive WhatsApp. Every taxpayer registered with it is marked undeliverable."""
    contacts = Contact.objects.filter(status=ContactStatus.ACTIVE)
    if message.to:
        contacts = contacts.filter(Q(phone="+" + message.to) | Q(taxpayer_id=message.taxpayer_id))
    elif message.taxpayer_id:
        contacts = contacts.filter(taxpayer_id=message.taxpayer_id)
    else:
        return
    for contact in contacts.select_related("taxpayer"):
        contact_set_status(contact=contact, status=ContactStatus.UNDELIVERABLE, channel="whatsapp",
                           reason=ERRORS[131026][1])
