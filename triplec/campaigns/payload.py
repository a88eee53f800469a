"""The request body of every campaign message, rendered without building it as a dict each time.

Every message of a campaign has the same shape (the registry's `template_send_body` inside the Cloud API
`envelope`), so it is built once with markers, serialised once, and cut into static pieces; each message then
only JSON-escapes the taxpayer's parameters and number, while values that never need escaping (uuids, the
signed token) go in as they are. The text is byte for byte what `json.dumps` of the dict `enqueue_message`
builds would give (a test checks this).
"""

import json
import os
import re
import struct
import time
from json.encoder import encode_basestring_ascii as _json_str
from operator import itemgetter

from . import message as msg

# "@@E_NAME@@" (with its quotes) is a whole JSON string filled with an escaped value; @@R_NAME@@ sits inside a
# string and takes a value made only of characters JSON leaves alone (hex digits, dashes, base64url, colons).
_MARKER = re.compile(r'"@@E_(\w+?)@@"|@@R_(\w+?)@@')


class PayloadTemplate:
    """The JSON text of a template message: static pieces and, between them, the holes for per-message values."""

    def __init__(self, template, *, recipient_kind: str, with_pdf: bool, n_params: int, link_base: str = "") -> None:
        from triplec.messaging.providers.cloudapi import envelope
        from triplec.messaging.registry import template_send_body

        params = [f"@@E_P{i}@@" for i in range(n_params)]
        document = {"link": link_base.format("@@R_TOKEN@@"), "filename": "surat-teguran.pdf"} if with_pdf else None
        body = template_send_body(template, params, document=document, button_payloads=msg.button_payloads("@@R_PID@@"))
        who = {"to": "@@E_TO@@"} if recipient_kind == "to" else {"recipient": "@@E_TO@@"}
        text = json.dumps(envelope(callback="@@R_CB@@", **who, **body))
        canonical = ["TO", "CB", "PID", "TOKEN", *(f"P{i}" for i in range(n_params))]
        self.skeleton: list[str | None] = []
        order: list[int] = []
        pos = 0
        for m in _MARKER.finditer(text):
            self.skeleton += [text[pos:m.start()], None]
            order.append(canonical.index(m.group(1) or m.group(2)))
            pos = m.end()
        self.skeleton.append(text[pos:])
        # The values come in the canonical order above; `pick` puts them in the order of the holes (C-level,
        # as is the slice assignment that fills them in: a join of ready pieces, no per-hole Python loop).
        # There are always several holes (at least TO and CB), so `pick` always returns a tuple.
        self.pick = itemgetter(*order)

    def render(self, params: list[str], to: str, cb: str, pid: str, token: str = "") -> str:
        """`params` and `to` as plain text (escaped here); `cb`, `pid`, `token` as they go in (never need it)."""
        out = self.skeleton.copy()
        out[1::2] = self.pick((_json_str(to), cb, pid, token, *map(_json_str, params)))
        return "".join(out)


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
