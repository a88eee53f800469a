"""The signed, expiring link to a target's PDF notice. It carries only the target's random public id, so the
URL says nothing about the taxpayer; a forged link is refused (403), an expired one is gone (410)."""

import datetime as dt
import uuid

from django.conf import settings
from django.core import signing
from django.urls import reverse

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
    """`sign_public_id` for many ids at once: one signer (and one derived key) for the whole campaign."""

    def __init__(self) -> None:
        self.signer = _signer()
        self.base = settings.SITE_URL.rstrip("/") + reverse("campaigns:notice_pdf", args=["TOKEN"]).replace("TOKEN", "{}")

    def url(self, public_id: uuid.UUID | str) -> str:
        return self.base.format(self.signer.sign(str(public_id)))


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
