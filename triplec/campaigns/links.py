"""The signed, expiring link to a target's PDF notice. It carries only the target's random public id, so the
URL says nothing about the taxpayer; a forged link is refused (403), an expired one is gone (410)."""

import datetime as dt
import functools
import hashlib
import uuid
from base64 import urlsafe_b64encode

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.encoding import force_bytes

SALT = "triplec.campaigns.notice-pdf"


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def sign_public_id(public_id: uuid.UUID | str) -> str:
    return _signer().sign(str(public_id))


class BulkSigner:
    """`sign_public_id` for many ids at once, producing exactly the tokens `TimestampSigner.sign` would (a test
    checks): the key derived once as `salted_hmac` derives it, and the HMAC's inner and outer hashes primed with
    that key once (RFC 2104), so each token costs two hash copies instead of a new HMAC context.

    A campaign that spreads over days signs each link with the day its message is planned (`stamp`), not the
    day it started: a link is then valid CAMPAIGN_PDF_LINK_DAYS after its message goes, however long the
    campaign runs."""

    def __init__(self) -> None:
        signer = _signer()
        self.sep = signer.sep
        self.timestamp = signer.timestamp()
        new_hash = functools.partial(hashlib.new, signer.algorithm)
        key = new_hash(force_bytes(signer.salt + "signer") + force_bytes(signer.key)).digest()
        block = new_hash().block_size
        if len(key) > block:
            key = new_hash(key).digest()
        key = key.ljust(block, b"\0")
        self.inner = new_hash(bytes(b ^ 0x36 for b in key))
        self.outer = new_hash(bytes(b ^ 0x5C for b in key))
        self.base = settings.SITE_URL.rstrip("/") + reverse("campaigns:notice_pdf", args=["TOKEN"]).replace(
            "TOKEN", "{}"
        )
        self._days: dict[dt.date, str] = {}

    def stamp(self, at: dt.datetime) -> str:
        """The timestamp for a message planned at `at`: the first planned moment of its day, or now if later."""
        day = at.date()
        if day not in self._days:
            self._days[day] = max(self.timestamp, signing.b62_encode(int(at.timestamp())), key=signing.b62_decode)
        return self._days[day]

    def signature(self, public_id: uuid.UUID | str, timestamp: str | None = None) -> str:
        inner = self.inner.copy()
        inner.update(f"{public_id}{self.sep}{timestamp or self.timestamp}".encode())
        outer = self.outer.copy()
        outer.update(inner.digest())
        return urlsafe_b64encode(outer.digest()).rstrip(b"=").decode()

    def link(self, public_id: str, timestamp: str, signature: str) -> str:
        """The PDF link from its parts (or from placeholders, for a shape)."""
        return self.base.format(f"{public_id}{self.sep}{timestamp}{self.sep}{signature}")

    def token(self, public_id: uuid.UUID | str) -> str:
        return f"{public_id}{self.sep}{self.timestamp}{self.sep}{self.signature(public_id)}"

    def url(self, public_id: uuid.UUID | str) -> str:
        return self.link(str(public_id), self.timestamp, self.signature(public_id))


def notice_url(public_id: uuid.UUID | str) -> str:
    return BulkSigner().url(public_id)


def unsign_token(token: str, *, max_age: dt.timedelta | None = None) -> str:
    """The public id in a token, or LinkExpired / LinkInvalid."""
    max_age = max_age or dt.timedelta(days=settings.CAMPAIGN_PDF_LINK_DAYS)
    try:
        value = _signer().unsign(token, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkExpired() from None
    except signing.BadSignature:
        raise LinkInvalid() from None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise LinkInvalid() from None
