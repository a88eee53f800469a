"""The hot path of a campaign start: render every message and write the outbox rows and the targets in bulk.

A campaign of 100,000 letters must not build 300,000 model instances. Each outbox row carries only its own
values, its body being a shape written once per start (payload.py); rows are plain tuples, rendered in batches
as they are written (`executemany` on SQLite, COPY on PostgreSQL); the outbox ids are read back by their
idempotency keys (one indexed range scan).
"""

import contextlib
import datetime as dt
import gc
from itertools import islice
from typing import Iterable, Sequence

from django.db import connection

from triplec.messaging.models import BodyShape, Lane, OutboundMessage, State

from . import message as msg
from .links import BulkSigner
from .models import Target, TargetStatus
from .payload import dashed, new_uuid_hex, shape_text, values
from .planning import FAR_FUTURE


@contextlib.contextmanager
def collector_paused():
    """A start creates a few hundred thousand small objects (notices, documents, row tuples) that live until it
    ends and form no cycles; the cyclic collector would scan them again and again as they pile up (about 0.3 s
    per 100,000 letters). Reference counting still frees everything; the collector resumes afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def foreign_keys_trusted():
    """SQLite: no foreign-key lookups for the start's rows, as Django's `loaddata` does for a bulk load.

    Each row's parents are looked up when it is inserted: a start's 100,000 targets and messages look up their
    taxpayers (a million-row table), letters and messages again, 0.35 s of its 4.6 s. They cannot be missing:
    the start runs in one transaction that holds SQLite's write lock from its BEGIN, and every parent was read
    or written inside it. Unique constraints (one message per letter) still hold, and PostgreSQL, which writes
    the same rows, keeps checking (a test checks the rows SQLite wrote with `foreign_key_check`).

    A no-op inside an outer transaction (SQLite ignores the pragma there) and on PostgreSQL."""
    return connection.constraint_checks_disabled()


def _sqlite_time(value: dt.datetime) -> str:
    """A datetime as Django stores it in SQLite: naive UTC text."""
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")


def _sqlite_window(at: dt.datetime, grace: dt.timedelta) -> tuple[str, str]:
    """(send after, not after) as SQLite stores them, converting the moment to UTC once."""
    naive = at.astimezone(dt.UTC).replace(tzinfo=None)
    return naive.isoformat(" "), (naive + grace).isoformat(" ")


def _window(at: dt.datetime, grace: dt.timedelta) -> tuple[dt.datetime, dt.datetime]:
    return at, at + grace


def _held(window, sqlite: bool):
    """`window` with the send-after moved to FAR_FUTURE (the not-after kept)."""
    never = _sqlite_time(FAR_FUTURE) if sqlite else FAR_FUTURE

    def held(at: dt.datetime, grace: dt.timedelta):
        return never, window(at, grace)[1]

    return held


def _insert_many(table: str, columns: Sequence[str], rows: Iterable[tuple], *, batch: int = 2_000) -> None:
    """Insert `rows` (any iterable: a generator is rendered batch by batch, never held in memory at once).

    PostgreSQL gets COPY: Django's psycopg cursor binds client-side, so `executemany` would send one INSERT per
    row as quoted literals for the server to parse (about five times slower). SQLite gets `executemany`."""
    qn = connection.ops.quote_name
    names = ", ".join(qn(c) for c in columns)
    rows = iter(rows)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # The raw psycopg cursor; its errors still surface as Django's (campaign_start retries IntegrityError).
            with connection.wrap_database_errors, cur.cursor.copy(f"COPY {qn(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {qn(table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
        while chunk := list(islice(rows, batch)):
            cur.executemany(sql, chunk)


OUTBOX_COLUMNS = (
    "idempotency_key",
    "callback_id",
    "channel_id",
    "taxpayer_id",
    "to",
    "recipient",
    "kind",
    "payload",
    "shape_id",
    "template_id",
    "lane",
    "state",
    "attempts",
    "next_attempt_at",
    "not_after",
    "claimed_by",
    "needs_resolution",
    "wamid",
    "error_reason",
    "pricing_category",
    "pricing_type",
    "created_by_id",
    "created_at",
)
TARGET_COLUMNS = (
    "campaign_id",
    "taxpayer_id",
    "letter_id",
    "criterion",
    "status",
    "reason",
    "messaged",
    "amount",
    "kaps",
    "public_id",
    "outbound_id",
    "created_at",
)


def write_start(
    *,
    campaign,
    template,
    wa_channel,
    selection,
    send_after: list[dt.datetime],
    grace: dt.timedelta,
    created_by_id: int | None,
    now: dt.datetime,
    hold: bool = False,
) -> dict[str, int]:
    """Insert the outbox rows (lane bulk, queued) and every target of a campaign start; returns the counts.
    With `hold`, the rows wait for their letters (never due until letters.py releases them; their not_after
    keeps the planned window). Runs inside the caller's transaction."""
    # UUIDs go in as 32 hex digits: Django's SQLite format, and PostgreSQL's uuid input accepts it too.
    sqlite = connection.vendor == "sqlite"
    candidates = selection.candidates
    public_ids = new_uuid_hex(len(candidates))
    queued, queued_public = [], []
    for c, public_hex in zip(candidates, public_ids):
        if not c.reason and not c.held_out:
            queued.append(c)
            queued_public.append(public_hex)
    callbacks = new_uuid_hex(len(queued))
    now_db = _sqlite_time(now) if sqlite else now
    key_prefix = f"campaign:{campaign.pk}:"
    signer = BulkSigner() if template.header_type == "DOCUMENT" else None
    n_params = len(msg.params(queued[0].notice)) if queued else 0
    kinds = {"to" if c.phone else "recipient" for c in queued}
    shapes = {
        kind: BodyShape.objects.create(
            text=shape_text(template, recipient_kind=kind, n_params=n_params, signer=signer), created_at=now
        ).pk
        for kind in kinds
    }
    constants = (wa_channel.pk, template.pk, Lane.BULK.value, State.QUEUED.value, created_by_id, now_db)
    keys: list[str] = []
    _insert_many(
        OutboundMessage._meta.db_table,
        OUTBOX_COLUMNS,
        _outbox_rows(
            queued,
            queued_public,
            callbacks,
            send_after,
            grace,
            key_prefix,
            shapes,
            signer,
            _held(_sqlite_window if sqlite else _window, sqlite) if hold else _sqlite_window if sqlite else _window,
            constants,
            keys,
        ),
    )
    outbound_ids = _outbound_ids(OutboundMessage._meta.db_table, key_prefix) if queued else {}
    target_rows = []
    pk, criterion = campaign.pk, campaign.criterion
    excluded, held_out, queued_status = (
        TargetStatus.EXCLUDED.value,
        TargetStatus.HELD_OUT.value,
        TargetStatus.QUEUED.value,
    )
    queued_keys = iter(keys)
    for c, public_hex in zip(candidates, public_ids):
        if c.reason or c.held_out:
            target_rows.append(
                (
                    pk,
                    c.taxpayer_id,
                    c.letter_id,
                    criterion,
                    excluded if c.reason else held_out,
                    c.reason,
                    False,
                    c.amount,
                    c.kaps,
                    public_hex,
                    None,
                    now_db,
                )
            )
        else:
            target_rows.append(
                (
                    pk,
                    c.taxpayer_id,
                    c.letter_id,
                    criterion,
                    queued_status,
                    "",
                    True,
                    c.amount,
                    c.kaps,
                    public_hex,
                    outbound_ids[next(queued_keys)],
                    now_db,
                )
            )
    _insert_many(Target._meta.db_table, TARGET_COLUMNS, target_rows)
    return {
        "selected": len(target_rows),
        "queued": len(queued),
        "held_out": sum(1 for c in candidates if c.held_out),
        "excluded": sum(1 for c in candidates if c.reason),
    }


def _outbox_rows(
    queued, public_ids, callbacks, send_after, grace, key_prefix, shapes, signer, window, constants, keys: list
):
    """One outbox tuple per queued candidate (in OUTBOX_COLUMNS order); each one's key is appended to `keys`
    for its target."""
    channel_id, template_id, lane, state, created_by_id, now_db = constants
    params = msg.params
    for c, public_hex, callback_hex, at in zip(queued, public_ids, callbacks, send_after):
        phone = c.phone.lstrip("+")
        public_id = dashed(public_hex)
        if signer:
            stamp = signer.stamp(at)
            payload = values(public_id, stamp, signer.signature(public_id, stamp), params(c.notice))
        else:
            payload = values(public_id, "", "", params(c.notice))
        key = f"{key_prefix}{c.taxpayer_id}:{c.letter_id}"
        at_db, until_db = window(at, grace)
        keys.append(key)
        yield (
            key,
            callback_hex,
            channel_id,
            c.taxpayer_id,
            phone,
            "" if phone else c.recipient,
            "template",
            payload,
            shapes["to" if phone else "recipient"],
            template_id,
            lane,
            state,
            0,
            at_db,
            until_db,
            "",
            False,
            "",
            "",
            "",
            "",
            created_by_id,
            now_db,
        )


def _outbound_ids(table: str, key_prefix: str) -> dict[str, int]:
    """The ids of the rows just inserted, by idempotency key: one range scan of its unique index."""
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT {qn('idempotency_key')}, {qn('id')} FROM {qn(table)} "
            f"WHERE {qn('idempotency_key')} >= %s AND {qn('idempotency_key')} < %s",
            [key_prefix, key_prefix[:-1] + ";"],
        )
        return dict(cur.fetchall())
