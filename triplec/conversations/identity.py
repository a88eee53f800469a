"""Who is writing, and may we tell them anything? Secrecy rules of Pasal 34 UU KUP for the bot.

Registered contacts are looked up afresh on every message from the number and the business-scoped user id
themselves (never through a cached link), so a number that was moved to another taxpayer yesterday stops
disclosing the old taxpayer's debt at once.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from triplec.taxpayers.models import Contact, ContactStatus, Taxpayer

from .models import Conversation, IdentityGuard


@dataclass
class Identity:
    """Every registered contact of the number or user id (any status), with their taxpayers."""

    contacts: list[Contact]

    @property
    def known(self) -> bool:
        return bool(self.contacts)

    @property
    def active(self) -> list[Contact]:
        return [c for c in self.contacts if c.status == ContactStatus.ACTIVE]

    def by_taxpayer(self, taxpayer_id: int | None) -> Contact | None:
        return next((c for c in self.active if c.taxpayer_id == taxpayer_id), None)


def identify(*, wa_id: str, user_id: str) -> Identity:
    q = Q(pk__in=[])
    if wa_id:
        q |= Q(phone="+" + wa_id)
    if user_id:
        q |= Q(wa_user_id=user_id)
    contacts = list(Contact.objects.filter(q).select_related("taxpayer", "taxpayer__office").order_by("taxpayer__name", "pk"))
    return Identity(contacts)


def initials(name: str) -> str:
    """"Budi Santoso" -> "B.S.": enough for the owner to recognise, too little for anyone else."""
    words = [w for w in re.split(r"[\s.,]+", name) if w and w[0].isalpha()]
    return "".join(f"{w[0].upper()}." for w in words[:4]) or "-"


def needs_challenge(contact: Contact, now: dt.datetime) -> str:
    """Why this contact must be challenged before details ("" = it need not be)."""
    if contact.verified_at is None:
        return "never verified"
    if now - contact.verified_at > dt.timedelta(days=settings.BOT_VERIFICATION_MAX_AGE_DAYS):
        return "verification older than the limit"
    if contact.number_changed_at and now - contact.number_changed_at < dt.timedelta(
            days=settings.BOT_NUMBER_CHANGE_CHALLENGE_DAYS):
        return "number changed recently"
    return ""


def guard_of(contact: Contact) -> IdentityGuard | None:
    return IdentityGuard.objects.filter(contact=contact).first()


def is_locked(contact: Contact) -> bool:
    return IdentityGuard.objects.filter(contact=contact, locked_at__isnull=False).exists()


# --- the challenge ----------------------------------------------------------------------------------------------
# Asked on data that no message of ours shows: our messages show the NPWP masked (09.254.***.*-407.000, or
# 5371 **** **** 1234 for a NIK-based one), never the NIK.

def challenge_kind(taxpayer: Taxpayer) -> str:
    if taxpayer.nik and len(taxpayer.nik) == 16 and taxpayer.nik != taxpayer.npwp16:
        return "nik_last4"
    return "npwp_hidden"


def challenge_question(kind: str, taxpayer: Taxpayer) -> str:
    if kind == "nik_last4":
        return "Untuk keamanan data, mohon ketik *4 digit terakhir NIK* (nomor KTP) wajib pajak tersebut."
    if taxpayer.npwp16.startswith("0"):
        return ("Untuk keamanan data, mohon ketik *4 digit NPWP yang kami samarkan* (bagian ***.*) pada "
                f"NPWP {taxpayer.npwp_masked}.")
    return ("Untuk keamanan data, mohon ketik *digit ke-5 sampai ke-8* NPWP/NIK Anda (bagian **** pertama) pada "
            f"NPWP {taxpayer.npwp_masked}.")


def _expected(kind: str, taxpayer: Taxpayer) -> tuple[str, set[str]]:
    """(the 4 digits asked, the whole numbers that also prove knowledge)."""
    if kind == "nik_last4":
        return taxpayer.nik[-4:], {taxpayer.nik}
    whole = {taxpayer.npwp16, taxpayer.npwp15} - {""}
    if taxpayer.npwp16.startswith("0"):
        return taxpayer.npwp16[6:10], whole  # the 15-digit form's digits 6-9: the "***.*" part
    return taxpayer.npwp16[4:8], whole


def challenge_answer(text: str) -> str | None:
    """The digits of an answer, or None when the message holds no attempt at one (fewer than 4 digits)."""
    digits = re.sub(r"\D", "", text or "")
    return digits if len(digits) >= 4 else None


def challenge_passes(kind: str, taxpayer: Taxpayer, digits: str) -> bool:
    four, whole = _expected(kind, taxpayer)
    ok = hmac.compare_digest(digits, four)
    for value in whole:
        ok |= hmac.compare_digest(digits, value)
    return ok


def verified_in(conversation: Conversation, contact: Contact) -> bool:
    return conversation.verified_taxpayer_id == contact.taxpayer_id and conversation.verified_at is not None
