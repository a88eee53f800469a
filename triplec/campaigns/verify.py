"""Public verification of a Surat Teguran: the QR code on the PDF leads to a page on the office's site that
confirms the letter number exists and was issued to the masked NPWP, and shows nothing else. A defence against
fake collection messages.

The link carries the target's random public id signed with the site's key (never a sequential id), so it can
be neither guessed nor forged; it does not expire, since a letter stays verifiable. A simple per-address limit
stops anyone from trying tokens in bulk.
"""

import uuid

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.urls import reverse

SALT = "triplec.campaigns.letter-verify"
LIMIT_PER_MINUTE = 30


def verification_token(public_id: uuid.UUID | str) -> str:
    return signing.Signer(salt=SALT).sign(str(public_id))


def verification_url(public_id: uuid.UUID | str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("verify_letter", args=[verification_token(public_id)])


def public_id_from_token(token: str) -> str | None:
    """The public id a genuine token carries; None for a forged or malformed one."""
    try:
        value = signing.Signer(salt=SALT).unsign(token)
        return str(uuid.UUID(value))
    except (signing.BadSignature, ValueError):
        return None


def too_many(address: str) -> bool:
    """More than LIMIT_PER_MINUTE look-ups from one address in a minute (counted in the default cache)."""
    key = f"verify-letter:{address}"
    if cache.add(key, 1, timeout=60):
        return False
    try:
        return cache.incr(key) > LIMIT_PER_MINUTE
    except ValueError:  # expired between add and incr
        return False
