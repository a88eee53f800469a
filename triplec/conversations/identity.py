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
from django.utils.translation import gettext_noop

from triplec.taxpayers.models import Contact, ContactStatus, Taxpayer
from triplec.taxpayers.selectors import contacts_of_number

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

    def likely(self, taxpayer_id: int | None) -> Contact | None:
        """The active contact of the conversation's taxpayer, else the number's only active contact, else None:
        whom a task or a summary is most likely about (never a ground to disclose anything)."""
        active = self.active
        return self.by_taxpayer(taxpayer_id) or (active[0] if len(active) == 1 else None)


def identify(*, wa_id: str, user_id: str, office_id: int) -> Identity:
    """The contacts of this number or user id among the taxpayers of the office that owns the channel: the bot
    of one office never recognises (nor discloses, nor challenges for) another office's taxpayer."""
    contacts = list(
        contacts_of_number(office_id=office_id, wa_id=wa_id, user_id=user_id)
        .select_related("taxpayer", "taxpayer__office")
        .order_by("taxpayer__name", "pk")
    )
    return Identity(contacts)


def initials(name: str) -> str:
    """ "Budi Santoso" -> "B.S.": enough for the owner to recognise, too little for anyone else."""
    words = [w for w in re.split(r"[\s.,]+", name) if w and w[0].isalpha()]
    return "".join(f"{w[0].upper()}." for w in words[:4]) or "-"


def needs_challenge(contact: Contact, now: dt.datetime) -> str:
    """Why this contact must be challenged before details ("" = it need not be)."""
    if contact.verified_at is None:
        return gettext_noop("never verified")
    if now - contact.verified_at > dt.timedelta(days=settings.BOT_VERIFICATION_MAX_AGE_DAYS):
        return gettext_noop("verification older than the limit")
    if contact.number_changed_at and now - contact.number_changed_at < dt.timedelta(
        days=settings.BOT_NUMBER_CHANGE_CHALLENGE_DAYS
    ):
        return gettext_noop("number changed recently")
    return ""


def guard_of(contact: Contact) -> IdentityGuard | None:
    return IdentityGuard.objects.filter(contact=contact).first()


def is_locked(contact: Contact) -> bool:
    return IdentityGuard.objects.filter(contact=contact, locked_at__isnull=False).exists()


# --- the challenge ----------------------------------------------------------------------------------------------
# Whom we guard against: someone who holds the phone, has read our messages, and knows the person: their name,
# their district (kecamatan) and their date of birth. What they can learn from us: the NPWP masked
# (09.254.•••.•-407.000, or 5371 •••• •••• 1234 for a NIK-based one: core.masking), initials, letter and document numbers and
# amounts from campaign messages. The question must leave them many equally likely answers.
#
# Why not the NIK: a NIK is 2 digits province, 2 regency, 2 district (the person's address), 6 date of birth
# (day + 40 for women), and a 4-digit serial counting the people of that district born that day, in the order
# they registered: almost always 0001-0005. Someone who knows the district and the birthday knows digits 1-12,
# and the serial leaves a handful of likely answers (the last 4 are also shown in our masked NIK-based NPWP). So
# neither digits 5-8 (district + day of birth) nor the NIK's last 4 are asked any more.
#
# What is asked, and how many equally likely answers it leaves that person (docs/conversations.md):
# - "npwp15_serial", a NIK-based NPWP whose old 15-digit NPWP we know: digits 5-8 of the old NPWP. They are
#   digits 3-6 of the national registration serial (digits 3-8), unrelated to address or birth and never shown
#   in any message (messages show the NIK-based number): 10,000 equally likely answers.
# - "officer", a NIK-based NPWP without an old NPWP: nothing we hold is secret from that person, so no question
#   is asked at all; an officer confirms the identity (the bot hands the conversation over).
# - "npwp_hidden", a legacy NPWP: the 4 digits our mask hides ("•••.•"), 3 digits of the serial and the check
#   digit, which follows from them: 1,000 equally likely answers, whatever the person knows about the taxpayer.
# Three failures lock the contact (BOT_CHALLENGE_MAX_FAILURES), so a guesser succeeds with probability at most
# 3/10,000 on a NIK-based NPWP and 3/1,000 on a legacy one.

NO_CHALLENGE = "officer"


def _nik_based(taxpayer: Taxpayer) -> bool:
    return not taxpayer.npwp16.startswith("0")


def challenge_kind(taxpayer: Taxpayer) -> str:
    if _nik_based(taxpayer):
        npwp15 = taxpayer.npwp15 or ""
        return "npwp15_serial" if len(npwp15) == 15 and npwp15.isdigit() else NO_CHALLENGE
    return "npwp_hidden"


def challenge_question(kind: str, taxpayer: Taxpayer) -> str:
    kind = challenge_kind(taxpayer)  # today's question, even for a challenge begun under older rules
    if kind == "npwp15_serial":
        return (
            "Untuk keamanan data, mohon ketik *digit ke-5 sampai ke-8 NPWP lama (15 digit)* wajib pajak "
            "tersebut, sebagaimana tertera pada kartu NPWP lama."
        )
    return (
        "Untuk keamanan data, mohon ketik *4 digit NPWP yang kami samarkan* (bagian •••.•) pada "
        f"NPWP {taxpayer.npwp_masked}."
    )


NO_CHALLENGE_REPLY = (
    "Untuk keamanan data, identitas pemilik NPWP ini perlu dikonfirmasi oleh petugas sebelum "
    "rincian dapat kami sampaikan."
)


def _expected(kind: str, taxpayer: Taxpayer) -> tuple[str, set[str]]:
    """(the 4 digits asked, the whole numbers that also prove knowledge). Always today's question for this
    taxpayer: a challenge begun under older rules (digits 5-8 of a NIK) is never answered by those rules."""
    kind = challenge_kind(taxpayer)
    if kind == "npwp15_serial":
        return taxpayer.npwp15[4:8], {taxpayer.npwp15}
    if kind == NO_CHALLENGE:
        return "", set()  # nothing passes: an officer confirms
    whole = {taxpayer.npwp16, taxpayer.npwp15} - {""}
    return taxpayer.npwp16[6:10], whole  # the 15-digit form's digits 6-9: the "•••.•" part


def challenge_answer(text: str) -> str | None:
    """The digits of an answer, or None when the message holds no attempt at one (fewer than 4 digits)."""
    digits = re.sub(r"\D", "", text or "")
    return digits if len(digits) >= 4 else None


def challenge_passes(kind: str, taxpayer: Taxpayer, digits: str) -> bool:
    four, whole = _expected(kind, taxpayer)
    ok = bool(four) and hmac.compare_digest(digits, four)
    for value in whole:
        ok |= hmac.compare_digest(digits, value)
    return ok


def verified_in(conversation: Conversation, contact: Contact) -> bool:
    return conversation.verified_taxpayer_id == contact.taxpayer_id and conversation.verified_at is not None


def identity_confirmed(conversation: Conversation, contact: Contact | None, now: dt.datetime) -> bool:
    """Whether the person on this number may be told this contact's taxpayer's details: the one answer the bot's
    gate, the handoff summary and the officer's panel all give. An active contact not locked by failed answers,
    and either the challenge passed in this conversation or a registered verification recent enough."""
    if contact is None or contact.status != ContactStatus.ACTIVE or is_locked(contact):
        return False
    return verified_in(conversation, contact) or not needs_challenge(contact, now)
