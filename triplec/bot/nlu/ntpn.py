"""NTPN extraction: the 16-character state receipt number, as people type it (spaces, dashes, lower case)."""

import re
import unicodedata

NTPN_LENGTH = 16
_CHUNK = re.compile(r"[A-Za-z0-9]+")
_SEPARATOR = re.compile(r"^[\s\-.:/]{1,3}$")
_LABEL = re.compile(r"\b(ntpn|bpn)(?=[0-9A-Za-z]{16}\b)", re.IGNORECASE)
_CONTEXT = re.compile(r"\b(?:ntpn|bpn|bukti)\b", re.IGNORECASE)


def extract_ntpn(text: str) -> str | None:
    """The first NTPN in `text`, upper-cased without separators, or None.

    A candidate is a run of adjacent alphanumeric chunks (separated only by spaces, dashes, dots) that adds up
    to exactly 16 characters and contains at least four digits; when typed in groups, every group has a digit. A purely numeric run is accepted only when the
    message says NTPN/BPN/bukti, because a bare 16-digit number is far more often a NIK or a 16-digit NPWP.
    """
    text = _LABEL.sub(r"\1 ", unicodedata.normalize("NFKC", text or ""))  # "ntpn0A1B..." -> "ntpn 0A1B..."
    chunks = list(_CHUNK.finditer(text))
    numeric_allowed = bool(_CONTEXT.search(text))
    for start in range(len(chunks)):
        joined = ""
        for index in range(start, len(chunks)):
            if index > start and not _SEPARATOR.match(text[chunks[index - 1].end() : chunks[index].start()]):
                break
            joined += chunks[index].group()
            if len(joined) >= NTPN_LENGTH:
                break
        if len(joined) != NTPN_LENGTH:
            continue
        if "xxx" in joined.lower():  # a masked phone or account number ("0812xxxxxxxxxxxx"), not a receipt
            continue
        digits = sum(ch.isdigit() for ch in joined)
        if digits < 4 or (digits == NTPN_LENGTH and not numeric_allowed):
            continue
        if index > start and any(not any(ch.isdigit() for ch in c.group()) for c in chunks[start : index + 1]):
            # typed in groups ("8F2A 3C91 B7D4 0E65"): every group carries a digit; "STP tahun 2023 dong" does not
            continue
        return joined.upper()
    return None
