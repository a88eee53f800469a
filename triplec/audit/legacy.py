"""Audit entries written before summaries were phrases hold English text. The ones whose wording is known are read
back into the phrase that says the same today, so the audit page shows them in the reader's language too; any
other text (the older Indonesian summaries, say) is shown as stored. Done when an entry is shown (a page reads 50),
never as a pass over the whole log."""

import re
from collections.abc import Callable

from triplec.core.phrases import Phrase

_COUNT = re.compile(r"^(.*) \((\d+) rows\)$")
_LISTS = {
    "debt list viewed": "debt list viewed (%(n)s rows)",
    "Surat Paksa list viewed": "Surat Paksa list viewed (%(n)s rows)",
    "payment.list viewed": "payment list viewed (%(n)s rows)",
    "payment.unmatched viewed": "unmatched payments viewed (%(n)s rows)",
    "payment.claims viewed": "payment claims viewed (%(n)s rows)",
    "Surat Paksa list exported as XLSX": "Surat Paksa list exported as XLSX (%(n)s rows)",
}
_RENAMED = {
    "details locked after failed challenges": Phrase("details locked"),
    "officer available": Phrase("officer available"),
    "officer unavailable": Phrase("officer unavailable"),
}
_STATUS = {s: Phrase(s.replace("_", " ")) for s in ("active", "opted_out", "undeliverable", "wrong_number")}
_LOGOUT = {"idle": Phrase("idle"), "session age": Phrase("session age")}
_IMPORT_KINDS = {
    "taxpayers": Phrase("taxpayers"),
    "debts": Phrase("debt documents"),
    "letters": Phrase("Surat Teguran"),
    "payments": Phrase("payments"),
}

_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], Phrase]]] = [
    (
        re.compile(r"^debt list exported as (CSV|XLSX) \((\d+) rows\)$"),
        lambda m: Phrase("debt list exported as %(format)s (%(n)s rows)", format=m[1], n=int(m[2])),
    ),
    (
        re.compile(r"^taxpayer search: (\d+) names shown$"),
        lambda m: Phrase("taxpayer search: %(n)s names shown", n=int(m[1])),
    ),
    (re.compile(r"^login locked for (.*)$"), lambda m: Phrase("login locked for %(user)s", user=m[1])),
    (re.compile(r"^failed login for (.*)$"), lambda m: Phrase("failed login for %(user)s", user=m[1])),
    (re.compile(r"^login (\S+)$"), lambda m: Phrase("login %(user)s", user=m[1])),
    (
        re.compile(r"^logout (\S+) \((idle|session age)\)$"),
        lambda m: Phrase("logout %(user)s (%(reason)s)", user=m[1], reason=_LOGOUT[m[2]]),
    ),
    (re.compile(r"^logout (\S+)$"), lambda m: Phrase("logout %(user)s", user=m[1])),
    (
        re.compile(r"^two-factor device enrolled for (\S+)$"),
        lambda m: Phrase("two-factor device enrolled for %(user)s", user=m[1]),
    ),
    (re.compile(r"^two-factor verified for (\S+)$"), lambda m: Phrase("two-factor verified for %(user)s", user=m[1])),
    (
        re.compile(
            r"^contact (active|opted_out|undeliverable|wrong_number) -> (active|opted_out|undeliverable|wrong_number)$"
        ),
        lambda m: Phrase("contact status: %(old)s → %(new)s", old=_STATUS[m[1]], new=_STATUS[m[2]]),
    ),
    (
        re.compile(r"^(\w+) message queued \((reply|bulk)\)$"),
        lambda m: (
            Phrase("%(kind)s message queued (reply)", kind=m[1])
            if m[2] == "reply"
            else Phrase("%(kind)s message queued (bulk)", kind=m[1])
        ),
    ),
    (
        re.compile(r"^webhook event (\d+) re-processed: \w+$"),
        lambda m: Phrase("webhook event %(id)s re-processed", id=int(m[1])),
    ),
    (re.compile(r"^webhook event (\d+) discarded$"), lambda m: Phrase("webhook event %(id)s discarded", id=int(m[1]))),
    (re.compile(r"^bot: no open debt$"), lambda m: Phrase("bot: no open debt")),
    (
        re.compile(r"^bot: details of (\d+) documents, (.+)$"),
        lambda m: Phrase("bot: details of %(n)s documents, %(amount)s", n=int(m[1]), amount=m[2]),
    ),
    (
        re.compile(r"^bot: list of (\d+) documents to choose from$"),
        lambda m: Phrase("bot: list of %(n)s documents to choose from", n=int(m[1])),
    ),
    (
        re.compile(r"^bot: billing code for (\d+) documents$"),
        lambda m: Phrase("bot: billing code for %(n)s documents", n=int(m[1])),
    ),
    (re.compile(r"^bot: payment (\w+) confirmed$"), lambda m: Phrase("bot: payment %(ntpn)s confirmed", ntpn=m[1])),
    (
        re.compile(
            r"^import (\w+) (.+): imported (\d+), updated (\d+), unchanged (\d+), rejected (\d+), warnings (\d+)$"
        ),
        lambda m: Phrase(
            "import %(kind)s %(file)s: %(outcome)s",
            kind=_IMPORT_KINDS.get(m[1], m[1]),
            file=m[2],
            outcome=Phrase(
                "imported %(imported)s, updated %(updated)s, unchanged %(unchanged)s, rejected %(rejected)s, "
                "warnings %(warnings)s",
                imported=int(m[3]),
                updated=int(m[4]),
                unchanged=int(m[5]),
                rejected=int(m[6]),
                warnings=int(m[7]),
            ),
        ),
    ),
]


def legacy_phrase(summary: str) -> Phrase:
    """The phrase an English summary of an older entry says; else the text itself (translated when it is a whole
    catalogue message, such as "taxpayer page viewed")."""
    if summary in _RENAMED:
        return _RENAMED[summary]
    counted = _COUNT.match(summary)
    if counted and counted[1] in _LISTS:
        return Phrase(_LISTS[counted[1]], n=int(counted[2]))
    for pattern, build in _PATTERNS:
        found = pattern.match(summary)
        if found:
            return build(found)
    return Phrase(summary)
