"""classify(): one message (text, button or list reply) to exactly one intent, with the reasons."""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from triplec.bot.menu import button_titles, menu_intent
from triplec.bot.nlu.normalise import normalise, prepare
from triplec.bot.nlu.ntpn import extract_ntpn
from triplec.bot.nlu.rules import PRIORITY, RULES

INTENTS: tuple[str, ...] = (
    "rincian",
    "kode_billing",
    "sudah_bayar",
    "angsuran",
    "keberatan",
    "petugas",
    "berhenti",
    "mulai",
    "pengaduan",
    "salah_nomor",
    "penipuan_khawatir",
    "lapor_penipuan",
    "salam",
    "terima_kasih",
    "lainnya",
)
_RANK = {intent: index for index, intent in enumerate(PRIORITY)}
# Words that may surround a typed menu digit without changing its meaning ("pilih 2", "nomor 6 pak").
_DIGIT_FILLERS = frozenset(
    {
        "nomor",
        "pilih",
        "pilihan",
        "angka",
        "opsi",
        "bapak",
        "ibu",
        "kakak",
        "ya",
        "saya",
        "mau",
        "yang",
        "menu",
        "emoji_thanks",
        "emoji_ok",
    }
)
_NTPN_WEIGHT = 4
# The low tiers, measured on blind-written messages before the rules were tuned on them (docs/bot-understanding.md):
# a lone weak hint or a narrow win was right about half the time, a tie or "no rule matched" well under half.
WEAK = 0.55
TIE = 0.45
NOTHING_MATCHED = 0.4


@dataclass(frozen=True)
class Classification:
    """The outcome the conversation layer acts on.

    `matched` explains the decision (rule names, button, menu digit, spelling fixes) for logs and staff;
    `ntpn` is set whenever a receipt number was found (whatever the intent); `digits_choice` is the number the
    taxpayer typed when the whole message was a menu choice, so a document picker can reuse it.
    """

    intent: str
    confidence: float
    matched: list[str] = field(default_factory=list)
    ntpn: str | None = None
    digits_choice: int | None = None
    runner_up: str | None = None  # the second-best intent when another one had evidence too


def classify(text: str, *, button_payload: str | None = None, menu: list[str] | None = None) -> Classification:
    """Classify one inbound message.

    `button_payload` is the id of a tapped button or list row (its title arrives as `text`); `menu` is the list of
    intents in the order last offered to this contact, so that "2" means the second option shown; without it the
    main menu applies.
    """
    text = text or ""
    if button_payload:
        by_button = _from_payload(button_payload)
        if by_button:
            return Classification(by_button, 1.0, [f"button:{button_payload}"], extract_ntpn(text))
    title_intent = button_titles().get(" ".join(prepare(text).split()))
    if title_intent:
        return Classification(title_intent, 1.0, [f"button title:{text.strip()}"])
    return _classify_text(text, tuple(menu) if menu is not None else None)


def _from_payload(payload: str) -> str | None:
    """Our payloads are "menu:<intent>" or "<intent>[:extra]"; unknown payloads fall back to the title text."""
    value = payload.strip().lower()
    if value.startswith("menu:"):
        value = value[5:]
    value = value.split(":", 1)[0].split("?", 1)[0]
    return value if value in INTENTS else None


@lru_cache(maxsize=8192)
def _classify_text(text: str, menu: tuple[str, ...] | None) -> Classification:
    normalised = normalise(text)
    ntpn = extract_ntpn(text)
    digits = _menu_digit(normalised.tokens)
    if digits is not None and ntpn is None:
        intent = menu_intent(digits, list(menu) if menu is not None else None)
        if intent:
            return Classification(intent, 0.95, [f"menu digit:{digits}"], None, digits)
        return Classification("lainnya", 0.6, [f"menu digit out of range:{digits}"], None, digits)

    scores: dict[str, int] = defaultdict(int)
    matched: list[str] = []
    for rule in RULES:
        if rule.pattern.search(normalised.text) and not (rule.unless and rule.unless.search(normalised.text)):
            scores[rule.intent] += rule.weight
            matched.append(f"{rule.intent}:{rule.name}")
    if ntpn:
        scores["sudah_bayar"] += _NTPN_WEIGHT
        matched.append("sudah_bayar:ntpn")
    matched.extend(normalised.notes)
    if not scores:
        return Classification(
            "lainnya", NOTHING_MATCHED if normalised.tokens else 0.9, matched or ["no rule matched"], ntpn
        )

    ranked = sorted(scores.items(), key=lambda item: (-item[1], _RANK[item[0]]))
    intent, top = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    rules_for_top = sum(1 for name in matched if name.startswith(intent + ":"))
    confidence = _confidence(top, runner_up, rules_for_top, len(normalised.tokens))
    second = ranked[1][0] if len(ranked) > 1 else None
    return Classification(intent, confidence, matched, ntpn, runner_up=second)


def _menu_digit(tokens: list[str]) -> int | None:
    """The number typed when the message is only a menu choice ("2", "no. 3", "pilih 1 ya kak"), else None."""
    rest = [t for t in tokens if t not in _DIGIT_FILLERS]
    if len(rest) == 1 and re.fullmatch(r"\d{1,2}", rest[0]):
        return int(rest[0])
    return None


def _confidence(top: int, runner_up: int, rules_for_top: int, length: int) -> float:
    """How often a decision of this kind is right, by evidence tier (not a product of scores).

    0.9 and above is kept for unopposed evidence that is both decisive (a weight-4+ phrase, or two rules of
    the intent agreeing) and in a short message: long messages (formal letters, voice-note transcripts) mix
    topics, and a single misleading keyword is the typical confident mistake. Other unopposed evidence states
    0.89 down to 0.55; contested evidence follows the margin over the runner-up, down to 0.45 for a tie, and a
    message no rule understood states 0.4.
    The tiers were set on messages the rules had not yet been tuned on (docs/bot-understanding.md).
    """
    if runner_up == 0:
        decisive = top >= 4 or rules_for_top >= 2
        if decisive and length <= 12:
            return 0.97 if (rules_for_top >= 2 and top >= 6) else 0.94
        if decisive:
            return 0.89
        return 0.87 if top >= 2 else WEAK
    margin = top / (top + runner_up)
    if margin >= 0.75:
        return 0.87
    if margin >= 0.6:
        return 0.75
    if margin > 0.5:
        return WEAK
    return TIE
