"""Personal data never reaches a log line in full (UU PDP; Pasal 34 KUP).

mask_text finds identifiers however they are written: with dots, dashes or spaces between the digit groups,
glued to letters ("NIK5301..."), inside a traceback. Digit boundaries are lookarounds, not \\b, because \\b sees
no boundary between a letter and a digit.
"""

import logging
import re

_SEP = r"[ .\-]"
# A mobile number: 08…, 628… or +62 8…, with one separator at most between groups, optional brackets.
_PHONE = re.compile(r"(?<![\d+])(\+?62|0)[ .\-]?\(?(8\d{2})\)?((?:[ .\-]?\d){6,9})(?!\d)")
# NPWP15 in its layout 01.234.567.8-922.000 (any separators, or none).
_NPWP15 = re.compile(rf"(?<!\d)(\d{{2}}){_SEP}?\d{{3}}{_SEP}?\d{{3}}{_SEP}?\d{_SEP}?\d{{3}}{_SEP}?(\d{{3}})(?!\d)")
# NIK, NPWP16, NITKU and any other long number: 15 digits or more in one run, or in groups of three to six
# digits with single separators ("5371 0155 0390 0001").
_LONG = re.compile(rf"(?<!\d)(?:\d{{15,}}|\d{{3,6}}(?:{_SEP}\d{{3,6}}){{2,}})(?!\d)")
# Any plain run of nine digits or more that is left (an account, an unknown identifier, a bare phone).
_RUN = re.compile(r"(?<!\d)\d{9,}(?!\d)")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _phone(m: re.Match) -> str:
    rest = _digits(m.group(3))
    return f"{m.group(1)}{m.group(2)}****{rest[-3:]}"


def _long(m: re.Match) -> str:
    digits = _digits(m.group(0))
    return f"{digits[:4]}***{digits[-4:]}" if len(digits) >= 15 else m.group(0)


def mask_text(text: str) -> str:
    text = _PHONE.sub(_phone, text)
    text = _NPWP15.sub(lambda m: f"{m.group(1)}***{m.group(2)}", text)
    text = _LONG.sub(_long, text)
    return _RUN.sub(lambda m: f"{m.group(0)[:2]}***{m.group(0)[-2:]}", text)


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
