"""The body of every campaign message: written once per start as a shape, and per message only its values.

Every message of a campaign has the same body (the registry's `template_send_body` inside the Cloud API
`envelope`) but for a few values, so the body is stored once as a messaging `BodyShape` with holes
(messaging/shapes.py) and each outbox row carries only its values: its target's public id, the timestamp and
signature of its PDF link and the letter's body parameters. What the dispatcher sends is exactly the dict
`message_enqueue` would build (a test checks this).
"""

import datetime as dt
import json
import os
import struct
import time
from json.encoder import encode_basestring_ascii as json_str

from triplec.ledger.models import SURAT_PAKSA_DAYS_AFTER_DELIVERY
from triplec.messaging import shapes
from triplec.messaging.providers.cloudapi import envelope
from triplec.messaging.registry import template_send_body

from . import message as msg
from .links import BulkSigner

PUBLIC_ID, STAMP, SIGNATURE = shapes.value(0), shapes.value(1), shapes.value(2)  # then the body parameters


def shape_text(template, *, recipient_kind: str, n_params: int, signer: BulkSigner | None) -> str:
    """The body with holes; `signer` gives the PDF link (None: the template has no document header)."""
    public_id = shapes.inside(PUBLIC_ID)
    params = [shapes.whole(shapes.value(3 + i)) for i in range(n_params)]
    document = (
        {
            "link": signer.link(public_id, shapes.inside(STAMP), shapes.inside(SIGNATURE)),
            "filename": "surat-teguran.pdf",
        }
        if signer
        else None
    )
    body = template_send_body(template, params, document=document, button_payloads=msg.button_payloads(public_id))
    return json.dumps(
        envelope(callback=shapes.inside(shapes.CALLBACK), **{recipient_kind: shapes.whole(shapes.TO)}, **body)
    )


def values(public_id: str, stamp: str, signature: str, params: list[str]) -> str:
    """One message's values as JSON text, in the shape's order (ids, stamps and signatures never need escaping)."""
    return f'["{public_id}","{stamp}","{signature}",{",".join(map(json_str, params))}]'


def restamped(row_values: list[str], signer: BulkSigner, at) -> list[str]:
    """A message's values with its PDF link signed for a new send time (a resumed campaign); unchanged when
    the message has no link."""
    public_id, stamp, _, *params = row_values
    if not stamp:
        return row_values
    stamp = signer.stamp(at)
    return [public_id, stamp, signer.signature(public_id, stamp), *params]


def rewarned(row_values: list[str], delivered_date, send_by) -> list[str]:
    """A message's values with the Surat Paksa sentence written for its new last sending day."""
    params = row_values[3:]
    if delivered_date is None or len(params) <= msg.WARNING_PARAM:
        return row_values
    paksa_date = delivered_date + dt.timedelta(days=SURAT_PAKSA_DAYS_AFTER_DELIVERY)
    params[msg.WARNING_PARAM] = msg.warning_param(paksa_date, send_by)
    return [*row_values[:3], *params]


def new_uuid_hex(count: int) -> list[str]:
    """`count` version-7 UUIDs (RFC 9562) as 32 hex digits, in increasing order: the Unix time in milliseconds,
    then a 32-bit counter (RFC 9562's "fixed-length dedicated counter", split over rand_a and the top of rand_b),
    then 42 random bits.

    Why ordered: these are keys of unique indexes (the outbox's callback id, the target's public id). Random
    (version-4) keys land all over the index, each insert touching a different page; increasing ones append.
    Measured on SQLite, 100,000 outbox rows into a table of 200,000: 5.2 s with random keys, 2.8 s with these.
    They stay unguessable where it matters: 42 random bits per id, and a public link carries an HMAC signature
    of it besides (links.py)."""
    if count >= 1 << 32:
        raise ValueError("at most 2**32 ids per call")
    prefix = (time.time_ns() // 1_000_000) << 80 | 0x7 << 76 | 0b10 << 62
    mask = (1 << 42) - 1
    noise = struct.unpack(f"<{count}Q", os.urandom(8 * count))
    return [f"{prefix | (i >> 20) << 64 | (i & 0xFFFFF) << 42 | noise[i] & mask:032x}" for i in range(count)]


def dashed(h: str) -> str:
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
