"""The hot path of a campaign start: render every message and write the outbox rows and the targets in bulk.

A campaign of 100,000 letters must not build 300,000 model instances. The request body of every message has
the same shape (the registry's `template_send_body` inside the Cloud API `envelope`), so it is built once with
markers, serialised once, and cut into static JSON pieces; each message then only JSON-escapes its own values
(taxpayer's parameters, link, payloads, callback id) between those pieces. The text written is byte for byte
what `json.dumps` of the dict `enqueue_message` builds would give (a test checks this). Rows go in with
`executemany` of plain tuples; the outbox ids are read back by their idempotency keys (one indexed range scan).
"""

import datetime as dt
import json
import os
import re
from json.encoder import encode_basestring_ascii as _json_str
from typing import Iterable, Sequence

from django.db import connection

from . import message as msg
from .links import BulkSigner
from .models import Target, TargetStatus

_MARKER = re.compile(r'"@@([A-Z]+[0-9]*)@@"')


class PayloadTemplate:
    """The JSON text of a template message with holes for the values that differ per message."""

    def __init__(self, template, *, recipient_kind: str, with_pdf: bool, n_params: int) -> None:
        from triplec.messaging.providers.cloudapi import envelope
        from triplec.messaging.registry import template_send_body

        params = [f"@@P{i}@@" for i in range(n_params)]
        document = {"link": "@@LINK@@", "filename": "surat-teguran.pdf"} if with_pdf else None
        payloads = [f"@@B{i}@@" for i in range(len(msg.BUTTON_ACTIONS))]
        body = template_send_body(template, params, document=document, button_payloads=payloads)
        who = {"to": "@@TO@@"} if recipient_kind == "to" else {"recipient": "@@TO@@"}
        text = json.dumps(envelope(callback="@@CB@@", **who, **body))
        self.pieces: list[str] = []
        self.holes: list[str] = []
        pos = 0
        for m in _MARKER.finditer(text):
            self.pieces.append(text[pos:m.start()])
            self.holes.append(m.group(1))
            pos = m.end()
        self.tail = text[pos:]

    def render(self, values: dict[str, str]) -> str:
        out: list[str] = []
        append = out.append
        for piece, hole in zip(self.pieces, self.holes):
            append(piece)
            append(_json_str(values[hole]))
        append(self.tail)
        return "".join(out)


def new_uuid_hex(count: int) -> list[str]:
    """`count` random version-4 UUIDs as 32 hex digits (what uuid4().hex gives), from one urandom call."""
    blob = os.urandom(16 * count)
    clear = ~((0xF000 << 64) | (0xC000 << 48))
    setb = (0x4000 << 64) | (0x8000 << 48)
    return [f"{(int.from_bytes(blob[i:i + 16]) & clear) | setb:032x}" for i in range(0, 16 * count, 16)]


def dashed(h: str) -> str:
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _db_datetime(value: dt.datetime | None):
    """A datetime as the backend stores it: SQLite text in naive UTC (Django's own format), PostgreSQL as is."""
    if value is None or connection.vendor != "sqlite":
        return value
    return str(value.astimezone(dt.UTC).replace(tzinfo=None))


def _db_uuid(h: str) -> str:
    return h if connection.vendor == "sqlite" else dashed(h)


def _executemany(table: str, columns: Sequence[str], rows: Iterable[tuple], *, casts: dict[str, str] | None = None,
                 batch: int = 5_000) -> None:
    casts = casts or {}
    qn = connection.ops.quote_name
    marks = ", ".join("%s" + (casts.get(c, "") if connection.vendor == "postgresql" else "") for c in columns)
    sql = f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) VALUES ({marks})"
    rows = list(rows)
    with connection.cursor() as cur:
        for i in range(0, len(rows), batch):
            cur.executemany(sql, rows[i:i + batch])


OUTBOX_COLUMNS = (
    "idempotency_key", "callback_id", "channel_id", "taxpayer_id", "to", "recipient", "kind", "payload", "template_id",
    "lane", "state", "attempts", "next_attempt_at", "not_after", "claimed_by", "needs_resolution", "wamid",
    "error_reason", "pricing_category", "pricing_type", "created_by_id", "created_at",
)
TARGET_COLUMNS = ("campaign_id", "taxpayer_id", "letter_id", "criterion", "status", "reason", "messaged", "amount",
                  "kaps", "public_id", "outbound_id", "send_after", "created_at")


def write_start(*, campaign, template, wa_channel, selection, send_after: list[dt.datetime], grace: dt.timedelta,
                created_by_id: int | None, now: dt.datetime) -> dict[str, int]:
    """Insert the outbox rows (lane bulk, queued) and every target of a campaign start; returns the counts.
    Runs inside the caller's transaction."""
    from triplec.messaging.models import Lane, OutboundMessage, State

    with_pdf = template.header_type == "DOCUMENT"
    signer = BulkSigner() if with_pdf else None
    queued = selection.queued
    n_params = len(msg.params(queued[0].notice)) if queued else 0
    shapes: dict[str, PayloadTemplate] = {}
    now_db = _db_datetime(now)
    criterion = campaign.criterion
    key_prefix = f"campaign:{campaign.pk}:"
    public_ids = new_uuid_hex(len(selection.candidates))
    callbacks = new_uuid_hex(len(queued))
    outbox_rows: list[tuple] = []
    target_rows: list[list] = []
    queued_targets: list[list] = []
    params = msg.params
    button_payloads = msg.button_payloads
    i_queued = 0
    for c, public_hex in zip(selection.candidates, public_ids):
        row = [campaign.pk, c.taxpayer_id, c.letter_id, criterion, "", c.reason, False, c.amount, c.kaps,
               _db_uuid(public_hex), None, None, now_db]
        target_rows.append(row)
        if c.reason:
            row[4] = TargetStatus.EXCLUDED.value
            continue
        if c.held_out:
            row[4] = TargetStatus.HELD_OUT.value
            continue
        row[4], row[6] = TargetStatus.QUEUED.value, True
        at = send_after[i_queued]
        i_queued += 1
        phone = c.phone.lstrip("+")
        kind = "to" if phone else "recipient"
        shape = shapes.get(kind)
        if shape is None:
            shape = shapes[kind] = PayloadTemplate(template, recipient_kind=kind, with_pdf=with_pdf, n_params=n_params)
        public_id = dashed(public_hex)
        callback_hex = callbacks[i_queued - 1]
        values = {f"P{i}": v for i, v in enumerate(params(c.notice))}
        for i, p in enumerate(button_payloads(public_id)):
            values[f"B{i}"] = p
        values["TO"] = phone or c.recipient
        values["CB"] = dashed(callback_hex)
        if with_pdf:
            values["LINK"] = signer.url(public_id)
        at_db = _db_datetime(at)
        key = f"{key_prefix}{c.taxpayer_id}:{c.letter_id}"
        outbox_rows.append((key, _db_uuid(callback_hex), wa_channel.pk, c.taxpayer_id, phone, "" if phone else c.recipient,
                            "template", shape.render(values), template.pk, Lane.BULK.value, State.QUEUED.value, 0, at_db,
                            _db_datetime(at + grace), "", False, "", "", "", "", created_by_id, now_db))
        row[11] = at_db
        queued_targets.append(row)
    _executemany(OutboundMessage._meta.db_table, OUTBOX_COLUMNS, outbox_rows, casts={"payload": "::jsonb"})
    if queued_targets:
        ids = dict(OutboundMessage.objects.filter(idempotency_key__gte=key_prefix, idempotency_key__lt=key_prefix[:-1] + ";")
                   .values_list("idempotency_key", "id"))
        for row in queued_targets:
            row[10] = ids[f"{key_prefix}{row[1]}:{row[2]}"]
    _executemany(Target._meta.db_table, TARGET_COLUMNS, map(tuple, target_rows))
    return {"selected": len(target_rows), "queued": len(outbox_rows), "held_out": len(selection.held_out),
            "excluded": sum(1 for c in selection.candidates if c.reason)}
