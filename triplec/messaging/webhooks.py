"""Webhook intake and processing. The POST only checks the signature and stores the raw body (one INSERT, unique
by hash) before answering 200; a processing loop applies it right after, each event in a savepoint: a failure
leaves the event pending for `triplec process_webhooks` (and the dispatcher's housekeeping) and loses nothing.

Every body is checked against Meta's shape (`schema.parse_webhook`) before any of it is used. One that does not
have it is quarantined with the exact reason: never retried by the loops, never raised out of them; an
administrator sees it in the console and re-processes or discards it (`quarantine_reprocess`,
`quarantine_discard`). An event whose processing keeps failing for another reason (a channel that does not exist,
say) is retried, and quarantined after `MAX_ATTEMPTS`."""

import datetime as dt
import hashlib
import hmac
import logging
import threading
import time
from collections import deque
from collections.abc import Callable

from django.db import IntegrityError, close_old_connections, connection, connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from triplec.core.masking import mask_text
from triplec.core.writelock import write_lock

from .models import Channel, EventState, InboundMessage, QuarantineReason, WebhookEvent
from .registry import template_category_webhook, template_quality_webhook, template_status_webhook
from .schema import Poison, parse_webhook
from .services import peer_for
from .signals import inbound_message_received, send_after_commit
from .statuses import apply_statuses, meta_time, plan_statuses, write_statuses

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 20  # failures of a well-shaped event before it is quarantined (~100 s of the loop's retries)


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
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    state, code, reason, quarantined_at = EventState.PENDING, "", "", None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:  # kept (readably) for the administrator, never processed
        text = body.decode("utf-8", errors="replace")
        state, code, reason, quarantined_at = EventState.QUARANTINED, QuarantineReason.NOT_UTF8, str(exc), now
    if "\x00" in text:  # no text column of PostgreSQL can hold it, and JSON never has it raw
        text = text.replace("\x00", "\ufffd")
        state, code, reason, quarantined_at = (
            EventState.QUARANTINED,
            QuarantineReason.NUL_BYTE,
            "the body holds a NUL byte",
            now,
        )
    with write_lock(), connection.cursor() as cursor:
        cursor.execute(_STORE_SQL, [digest, text, now, state, code, reason, quarantined_at])
        row = cursor.fetchone()
    return row[0] if row else None


_STORE_SQL = (
    f"INSERT INTO {WebhookEvent._meta.db_table} "
    "(body_hash, body, received_at, attempts, error, state, reason_code, reason, quarantined_at) "
    "VALUES (%s, %s, %s, 0, '', %s, %s, %s, %s) ON CONFLICT (body_hash) DO NOTHING RETURNING id"
)


def webhook_receive(*, body: bytes) -> tuple[int | None, bool]:
    """Store a verified body, then process it at once, in this thread. Returns (event id, duplicate).

    The Django view's path (see views.webhook); the fast path in `messaging.wsgi` stores only. The row is
    committed before processing starts (unless the caller holds a transaction), so a failure loses nothing."""
    pk = webhook_store(body=body)
    if pk is None:
        return None, True
    try:
        process_events([pk])
    except Exception:  # stored and committed: the loops retry it, and Meta must not send it again
        log.exception("webhook %s stored but not processed; left pending", pk)
    return pk, False


def _process_body(payload: dict) -> str:
    """Process in a savepoint; returns "" on success, else the error (the caller keeps the payload)."""
    try:
        with transaction.atomic():
            process_payload(payload)
    except Exception as exc:  # anything at all: the payload is kept and retried later
        log.exception("webhook processing failed; payload kept for reprocessing")
        return repr(exc)[:2000] or "error"
    return ""


def _parse(events: list[tuple[int, str]]) -> tuple[list[tuple[int, dict]], list[tuple[int, Poison]]]:
    """(the events with Meta's shape, parsed; the others with why not). Reads nothing, writes nothing."""
    parsed, poisoned = [], []
    for pk, body in events:
        try:
            parsed.append((pk, parse_webhook(body)))
        except Poison as poison:
            poisoned.append((pk, poison))
    return parsed, poisoned


def _quarantine(pk: int, code: str, reason: str) -> None:
    """Put one pending event aside (in the caller's transaction). The reason names no personal data: it is a
    location in the body and what is wrong there."""
    log.warning("webhook %s quarantined: %s: %s", pk, code, reason[:300])
    WebhookEvent.objects.filter(pk=pk, state=EventState.PENDING).update(
        state=EventState.QUARANTINED, reason_code=code, reason=reason, quarantined_at=timezone.now()
    )


def process_events(ids: list[int]) -> int:
    """Process these inbox events (those still pending); mark them with one UPDATE for the successes and one per
    failure. Returns how many succeeded.

    Events that carry nothing but statuses (most of them: a campaign's burst) are applied together, with all the
    reading done before the write lock is taken; the others each in a savepoint of one transaction.

    Idempotent: two processors that pick up the same event (a retry loop and the web process, say) apply it
    twice with no further effect, because every write below is unique-keyed or forward-only."""
    parsed, poisoned = _parse(_pending(ids))
    if poisoned:
        with write_lock(), transaction.atomic():
            for pk, poison in poisoned:
                _quarantine(pk, poison.code, poison.reason)
    burst, statuses, rest = _status_bursts(parsed)
    done: list[int] = []
    if burst:
        try:
            plan = plan_statuses(statuses)
            with write_lock(), transaction.atomic():
                write_statuses(plan)
                _mark_processed(burst)
            done += burst
        except Exception:  # back to one savepoint each, so a bad event cannot hold the others back
            log.exception("status batch failed; applying its events one by one")
            rest = parsed
    if rest:
        with write_lock(), transaction.atomic():
            ok, failed = [], []
            for pk, payload in rest:
                error = _process_body(payload)
                if error:
                    failed.append((pk, error))
                else:
                    ok.append(pk)
            _mark_processed(ok)
            done += ok
            for pk, error in failed:
                WebhookEvent.objects.filter(pk=pk).update(attempts=F("attempts") + 1, error=error)
                if WebhookEvent.objects.filter(pk=pk, attempts__gte=MAX_ATTEMPTS).exists():
                    # The exception's text may quote the body: masked like a log line.
                    _quarantine(
                        pk, QuarantineReason.GAVE_UP, mask_text(f"failed {MAX_ATTEMPTS} times; last error: {error}")
                    )
    return len(done)


# Raw SQL for the two statements every event passes through: the ORM compiled each id of an IN list anew.
_TABLE = WebhookEvent._meta.db_table


def _pending(ids: list[int]) -> list[tuple[int, str]]:
    """(id, body) of those of these events that are still pending, in order."""
    if not ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, body FROM {_TABLE} WHERE id IN ({', '.join(['%s'] * len(ids))}) "
            "AND processed_at IS NULL AND state = %s ORDER BY id",
            [*ids, EventState.PENDING],
        )
        return cursor.fetchall()


def _mark_processed(pks: list[int]) -> None:
    if pks:
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {_TABLE} SET attempts = attempts + 1, error = '', processed_at = %s, state = %s "
                f"WHERE id IN ({', '.join(['%s'] * len(pks))})",
                [connection.ops.adapt_datetimefield_value(timezone.now()), EventState.PROCESSED, *pks],
            )


def _status_bursts(events: list[tuple[int, dict]]) -> tuple[list[int], list[dict], list[tuple[int, dict]]]:
    """(ids of the events that carry nothing but statuses, their statuses, the other events). The payloads have
    Meta's shape (`schema`), so every key read here is there with its type, or absent."""
    burst, statuses, rest = [], [], []
    for pk, payload in events:
        changes = [change for entry in payload["entry"] for change in entry["changes"]]
        values = [change.get("value") or {} for change in changes]
        if changes and all(
            c.get("field") == "messages" and not v.get("messages") and not v.get("errors")
            for c, v in zip(changes, values)
        ):
            burst.append(pk)
            statuses += [status for value in values for status in value.get("statuses") or []]
        else:
            rest.append((pk, payload))
    return burst, statuses, rest


def process_pending(
    *,
    limit: int = 500,
    max_attempts: int = MAX_ATTEMPTS,
    min_age: float = 0.0,
    batch: int = 50,
    retry_failed: bool = True,
) -> int:
    """Process stored events that are still pending: never tried (older than `min_age` seconds, so as not to race
    the web process that just stored them) and, with `retry_failed`, those whose processing failed. Returns how
    many succeeded."""
    qs = WebhookEvent.objects.filter(processed_at__isnull=True, state=EventState.PENDING, attempts__lt=max_attempts)
    if min_age:
        qs = qs.filter(received_at__lt=timezone.now() - dt.timedelta(seconds=min_age))
    if not retry_failed:
        qs = qs.filter(attempts=0)
    ids = list(qs.order_by("id").values_list("pk", flat=True)[:limit])
    return sum(process_events(ids[i : i + batch]) for i in range(0, len(ids), batch))


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
        while True:
            if not self.wake.wait(1.0) and not self.queue:
                # Idle for a second: give the connection back (a test database must be droppable, a server may
                # close it). Not after every batch: reconnecting costs more than processing a status.
                connections.close_all()
                continue
            self.wake.clear()
            if len(self.queue) < self.batch:
                # Linger before every batch, not only the first of a stream: a stream of POSTs is then applied
                # in batches of ~linger x rate. Measured at ~600 POSTs/s: without it the loop took the 8 or so
                # that came in while it applied the previous batch, at ~1.1 ms per status (the transaction's
                # fixed cost), and the intake fell to a third of its rate.
                time.sleep(self.linger)
            ids = [self.queue.popleft() for _ in range(min(self.batch, len(self.queue)))]
            if self.queue:
                self.wake.set()  # more than one batch waiting: the next one goes without lingering
            try:
                self.processed += process_events(ids)
            except Exception:  # the database went away, say: the events stay pending for the poller
                log.exception("webhook processing of %d events failed; left pending", len(ids))
                connections.close_all()

    def poll(
        self,
        *,
        interval: float = 0.05,
        min_age: float = 0.0,
        stop: threading.Event | None = None,
        retry_every: float = 5.0,
        idle: Callable[[], None] | None = None,
    ) -> None:
        """Poll the inbox every `interval` seconds until `stop` is set. New events are taken as soon as they are
        `min_age` old; failed ones are retried every `retry_every` seconds. `idle`, when given, is how the loop
        waits once caught up instead (a blocking wait for a wake-up: see `triplec process_webhooks`)."""
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
            if done < self.batch and idle:  # caught up: wait, so that a stream is taken in batches (see _run)
                idle()
            elif done < self.batch:
                stop.wait(interval)


processor = WebhookProcessor()


# --- payload processing -------------------------------------------------------------------------------------
def _channel_id(*, phone_number_id: str = "", waba_id: str = "") -> int | None:
    # Not cached: an indexed lookup is cheap, and a cache would outlive a channel deleted or re-created.
    q = Q(phone_number_id=phone_number_id) if phone_number_id else Q(waba_id=waba_id)
    return Channel.objects.filter(q).values_list("pk", flat=True).first()


def process_payload(payload: dict) -> None:
    """Every entry, every change, every message, status and error of one webhook body, which has Meta's shape
    (`schema.parse_webhook`): the `.get(...) or default` below are for keys Meta may leave out."""
    if payload.get("object") != "whatsapp_business_account":
        log.warning("webhook for object %r ignored", payload.get("object"))
        return
    for entry in payload.get("entry") or []:
        for change in entry.get("changes") or []:
            field, value = change.get("field"), change.get("value") or {}
            if field == "messages":
                _process_messages_change(value)
            elif field in (
                "message_template_status_update",
                "template_category_update",
                "message_template_quality_update",
            ):
                cid = _channel_id(waba_id=str(entry.get("id", "")))
                channel = Channel.objects.filter(pk=cid).first() if cid else None
                if field == "message_template_status_update":
                    template_status_webhook(channel=channel, value=value)
                elif field == "message_template_quality_update":
                    template_quality_webhook(channel=channel, value=value)
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
    apply_statuses(value.get("statuses") or [])
    for error in value.get("errors") or []:
        log.warning(
            "WhatsApp reported error %s: %s (%s)",
            error.get("code"),
            error.get("title"),
            (error.get("error_data") or {}).get("details", ""),
        )


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
    sent_at = meta_time(message.get("timestamp"))
    try:
        with transaction.atomic():
            inbound = InboundMessage.objects.create(
                channel_id=channel_id,
                peer=peer,
                wamid=wamid,
                type=kind,
                text=text,
                reply_id=reply_id,
                context_wamid=(message.get("context") or {}).get("id", ""),
                payload=message,
                sent_at=sent_at,
            )
    except IntegrityError:  # the same message in a concurrent delivery
        return
    if peer.last_inbound_at is None or sent_at > peer.last_inbound_at:
        type(peer).objects.filter(pk=peer.pk).filter(
            Q(last_inbound_at__isnull=True) | Q(last_inbound_at__lt=sent_at)
        ).update(last_inbound_at=sent_at)
    send_after_commit(inbound_message_received, sender=InboundMessage, message=inbound, peer=peer)


def _text_of(kind: str, message: dict) -> tuple[str, str]:
    if kind == "text":
        return (message.get("text") or {}).get("body", ""), ""
    if kind == "button":
        button = message.get("button") or {}
        return button.get("text", ""), button.get("payload", "")
    if kind == "interactive":
        inter = message.get("interactive") or {}
        kind = inter.get("type")  # only the replies `schema` checks; other kinds (nfm_reply…) carry no text here
        reply = (inter.get(kind) or {}) if kind in ("button_reply", "list_reply") else {}
        return reply.get("title", ""), reply.get("id", "")
    if kind in ("document", "image", "video", "audio", "voice", "sticker"):
        media = message.get(kind) or {}
        return media.get("caption") or media.get("filename") or "", media.get("id", "")
    if kind == "location":
        loc = message.get("location") or {}
        return f"{loc.get('latitude')},{loc.get('longitude')}", ""
    return "", ""
