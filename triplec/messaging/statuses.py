"""Status webhooks (sent, delivered, read, failed) applied to the outbox, set-wise, in two steps:

- `plan_statuses` only reads: it parses the statuses and finds their messages (by wamid, else by our callback id);
- `write_statuses` writes, in the caller's transaction: one INSERT of the status log, and one UPDATE per group of
  messages that move the same way, each guarded forward-only and RETURNING the messages that really moved.

Why two steps: on SQLite the writes hold the one write lock that every webhook POST needs for its INSERT, so
everything that can happen before it does (parsing, the SELECTs, building rows). Why no lock on the read: the
UPDATE's guard decides, in the database, whether a message moves, and its RETURNING says which did; a stale read
costs nothing. Why raw SQL and plain rows instead of model instances: a campaign's burst arrives thousands at a
time, and the ORM compiled every value of every row and built an instance per message, on the cores that take
the webhooks in (CPU per status at batches of 200, under cProfile: 0.46 ms before, 0.16 ms after; 0.075 ms
without the profiler; see docs/whatsapp-channel.md).
"""

import datetime as dt
import json
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from triplec.taxpayers.models import Contact, ContactStatus
from triplec.taxpayers.services import contact_set_status

from .models import FORWARD_FROM, Channel, MessageStatus, OutboundMessage, State
from .providers.base import ERRORS, ProviderError
from .signals import message_status_changed, send_after_commit

log = logging.getLogger(__name__)

TIME_FIELD = {State.SENT: "sent_at", State.DELIVERED: "delivered_at", State.READ: "read_at", State.FAILED: "failed_at"}


@dataclass(slots=True)
class MessageRef:
    """What the status writes and the `message_status_changed` listeners need of an outbound message."""

    pk: int
    wamid: str
    channel_id: int
    to: str
    recipient: str
    taxpayer_id: int | None
    state: str = ""


_REF_FIELDS = ("id", "wamid", "channel_id", "to", "recipient", "taxpayer_id")


def meta_time(raw: Any) -> dt.datetime:
    """A webhook's Unix timestamp (seconds, occasionally milliseconds); now if it is missing or garbled."""
    try:
        value = int(str(raw))
    except (TypeError, ValueError):
        return timezone.now()
    if value > 10**11:
        value //= 1000
    return dt.datetime.fromtimestamp(value, dt.UTC)


@dataclass
class Step:
    """One status of one message we know."""

    message: MessageRef
    wamid: str
    name: str
    at: dt.datetime
    error: dict
    pricing: dict


@dataclass
class StatusPlan:
    rows: list[tuple] = field(default_factory=list)  # the status log, ready for the INSERT
    # waves[i]: the i-th status of each message in this batch, so a message moves once per wave, in order
    waves: list[list[Step]] = field(default_factory=list)


def plan_statuses(statuses: list[dict]) -> StatusPlan:
    """Parse the statuses and find their messages. Reads only."""
    plan = StatusPlan()
    parsed = []
    for status in statuses:
        wamid, name = status.get("id", ""), status.get("status", "")
        if name in TIME_FIELD and wamid:
            errors = status.get("errors") or []
            parsed.append((status, wamid, name, meta_time(status.get("timestamp")), errors[0] if errors else {}))
    if not parsed:
        return plan
    by_wamid = {m.wamid: m for m in _by_wamid({wamid for _, wamid, *_ in parsed})}
    callbacks = {_callback(status) for status, wamid, *_ in parsed if wamid not in by_wamid} - {None}
    by_callback = (
        {
            callback: MessageRef(*row)
            for callback, *row in OutboundMessage.objects.filter(callback_id__in=callbacks).values_list(
                "callback_id", *_REF_FIELDS
            )
        }
        if callbacks
        else {}
    )
    adapt = connection.ops.adapt_datetimefield_value
    now = adapt(timezone.now())
    seen: dict[int, int] = {}  # message pk -> wave of its latest status
    for status, wamid, name, at, error in parsed:
        message = by_wamid.get(wamid) or by_callback.get(_callback(status))
        plan.rows.append(
            (wamid, name, message.pk if message else None, adapt(at), error.get("code"), json.dumps(status), now)
        )
        if message is None:
            log.info("status %s for a message we do not know", name)
            continue
        wave = seen[message.pk] = seen.get(message.pk, -1) + 1
        if wave == len(plan.waves):
            plan.waves.append([])
        plan.waves[wave].append(Step(message, wamid, name, at, error, status.get("pricing") or {}))
    return plan


def write_statuses(plan: StatusPlan) -> None:
    """The writes of a plan, in the caller's transaction (and, on SQLite, under its write lock)."""
    if not plan.rows:
        return
    with connection.cursor() as cursor:
        # Unique by (wamid, status): a duplicate is ignored by the database, and everything below is idempotent.
        cursor.executemany(_INSERT_SQL, plan.rows)
    moved: list[tuple[MessageRef, str]] = []
    for wave in plan.waves:
        groups: dict[tuple, list[Step]] = {}
        for step in wave:
            code = step.error.get("code")
            groups.setdefault(
                (step.name, step.at, code, step.error.get("title", ""), _pricing(step.pricing)), []
            ).append(step)
        for (name, at, code, title, pricing), steps in groups.items():
            moved_pks = _move([step.message.pk for step in steps], name, at, code, title, pricing)
            for step in steps:
                if step.message.pk not in moved_pks:
                    _late_status(step.message.pk, name, at, step.pricing)
                    continue
                step.message.state = name
                moved.append((step.message, name))
                if step.message.wamid != step.wamid:  # found by its callback id: the status names its wamid
                    OutboundMessage.objects.filter(pk=step.message.pk).update(wamid=step.wamid)
                    step.message.wamid = step.wamid
                if name == State.FAILED and code == 131026:
                    mark_undeliverable(step.message)
    if moved:
        send_after_commit(message_status_changed, sender=OutboundMessage, changes=moved)


def apply_statuses(statuses: list[dict]) -> None:
    write_statuses(plan_statuses(statuses))


def _move(pks: list[int], name: str, at: dt.datetime, code: int | None, title: str, pricing: tuple) -> set[int]:
    """One forward-only UPDATE of these messages to `name`; the pks of those that moved."""
    adapt = connection.ops.adapt_datetimefield_value
    sets: list[tuple[str, Any]] = [
        ("state", name),
        (TIME_FIELD[name], adapt(at)),
        ("claimed_by", ""),
        ("needs_resolution", False),
        *pricing,
    ]
    if name == State.FAILED:
        sets += [("error_code", code), ("error_reason", ProviderError.from_code(code, title).reason_id[:300])]
    fills = ["sent_at"] if name == State.DELIVERED else ["sent_at", "delivered_at"] if name == State.READ else []
    forward = FORWARD_FROM[name]
    q = connection.ops.quote_name
    sql = (
        f"UPDATE {q(OutboundMessage._meta.db_table)} SET "
        + ", ".join(
            [f"{q(column)} = %s" for column, _ in sets]
            + [f"{q(column)} = COALESCE({q(column)}, %s)" for column in fills]
        )  # read implies delivered
        + f" WHERE id IN ({', '.join(['%s'] * len(pks))}) AND state IN ({', '.join(['%s'] * len(forward))})"
        + " RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for _, value in sets] + [adapt(at)] * len(fills) + pks + forward)
        return {row[0] for row in cursor.fetchall()}


def _by_wamid(wamids: set[str]) -> list[MessageRef]:
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(map(q, _REF_FIELDS))} FROM {q(OutboundMessage._meta.db_table)} "
            f"WHERE wamid IN ({', '.join(['%s'] * len(wamids))})",
            list(wamids),
        )
        return [MessageRef(*row) for row in cursor.fetchall()]


def _callback(status: dict) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(status.get("biz_opaque_callback_data", "")))
    except ValueError:
        return None


def _pricing(pricing: dict) -> tuple:
    if not pricing:
        return ()
    return (
        ("pricing_category", str(pricing.get("category", ""))[:40]),
        ("pricing_billable", pricing.get("billable")),
        ("pricing_type", str(pricing.get("type", ""))[:40]),
    )


# The states a message is in once a later status has overtaken this one.
_OVERTAKEN_IN = {State.SENT: [State.DELIVERED, State.READ], State.DELIVERED: [State.READ]}


def _late_status(pk: int, name: str, at: dt.datetime, pricing: dict) -> None:
    """A status that arrives after a later one still records its own time. The rule for the times: each is the
    time Meta's status of that name reports. Read implies delivered (Meta may skip "delivered" when the message
    is read at once), so a read fills an empty `delivered_at` (and `sent_at`) with its own time; a delivered (or
    sent) status arriving afterwards with an earlier time corrects it. The earliest time wins, so applying any
    status twice, in any order, ends in the same row."""
    if name in _OVERTAKEN_IN:
        column = TIME_FIELD[name]
        OutboundMessage.objects.filter(pk=pk, state__in=_OVERTAKEN_IN[name]).filter(
            Q(**{f"{column}__isnull": True}) | Q(**{f"{column}__gt": at})
        ).update(**{column: at})
    if name == State.READ:
        OutboundMessage.objects.filter(pk=pk, delivered_at__isnull=True, state=State.READ).update(delivered_at=at)
    if pricing:
        OutboundMessage.objects.filter(pk=pk, pricing_category="").update(**dict(_pricing(pricing)))


def mark_undeliverable(message: OutboundMessage | MessageRef) -> None:
    """131026: this number (or this username user) cannot receive WhatsApp. Every contact of the channel's office
    registered with exactly that number, or exactly that business-scoped user id, is marked undeliverable,
    whichever taxpayer it belongs to; the taxpayer's other contacts are not: they are other numbers. The same
    number registered at another office is another relationship and is not touched."""
    office_id = Channel.objects.filter(pk=message.channel_id).values_list("office_id", flat=True).first()
    contacts = Contact.objects.filter(status=ContactStatus.ACTIVE, taxpayer__office_id=office_id)
    if message.to:
        contacts = contacts.filter(phone="+" + message.to)
    elif message.recipient:
        contacts = contacts.filter(wa_user_id=message.recipient)
    else:
        return
    for contact in contacts.select_related("taxpayer"):
        contact_set_status(
            contact=contact, status=ContactStatus.UNDELIVERABLE, channel="whatsapp", reason=ERRORS[131026][1]
        )


_INSERT_SQL = (
    f"INSERT INTO {MessageStatus._meta.db_table} "
    "(wamid, status, message_id, timestamp, error_code, payload, received_at) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (wamid, status) DO NOTHING"
)
