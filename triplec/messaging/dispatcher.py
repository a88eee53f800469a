"""The dispatcher: outbox -> WhatsApp. A plain loop (like healthchecks' sendalerts) that claims batches, sends
them concurrently with a small thread pool, and writes the results back in one statement per outcome.

Claims: `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL; on SQLite a conditional UPDATE (state still queued),
which only one writer at a time can run. Several dispatchers may run at once.

No duplicate after a crash: a row is marked `sending` (committed) before its HTTP request starts. If the process
dies, the row stays `sending` under a claimant whose heartbeat stops; another dispatcher then asks the provider
whether the message arrived (the simulator answers by biz_opaque_callback_data) and marks it sent, or queues it
again. An ambiguous failure (timeout, connection lost mid-request, HTTP 5xx) is resolved the same way before the
retry. See docs/whatsapp-channel.md for the remaining window with the real Cloud API.
"""

import datetime as dt
import logging
import os
import socket
import threading
import time
import uuid
from collections import defaultdict, deque
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from triplec.core import wake
from triplec.offices.hours import is_open
from triplec.offices.models import Office

from .models import Channel, DispatcherHeartbeat, Lane, OutboundMessage, State
from .providers import ProviderError, SendResult, provider_for
from .providers.base import PERMANENT, THROTTLE, TRANSIENT
from .services import peer_for_message
from .statuses import mark_undeliverable
from .webhooks import process_pending

log = logging.getLogger(__name__)

# The longest a listening dispatcher waits between two looks at an idle outbox: it still has housekeeping to do
# (heartbeat, stale claims, webhook events left pending), and a wake-up may be lost to a restart.
IDLE_MAX_SECONDS = 2.0
FREE_FORM = {"text", "buttons", "list", "document"}
TOO_OLD = "Terlalu lama untuk dikirim (kedaluwarsa)"


class TokenBucket:
    """Messages per second for one channel, shared fairly among live dispatchers. Throttle responses halve the
    rate; it climbs back by 5% a second."""

    def __init__(self, rate: float, burst: float | None = None):
        self.target = self.rate = max(rate, 0.1)
        self.burst = burst or max(1.0, self.rate / 4)
        self.tokens = min(1.0, self.burst)
        self.updated = time.monotonic()

    def set_target(self, rate: float) -> None:
        rate = max(rate, 0.1)
        if rate != self.target:
            self.target = rate
            self.rate = min(self.rate, rate) if self.rate < self.target else rate
            self.burst = max(1.0, rate / 4)

    def _refill(self, now: float) -> None:
        elapsed = now - self.updated
        self.updated = now
        if self.rate < self.target:
            self.rate = min(self.target, self.rate * (1.05**elapsed))
        self.tokens = min(self.burst, self.tokens + elapsed * self.rate)

    def take(self) -> float:
        """Take one token; returns how long the caller must wait before using it (0 = now)."""
        now = time.monotonic()
        self._refill(now)
        self.tokens -= 1
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate

    def available(self) -> int:
        self._refill(time.monotonic())
        return max(0, int(self.tokens))

    def throttled(self) -> None:
        self.rate = max(0.5, self.rate / 2)
        self.tokens = min(self.tokens, 0)


class PairLimiter:
    """At most `count` messages to one user per `seconds` (Meta's pair rate limit, kept on our side)."""

    def __init__(self, count: int, seconds: float):
        self.count, self.seconds = count, seconds
        self.sent: dict[str, deque] = defaultdict(deque)

    def next_free(self, key: str, now: float) -> float:
        """0 when a message may go now, else the monotonic time it may."""
        times = self.sent[key]
        while times and now - times[0] >= self.seconds:
            times.popleft()
        return 0.0 if len(times) < self.count else times[0] + self.seconds

    def record(self, key: str, now: float) -> None:
        self.sent[key].append(now)

    def penalise(self, key: str, now: float) -> None:
        """After a 131056, treat the pair as full for a whole window."""
        self.sent[key] = deque([now] * self.count)


class Dispatcher:
    def __init__(
        self,
        *,
        name: str | None = None,
        batch: int | None = None,
        threads: int | None = None,
        idle_sleep: float = 0.2,
        rate_override: float | None = None,
        listen: bool = False,
    ):
        """`idle_sleep`: the longest wait between two looks at an idle outbox. With `listen`, the dispatcher
        also wakes the moment another process queues a message (core.wake), so the long-running one
        (`triplec dispatcher`) waits up to IDLE_MAX_SECONDS instead, in a blocking wait."""
        self.name = name or f"{socket.gethostname()[:20]}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.batch = batch or settings.WHATSAPP_DISPATCH_BATCH
        self.threads = threads or settings.WHATSAPP_DISPATCH_THREADS
        self.waiter = wake.Waiter(wake.OUTBOX, listen=listen)
        self.backoff = wake.Backoff(minimum=0.05, maximum=IDLE_MAX_SECONDS if listen else idle_sleep)
        self.rate_override = rate_override
        self.pool = ThreadPoolExecutor(self.threads, thread_name_prefix="send")
        self.buckets: dict[int, TokenBucket] = {}
        self.pairs = PairLimiter(settings.WHATSAPP_PAIR_LIMIT_COUNT, settings.WHATSAPP_PAIR_LIMIT_SECONDS)
        self.channels: dict[int, Channel] = {}
        self._open_cache: dict[int, tuple[float, bool]] = {}
        self._office_stamps: dict[int, dt.datetime] = {}  # office id -> its updated_at when its channels were read
        self._last_office_check = 0.0
        self._last_beat = 0.0
        self._last_housekeeping = 0.0
        self._live = 1
        self._claims = 0
        self.stopping = threading.Event()
        self.is_postgres = connection.vendor == "postgresql"
        self.sent_total = 0

    # --- the loop --------------------------------------------------------------------------------------------
    def stop(self) -> None:
        """Ask the loop to stop (from a signal handler too): it ends after the batch in hand."""
        self.stopping.set()
        self.waiter.set()

    def run(self, *, until_idle: bool = False, max_seconds: float | None = None) -> None:
        deadline = time.monotonic() + max_seconds if max_seconds else None
        log.info("dispatcher %s started", self.name)
        try:
            while not self.stopping.is_set():
                close_old_connections()  # a long-running process: drop a connection the server closed
                handled = self.step()
                if deadline and time.monotonic() > deadline:
                    break
                if handled:
                    self.backoff.reset()
                    continue
                if until_idle and not self.pending():
                    break
                if self.waiter.wait(self._idle_wait()):
                    self.backoff.reset()
        finally:
            self.waiter.close()
            DispatcherHeartbeat.objects.filter(name=self.name).delete()
            self.pool.shutdown(wait=True)
            log.info("dispatcher %s stopped after %d messages", self.name, self.sent_total)

    def pending(self) -> bool:
        return OutboundMessage.objects.filter(state__in=[State.QUEUED, State.SENDING]).exists()

    def _idle_wait(self) -> float:
        """The backoff's next wait, shortened to the moment the next queued retry falls due."""
        wait = self.backoff.next()
        now = timezone.now()
        for lane in Lane.values:  # one index seek per lane (state, lane, next_attempt_at), never a sort
            due = (
                OutboundMessage.objects.filter(state=State.QUEUED, lane=lane, next_attempt_at__gt=now)
                .order_by("next_attempt_at")
                .values_list("next_attempt_at", flat=True)
                .first()
            )
            if due is not None:
                wait = min(wait, max(0.01, (due - now).total_seconds()))
        return wait

    def step(self) -> int:
        """One claim-and-send cycle; returns how many messages it handled."""
        now_mono = time.monotonic()
        if now_mono - self._last_beat >= 1.0:
            self._heartbeat()
            self._last_beat = now_mono
        if now_mono - self._last_housekeeping >= 2.0:
            self.expire_old()
            self.recover_stale()
            # Webhook events left pending (processing failed, or the web process died before it processed them).
            try:  # a pass that fails (the database busy, say) leaves the events pending; sending goes on
                process_pending(limit=100, min_age=2.0 if settings.WHATSAPP_WEBHOOK_PROCESSING == "thread" else 0.0)
            except Exception:
                log.exception("webhook housekeeping failed; events left pending")
            self._last_housekeeping = now_mono
        messages = self.claim()
        if not messages:
            return 0
        self.send_batch(messages)
        return len(messages)

    # --- heartbeat, expiry, stale claims --------------------------------------------------------------------
    def _heartbeat(self) -> None:
        now = timezone.now()
        updated = DispatcherHeartbeat.objects.filter(name=self.name).update(seen_at=now)
        if not updated:
            DispatcherHeartbeat.objects.create(name=self.name, seen_at=now, started_at=now)
        stale = now - dt.timedelta(seconds=settings.WHATSAPP_STALE_CLAIM_SECONDS)
        self._live = max(1, DispatcherHeartbeat.objects.filter(seen_at__gte=stale).count())

    def expire_old(self) -> int:
        now = timezone.now()
        max_age = dt.timedelta(seconds=settings.WHATSAPP_MAX_AGE_SECONDS)
        return (
            OutboundMessage.objects.filter(state=State.QUEUED)
            .filter(Q(not_after__lt=now) | Q(not_after__isnull=True, created_at__lt=now - max_age))
            .update(state=State.EXPIRED, error_reason=TOO_OLD, failed_at=now, claimed_by="")
        )

    def recover_stale(self) -> int:
        """Rows left `sending` by a dispatcher that stopped beating: resolve each before it can go again."""
        now = timezone.now()
        stale_after = dt.timedelta(seconds=settings.WHATSAPP_STALE_CLAIM_SECONDS)
        live = set(DispatcherHeartbeat.objects.filter(seen_at__gte=now - stale_after).values_list("name", flat=True))
        DispatcherHeartbeat.objects.filter(seen_at__lt=now - stale_after * 10).delete()
        candidates = OutboundMessage.objects.filter(
            state=State.SENDING, claimed_at__lt=now - stale_after
        ).select_related("channel")[:1000]
        recovered = 0
        for message in candidates:
            claimant = message.claimed_by.split("/")[0]
            if claimant in live and message.claimed_at > now - stale_after * 10:
                continue
            self._resolve_and_requeue(message)
            recovered += 1
        if recovered:
            log.warning("recovered %d messages left in flight by a stopped dispatcher", recovered)
        return recovered

    def _resolve_and_requeue(self, message: OutboundMessage) -> None:
        provider = provider_for(message.channel)
        if provider.can_lookup:
            try:
                found = provider.lookup(str(message.callback_id))
            except ProviderError:
                return  # ask again at the next housekeeping
            if found:
                self._mark_sent_from_lookup(message, found, states=[State.SENDING])
                return
            OutboundMessage.objects.filter(pk=message.pk, state=State.SENDING, claimed_by=message.claimed_by).update(
                state=State.QUEUED, claimed_by="", needs_resolution=False, next_attempt_at=timezone.now()
            )
        else:
            # The real Cloud API cannot be asked: a status webhook echoing our id settles it (it moves the row
            # forward); until the grace period has passed we do not send again.
            grace = dt.timedelta(seconds=settings.WHATSAPP_RESOLVE_GRACE_SECONDS)
            OutboundMessage.objects.filter(pk=message.pk, state=State.SENDING, claimed_by=message.claimed_by).update(
                state=State.QUEUED, claimed_by="", needs_resolution=False, next_attempt_at=message.claimed_at + grace
            )

    def _mark_sent_from_lookup(self, message: OutboundMessage, found: list[dict], *, states: list[str]) -> bool:
        first = found[0]
        if len(found) > 1:
            log.error("message %s was received %d times by the provider", message.pk, len(found))
        return bool(
            OutboundMessage.objects.filter(pk=message.pk, state__in=states).update(
                state=State.SENT,
                wamid=first.get("wamid", ""),
                sent_at=timezone.now(),
                claimed_by="",
                needs_resolution=False,
                attempts=F("attempts") + 1,
            )
        )

    # --- claiming --------------------------------------------------------------------------------------------
    def _channel(self, channel_id: int) -> Channel:
        if channel_id not in self.channels:
            channel = self.channels[channel_id] = Channel.objects.select_related("office").get(pk=channel_id)
            self._office_stamps[channel.office_id] = channel.office.updated_at
        return self.channels[channel_id]

    def _refresh_offices(self) -> None:
        """Drop the channels (with their office: hours, working days) and open/closed answers of any office whose
        calendar changed since they were read: a change in the console applies to queued messages at once,
        without a restart. One small query a second."""
        now_mono = time.monotonic()
        if now_mono - self._last_office_check < 1.0 or not self._office_stamps:
            return
        self._last_office_check = now_mono
        current = dict(Office.objects.filter(pk__in=list(self._office_stamps)).values_list("pk", "updated_at"))
        stale = {pk for pk, stamp in self._office_stamps.items() if current.get(pk) != stamp}
        if not stale:
            return
        for cid in [cid for cid, ch in self.channels.items() if ch.office_id in stale]:
            del self.channels[cid]
            self._open_cache.pop(cid, None)
        for pk in stale:
            del self._office_stamps[pk]
        log.info("office calendar changed: hours of %d office(s) read again", len(stale))

    def _bucket(self, channel: Channel) -> TokenBucket:
        rate = (self.rate_override or channel.messages_per_second) / self._live
        bucket = self.buckets.get(channel.pk)
        if bucket is None:
            bucket = self.buckets[channel.pk] = TokenBucket(rate)
        else:
            bucket.set_target(rate)
        return bucket

    def _office_open(self, channel: Channel) -> bool:
        cached = self._open_cache.get(channel.pk)
        if cached and time.monotonic() - cached[0] < 30:
            return cached[1]
        value = is_open(channel.office, timezone.now())
        self._open_cache[channel.pk] = (time.monotonic(), value)
        return value

    def claim(self) -> list[OutboundMessage]:
        """Claim up to one batch, replies first; bulk only for channels whose office is open now."""
        active = list(Channel.objects.filter(is_active=True).values_list("pk", flat=True))
        if not active:
            return []
        self._refresh_offices()
        open_ids = [cid for cid in active if self._office_open(self._channel(cid))]
        # Never claim more than about half a second of this process's share of the rate: claims stay short and a
        # reply enqueued now is not stuck behind a long bulk batch.
        limit = 0
        for cid in active:
            bucket = self._bucket(self._channel(cid))
            limit += max(1, int(bucket.rate / 2))
        limit = min(self.batch, limit)
        now = timezone.now()
        qs = (
            OutboundMessage.objects.filter(state=State.QUEUED, next_attempt_at__lte=now, channel_id__in=active)
            .filter(Q(lane=Lane.REPLY) | Q(channel_id__in=open_ids))
            .order_by("lane", "next_attempt_at", "id")
        )
        self._claims += 1
        token = f"{self.name}/{self._claims}"
        if self.is_postgres:
            with transaction.atomic():
                ids = list(qs.select_for_update(skip_locked=True, of=("self",)).values_list("id", flat=True)[:limit])
                if ids:
                    OutboundMessage.objects.filter(id__in=ids).update(
                        state=State.SENDING, claimed_by=token, claimed_at=now
                    )
        else:
            ids = list(qs.values_list("id", flat=True)[:limit])
            if ids:  # the state condition makes a row another dispatcher already took drop out
                OutboundMessage.objects.filter(id__in=ids, state=State.QUEUED).update(
                    state=State.SENDING, claimed_by=token, claimed_at=now
                )
        if not ids:
            return []
        return list(
            OutboundMessage.objects.filter(id__in=ids, claimed_by=token, state=State.SENDING)
            .select_related("shape")
            .order_by("lane", "next_attempt_at", "id")
        )

    # --- sending ---------------------------------------------------------------------------------------------
    def send_batch(self, messages: list[OutboundMessage]) -> None:
        now = timezone.now()
        deferred: list[tuple[OutboundMessage, dt.datetime]] = []
        closed_window: list[OutboundMessage] = []
        futures = []
        seen_recipients: set[str] = set()
        for message in messages:
            key = message.to or message.recipient
            mono = time.monotonic()
            if key in seen_recipients:  # keep a conversation in order: one per recipient per batch
                deferred.append((message, now))
                continue
            free_at = self.pairs.next_free(key, mono)
            if free_at:
                deferred.append((message, now + dt.timedelta(seconds=free_at - mono)))
                continue
            if message.kind in FREE_FORM and not message.needs_resolution:
                peer = peer_for_message(message)
                if peer is None or not peer.window_open():
                    closed_window.append(message)
                    continue
            wait = self._bucket(self._channel(message.channel_id)).take()
            if wait > 0:
                time.sleep(wait)
            seen_recipients.add(key)
            self.pairs.record(key, time.monotonic())
            futures.append(self.pool.submit(self._send_one, message))
        results = [f.result() for f in futures]
        self._record(results, deferred, closed_window)

    def _send_one(self, message: OutboundMessage) -> tuple[OutboundMessage, SendResult | ProviderError | list]:
        provider = provider_for(self._channel(message.channel_id))
        try:
            if message.needs_resolution and provider.can_lookup:
                found = provider.lookup(str(message.callback_id))
                if found:
                    return message, found
            return message, provider.send(message.body)
        except ProviderError as exc:
            return message, exc
        except Exception as exc:  # a bug must not leave the row claimed forever
            log.exception("unexpected error sending message %s", message.pk)
            return message, ProviderError(
                None, repr(exc)[:200], "Kesalahan internal saat mengirim: dicoba lagi", TRANSIENT, ambiguous=True
            )

    def _record(self, results, deferred, closed_window) -> None:
        now = timezone.now()
        sent: dict[int, str] = {}
        with transaction.atomic():
            for message, outcome in results:
                if isinstance(outcome, SendResult):
                    sent[message.pk] = outcome.wamid
                elif isinstance(outcome, list):
                    self._mark_sent_from_lookup(message, outcome, states=[State.SENDING])
                else:
                    self._record_error(message, outcome, now)
            if sent:
                OutboundMessage.objects.filter(pk__in=list(sent), state=State.SENDING).update(
                    state=State.SENT,
                    sent_at=now,
                    claimed_by="",
                    needs_resolution=False,
                    attempts=F("attempts") + 1,
                    error_code=None,
                    error_reason="",
                    wamid=Case(*[When(pk=pk, then=Value(w)) for pk, w in sent.items()]),
                )
                # A status webhook may have moved the row on before we got here: it set the wamid itself.
                self.sent_total += len(sent)
            for message, at in deferred:
                OutboundMessage.objects.filter(
                    pk=message.pk, state=State.SENDING, claimed_by=message.claimed_by
                ).update(state=State.QUEUED, claimed_by="", next_attempt_at=at)
            for message in closed_window:
                reason = ProviderError.from_code(131047).reason_id
                OutboundMessage.objects.filter(pk=message.pk, state=State.SENDING).update(
                    state=State.FAILED, error_code=131047, error_reason=reason, failed_at=now, claimed_by=""
                )

    def _record_error(self, message: OutboundMessage, exc: ProviderError, now: dt.datetime) -> None:
        base = OutboundMessage.objects.filter(pk=message.pk, state=State.SENDING, claimed_by=message.claimed_by)
        attempts = message.attempts + 1

        def retry_in(seconds: float, **more) -> None:  # back to the queue, to be sent again after `seconds`
            base.update(
                state=State.QUEUED,
                claimed_by="",
                next_attempt_at=now + dt.timedelta(seconds=seconds),
                error_code=exc.code,
                error_reason=exc.reason_id[:300],
                needs_resolution=message.needs_resolution or exc.ambiguous,
                **more,
            )

        def fail(reason: str) -> None:
            base.update(
                state=State.FAILED,
                claimed_by="",
                attempts=attempts,
                error_code=exc.code,
                error_reason=reason[:300],
                failed_at=now,
            )

        if exc.kind == THROTTLE:
            key = message.to or message.recipient
            if exc.code == 131056:
                self.pairs.penalise(key, time.monotonic())
                delay = settings.WHATSAPP_PAIR_LIMIT_SECONDS
            else:
                self._bucket(self._channel(message.channel_id)).throttled()
                delay = 1.0
            retry_in(delay)  # a throttle is not the message's fault: not counted as an attempt
        elif exc.kind == PERMANENT:
            fail(exc.reason_id)
            if exc.code == 131026:
                mark_undeliverable(message)
        elif attempts >= settings.WHATSAPP_MAX_ATTEMPTS:
            if exc.ambiguous and provider_for(self._channel(message.channel_id)).can_lookup:
                # Before giving up, make sure the last attempt did not in fact arrive.
                found = provider_for(self._channel(message.channel_id)).lookup(str(message.callback_id))
                if found and self._mark_sent_from_lookup(message, found, states=[State.SENDING]):
                    return
            fail(f"Gagal setelah {attempts} percobaan: {exc.reason_id}")
        else:
            delay = min(settings.WHATSAPP_RETRY_BASE_SECONDS * 2 ** (attempts - 1), settings.WHATSAPP_RETRY_MAX_SECONDS)
            if exc.ambiguous and not provider_for(self._channel(message.channel_id)).can_lookup:
                delay = max(delay, settings.WHATSAPP_RESOLVE_GRACE_SECONDS)
            retry_in(delay, attempts=attempts)
