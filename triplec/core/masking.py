"""Personal data never reaches a log line in full (UU PDP; Pasal 34 KUP)."""

import logging
import re

# 15/16-digit identifiers (NPWP, NIK), with or without the dotted layout, and phone numbers.
_NPWP = re.compile(r"\b(\d{2})[.\s]?\d{3}[.\s]?\d{3}[.\s]?\d[-.\s]?\d{3}[.\s]?(\d{3})\b|\b(\d{4})\d{8,}(\d{4})\b")
_PHONE = re.compile(r"(\+?62|\b0)(8\d{2})\d{4,7}(\d{2})\b")


def mask_text(text: str) -> str:
    text = _NPWP.sub(lambda m: f"{m.group(1) or m.group(3)}***{m.group(2) or m.group(4)}", text)
    return _PHONE.sub(lambda m: f"{m.group(1)}{m.group(2)}****{m.group(3)}", text)


class MaskPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
