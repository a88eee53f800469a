"""Taxpayer identifiers (NPWP, NIK, NITKU) and WhatsApp numbers: parse, validate, format, mask.

python-stdnum knows the rules; we add the policy: a legacy NPWP whose undocumented check digit fails is
accepted with a warning, and 16-digit numbers are formatted here because stdnum's format() mangles them.
"""

from dataclasses import dataclass

import phonenumbers
from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.id import nik as stdnum_nik

from triplec.core.phrases import Phrase


class InvalidIdentifier(ValueError):
    """The value can never be right; the message (a Phrase, `args[0]`) says why, in plain words for a report."""


@dataclass(frozen=True, slots=True)
class Npwp:
    npwp16: str  # canonical: the NIK for resident individuals, else "0" + the legacy 15 digits
    npwp15: str | None  # the legacy number, when there is one
    warning: Phrase | None = None


def _digits(raw: object) -> str:
    text = "" if raw is None else str(raw).strip()
    if text.endswith(".0") and text[:-2].isdigit():  # a number that passed through a spreadsheet
        text = text[:-2]
    return "".join(ch for ch in text if ch not in " .-/")


def parse_npwp(raw: object) -> Npwp:
    number = _digits(raw)
    if not number.isdigit():
        raise InvalidIdentifier(Phrase("NPWP must contain digits only"))
    if len(number) == 15:
        return Npwp("0" + number, number, _luhn_warning(number[:9]))
    if len(number) == 16:
        if number.startswith("0"):
            return Npwp(number, number[1:], _luhn_warning(number[1:10]))
        return Npwp(parse_nik(number), None)
    raise InvalidIdentifier(Phrase("NPWP must have 15 or 16 digits, not %(n)s", n=len(number)))


def _luhn_warning(digits: str) -> Phrase | None:
    if luhn.is_valid(digits):
        return None
    return Phrase("NPWP check digit does not match (accepted: DJP does not document the rule)")


def parse_nik(raw: object) -> str:
    number = _digits(raw)
    if len(number) != 16 or not number.isdigit():
        raise InvalidIdentifier(Phrase("NIK must have 16 digits"))
    try:
        return stdnum_nik.validate(number)
    except StdnumError as exc:
        raise InvalidIdentifier(Phrase("NIK is not valid (%(reason)s)", reason=_stdnum_reason(exc))) from None


def parse_nitku(raw: object, npwp16: str) -> str:
    number = _digits(raw)
    if len(number) != 22 or not number.isdigit():
        raise InvalidIdentifier(Phrase("NITKU must have 22 digits (16-digit NPWP + 6)"))
    if not number.startswith(npwp16):
        raise InvalidIdentifier(Phrase("NITKU must start with the taxpayer's 16-digit NPWP"))
    return number


def _stdnum_reason(exc: StdnumError) -> Phrase | str:
    return {
        "InvalidComponent": Phrase("birth date or region code is impossible"),
        "InvalidFormat": Phrase("wrong format"),
        "InvalidLength": Phrase("wrong length"),
    }.get(type(exc).__name__, str(exc))


def format_npwp(npwp16: str) -> str:
    """Legacy-derived numbers in the familiar 15-digit layout, NIK-based ones in groups of four."""
    if npwp16.startswith("0") and len(npwp16) == 16:
        n = npwp16[1:]
        return f"{n[:2]}.{n[2:5]}.{n[5:8]}.{n[8]}-{n[9:12]}.{n[12:]}"
    return " ".join(npwp16[i : i + 4] for i in range(0, len(npwp16), 4))


def search_digits(raw: str) -> str:
    """Digits of an NPWP typed in any layout, for search; the 16-digit form when it was a 15-digit one."""
    number = _digits(raw)
    return "0" + number if len(number) == 15 and number.isdigit() else number


def parse_whatsapp_number(raw: object) -> str:
    """An Indonesian mobile number in E.164 ("+6281234567890"), from any way people write it."""
    text = "" if raw is None else str(raw).strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not text:
        raise InvalidIdentifier(Phrase("WhatsApp number is empty"))
    if text.startswith("62"):
        text = "+" + text
    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException:
        raise InvalidIdentifier(Phrase("WhatsApp number cannot be read as a phone number")) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidIdentifier(Phrase("WhatsApp number is not a valid phone number"))
    kind = phonenumbers.number_type(number)
    if kind not in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        raise InvalidIdentifier(Phrase("WhatsApp number must be a mobile number"))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
