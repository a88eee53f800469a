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


# Byte maps that set the version (4) and variant (RFC 4122) bits of a random UUID, applied to every 16th byte.
_VERSION_4 = bytes((b & 0x0F) | 0x40 for b in range(256))
_VARIANT = bytes((b & 0x3F) | 0x80 for b in range(256))


def new_uuid_hex(count: int) -> list[str]:
    """`count` random version-4 UUIDs as 32 hex digits (what uuid4().hex gives), from one urandom call."""
    blob = bytearray(os.urandom(16 * count))
    blob[6::16] = blob[6::16].translate(_VERSION_4)
    blob[8::16] = blob[8::16].translate(_VARIANT)
    text = blob.hex()
    return [text[i:i + 32] for i in range(0, 32 * count, 32)]


def dashed(h: str) -> str:
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
