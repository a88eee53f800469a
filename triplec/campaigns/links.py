"""The signed, expiring link to a target's PDF notice. It carries only the target's random public id, so the
URL says nothing about the taxpayer; a forged link is refused (403), an expired one is gone (410)."""

import datetime as dt
import uuid

from django.conf import settings
from django.core import signing
from django.core.signing import b64_encode
from django.urls import reverse
from django.utils.crypto import salted_hmac

from .conf import conf

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
    """`sign_public_id` for many ids at once, producing exactly the tokens `TimestampSigner.sign` would: one
    timestamp for the whole campaign and the HMAC key derived once (Django derives it again for every call)."""

    def __init__(self) -> None:
        signer = _signer()
        self.sep = signer.sep
        self.timestamp = signer.timestamp()
        self.mac = salted_hmac(signer.salt + "signer", b"", signer.key, algorithm=signer.algorithm)
        self.base = settings.SITE_URL.rstrip("/") + reverse("campaigns:notice_pdf", args=["TOKEN"]).replace("TOKEN", "{}")

    def token(self, public_id: uuid.UUID | str) -> str:
        value = f"{public_id}{self.sep}{self.timestamp}"
        mac = self.mac.copy()
        mac.update(value.encode())
        return f"{value}{self.sep}{b64_encode(mac.digest()).decode()}"

    def url(self, public_id: uuid.UUID | str) -> str:
        return self.base.format(self.token(public_id))


def notice_url(public_id: uuid.UUID | str) -> str:
    return BulkSigner().url(public_id)


def unsign_token(token: str, *, max_age: dt.timedelta | None = None) -> str:
    """The public id in a token, or LinkExpired / LinkInvalid."""
    max_age = max_age or dt.timedelta(days=conf("CAMPAIGN_PDF_LINK_DAYS"))
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
