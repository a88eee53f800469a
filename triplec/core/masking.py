"""Every mask of personal data, in one place, one format per kind of identifier.

What a WhatsApp message, a console page for a role without the NIK, an import report, an audit entry or a log line
may show of a taxpayer's identifiers (UU PDP; Pasal 34 KUP):

| identifier | mask | e.g. |
|---|---|---|
| NPWP, legacy-derived (0 + the 15-digit NPWP) | the 4 digits the old card's serial and check digit hold | 01.234.•••.•-407.000 |
| NPWP, NIK-based, and NIK | the first and last 4 digits, in groups of four | 5371 •••• •••• 0001 |
| NITKU | the NPWP's mask and the 6-digit place of business | 5371 •••• •••• 0001 000001 |
| mobile number | +62 8xx's first two digits and the last 3 | +6281••••890 |
| WhatsApp user id (BSUID) or username | the country prefix or first 2 characters and the last 2 | ID.••••01 |
| any other long number (logs) | the first and last 2 digits | 12•••89 |

The mask character is `•` (U+2022): it has no meaning in WhatsApp's markup, where `*` makes bold and `_` italic,
so a masked number reads the same on the phone as in the console.

mask_text finds identifiers however they are written: with dots, dashes or spaces between the digit groups,
glued to letters ("NIK5301..."), inside a traceback. Digit boundaries are lookarounds, not \\b, because \\b sees
no boundary between a letter and a digit.
"""

import logging
import re

MASK = "•"


_NON_DIGIT = re.compile(r"\D")


def _digits(text: str) -> str:
    if not text:
        return ""
    return text if text.isascii() and text.isdigit() else _NON_DIGIT.sub("", text)


def mask_npwp(npwp16: str) -> str:
    """An NPWP16 (or a 15-digit NPWP): a legacy-derived one in its familiar layout with serial and check digit
    hidden, a NIK-based one masked as the NIK it is."""
    digits = _digits(npwp16)
    if len(digits) == 15:
        digits = "0" + digits
    if len(digits) != 16:
        return mask_digits(digits)
    if digits.startswith("0"):
        n = digits[1:]
        return f"{n[:2]}.{n[2:5]}.{MASK * 3}.{MASK}-{n[9:12]}.{n[12:]}"
    return mask_nik(digits)


def mask_nik(nik: str) -> str:
    """A NIK (or a NIK-based NPWP16): the first and last four digits. District, birth date and most of the serial
    are hidden."""
    digits = _digits(nik)
    if len(digits) != 16:
        return mask_digits(digits)
    return f"{digits[:4]} {MASK * 4} {MASK * 4} {digits[-4:]}"


def mask_nitku(nitku: str) -> str:
    """A NITKU is the NPWP16 and a 6-digit place-of-business code: the NPWP masked, the code shown."""
    digits = _digits(nitku)
    if len(digits) != 22:
        return mask_digits(digits)
    return f"{mask_npwp(digits[:16])} {digits[16:]}"


def mask_phone(phone: str) -> str:
    """A phone number in E.164 (+6281234567890): the country code, the first two digits and the last three."""
    text = (phone or "").strip()
    digits = _digits(text)
    if len(digits) < 8:  # too short to be anyone's number: shown as given, so a typo stays visible
        return text
    if digits.startswith("0"):  # national forms: shown in E.164 like every other
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    return f"+{digits[:4]}{MASK * 4}{digits[-3:]}"


def mask_user_id(user_id: str) -> str:
    """A WhatsApp business-scoped user id ("ID.1234567") or username: the country prefix (or the first two
    characters) and the last two."""
    text = (user_id or "").strip()
    if not text:
        return ""
    prefix = text[:3] if re.match(r"^[A-Z]{2}\.", text) else text[:2]
    rest = text[len(prefix) :]
    if len(rest) <= 4:
        return prefix + MASK * 4
    return f"{prefix}{MASK * 4}{rest[-2:]}"


def mask_contact(phone: str, user_id: str = "") -> str:
    """The number of a contact or peer, or its user id when WhatsApp shares no number."""
    return mask_phone(phone) if phone else mask_user_id(user_id)


def mask_digits(raw: str) -> str:
    """Any other number that may identify someone: the first and last two digits. Short ones (fewer than 8 digits)
    are returned as given: too short to be anyone's number, and a typo must stay visible."""
    digits = _digits(raw)
    if len(digits) < 8:
        return raw
    return f"{digits[:2]}{MASK * 3}{digits[-2:]}"


def mask_name(name: str) -> str:
    """A name or a text reduced to its first letter and its length ("B••• (12)")."""
    stripped = (name or "").strip()
    return f"{stripped[:1]}{MASK * 3} ({len(name)})" if stripped else name


# --- Free text (log lines, tracebacks, error messages) ----------------------------------------------------------
def mask_identifier(raw: str) -> str:
    """An NPWP, NIK or NITKU of unknown kind, told apart by its number of digits."""
    digits = _digits(raw)
    if len(digits) in (15, 16):
        return mask_npwp(digits)
    if len(digits) == 22:
        return mask_nitku(digits)
    return mask_digits(raw)


_SEP = r"[ .\-]"
# A mobile number: 08…, 628… or +62 8…, with one separator at most between groups, optional brackets.
_PHONE = re.compile(r"(?<![\d+])(\+?62|0)[ .\-]?\(?(8\d{2})\)?((?:[ .\-]?\d){6,9})(?!\d)")
# NPWP15 in its layout 01.234.567.8-922.000 (any separators, or none).
_NPWP15 = re.compile(rf"(?<!\d)\d{{2}}{_SEP}?\d{{3}}{_SEP}?\d{{3}}{_SEP}?\d{_SEP}?\d{{3}}{_SEP}?\d{{3}}(?!\d)")
# NIK, NPWP16, NITKU and any other long number: 15 digits or more in one run, or in groups of three to six
# digits with single separators ("5371 0155 0390 0001").
_LONG = re.compile(rf"(?<!\d)(?:\d{{15,}}|\d{{3,6}}(?:{_SEP}\d{{3,6}}){{2,}})(?!\d)")
# Any plain run of nine digits or more that is left (an account, an unknown identifier, a bare phone).
_RUN = re.compile(r"(?<!\d)\d{9,}(?!\d)")


def _phone(m: re.Match) -> str:
    return mask_phone(f"+62{m.group(2)}{_digits(m.group(3))}")


def _long(m: re.Match) -> str:
    return mask_identifier(m.group(0)) if len(_digits(m.group(0))) >= 15 else m.group(0)


def mask_text(text: str) -> str:
    text = _PHONE.sub(_phone, text)
    text = _NPWP15.sub(lambda m: mask_npwp(m.group(0)), text)
    text = _LONG.sub(_long, text)
    return _RUN.sub(lambda m: mask_digits(m.group(0)), text)


class MaskPersonalDataFilter(logging.Filter):
    """Masks the message, the traceback (exc_info) and the stack of every record a handler writes."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            # The handler's formatter uses exc_text when it is set: the traceback is formatted once, masked.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True
