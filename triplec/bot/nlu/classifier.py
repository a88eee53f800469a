"""classify(): one message (text, button or list reply) to exactly one intent, with the reasons.

Buttons and typed menu digits are certain. Free text goes to both halves of understanding: the weighted rules
(`rules.py`) and the n-gram model (`model.py`). The model's probabilities, with the rules' winner added at
RULE_WEIGHT times the rules' own confidence, decide the intent; whether the two halves agree and how clear the
winner is decide the stated confidence (`_confidence`), measured by cross-validation (docs/bot-understanding.md).
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from triplec.bot.menu import button_titles, menu_intent
from triplec.bot.nlu.intents import INTENTS
from triplec.bot.nlu.model import IntentModel, default_model, model_text
from triplec.bot.nlu.normalise import normalise, prepare
from triplec.bot.nlu.ntpn import extract_ntpn
from triplec.bot.nlu.rules import PRIORITY, RULES

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
# How much the rules' winner adds to the model's probability for it, times the rules' confidence in it. Chosen by
# leaving out the blind set the rules were never tuned on: 0.2 to 0.3 gained 1 point over the model alone there,
# 0.5 for every intent lost 1.5 points, 1.0 lost 4.6 (the rules fit their tuning data better than new messages).
RULE_WEIGHT = 0.3
# Stopping and restarting messages, a wrong number and a scam report weigh more: their rules carry product decisions
# that n-grams cannot see (negation: "tdk perlu kirim lagi" is a stop; an explicit stop beats a payment claim; a
# scam report beats everything). Cross-validated at the same accuracy as 0.3.
SAFETY_WEIGHT = 0.5
SAFETY_INTENTS = frozenset({"berhenti", "mulai", "salah_nomor", "lapor_penipuan"})
# What `matched` says about the model: its (combined) winner and probability.
MODEL_NOTE = "model:{intent} {p:.2f}"
# A second intent is named (for a clarifying question) only if it kept at least this much probability.
RUNNER_UP_MIN = 0.1
# The stated confidence (_confidence), read off cross-validation on messages neither half had seen.
# Rules and model agree, the rules' evidence is clear (their own confidence >= 0.87) and the model is fairly sure:
# every such decision was right in every held-out fold; so were agreements at a combined 0.95 or more.
CERTAIN = 0.97
CLEAR_RULES = 0.87
# (agreement, lowest combined probability, stated confidence); the first matching row wins.
TIERS: tuple[tuple[str, float, float], ...] = (
    ("agree", 0.95, CERTAIN),
    ("agree", 0.5, 0.89),
    ("agree", 0.0, 0.87),
    ("silent", 0.6, 0.89),
    ("silent", 0.0, 0.69),
    ("disagree", 0.7, 0.89),
    ("disagree", 0.0, 0.8),
)
LAINNYA_MAX = 0.89
# One or two words that no clear rule explains ("bayar", "sudah", "kirim") could mean several things; the model's
# probability on them reflects the training set more than the sender, so the bot asks.
SHORT = 2
SHORT_UNCLEAR = 0.75


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


def classify(
    text: str,
    *,
    button_payload: str | None = None,
    menu: list[str] | None = None,
    model: IntentModel | None = None,
) -> Classification:
    """Classify one inbound message.

    `button_payload` is the id of a tapped button or list row (its title arrives as `text`); `menu` is the list of
    intents in the order last offered to this contact, so that "2" means the second option shown; without it the
    main menu applies. `model` replaces the default model (cross-validation trains one per fold); results with
    the default model are cached.
    """
    text = text or ""
    if button_payload:
        by_button = _from_payload(button_payload)
        if by_button:
            return Classification(by_button, 1.0, [f"button:{button_payload}"], extract_ntpn(text))
    title_intent = button_titles().get(" ".join(prepare(text).split()))
    if title_intent:
        return Classification(title_intent, 1.0, [f"button title:{text.strip()}"])
    menu_key = tuple(menu) if menu is not None else None
    if model is not None:
        return classify_text(text, menu_key, model)
    return _classify_text(text, menu_key)


def _from_payload(payload: str) -> str | None:
    """Our payloads are "menu:<intent>" or "<intent>[:extra]"; unknown payloads fall back to the title text."""
    value = payload.strip().lower()
    if value.startswith("menu:"):
        value = value[5:]
    value = value.split(":", 1)[0].split("?", 1)[0]
    return value if value in INTENTS else None


@lru_cache(maxsize=8192)
def _classify_text(text: str, menu: tuple[str, ...] | None) -> Classification:
    return classify_text(text, menu, default_model())


def classify_text(text: str, menu: tuple[str, ...] | None, model: IntentModel) -> Classification:
    """Free text (not a button): a menu digit, else rules and model combined."""
    normalised = normalise(text)
    ntpn = extract_ntpn(text)
    digits = _menu_digit(normalised.tokens)
    if digits is not None and ntpn is None:
        intent = menu_intent(digits, list(menu) if menu is not None else None)
        if intent:
            return Classification(intent, 0.95, [f"menu digit:{digits}"], None, digits)
        return Classification("lainnya", 0.6, [f"menu digit out of range:{digits}"], None, digits)
    if not normalised.tokens:  # nothing readable: only emoji we do not interpret, punctuation
        return Classification("lainnya", 0.9, ["nothing to read"], ntpn)

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

    combined = model.probabilities(model_text(normalised.text, ntpn is not None))
    rule_intent, rule_confidence = None, 0.0
    if scores:
        ranked = sorted(scores.items(), key=lambda item: (-item[1], _RANK[item[0]]))
        rule_intent, top = ranked[0]
        rules_for_top = sum(1 for name in matched if name.startswith(rule_intent + ":"))
        rule_confidence = _rule_confidence(
            top, ranked[1][1] if len(ranked) > 1 else 0, rules_for_top, len(normalised.tokens)
        )
        weight = SAFETY_WEIGHT if rule_intent in SAFETY_INTENTS else RULE_WEIGHT
        combined[rule_intent] = combined.get(rule_intent, 0.0) + weight * rule_confidence
        total = sum(combined.values())
        combined = {intent: p / total for intent, p in combined.items()}
    ordered = sorted(combined.items(), key=lambda item: (-item[1], _RANK[item[0]]))
    (intent, p), (second, p2) = ordered[0], ordered[1]
    matched.append(MODEL_NOTE.format(intent=intent, p=p))
    agreement = "silent" if rule_intent is None else ("agree" if rule_intent == intent else "disagree")
    confidence = _confidence(agreement, p, intent, rule_confidence)
    if len(normalised.tokens) <= SHORT and rule_confidence < CLEAR_RULES:
        confidence = min(confidence, SHORT_UNCLEAR)
    return Classification(intent, confidence, matched, ntpn, runner_up=second if p2 >= RUNNER_UP_MIN else None)


def _menu_digit(tokens: list[str]) -> int | None:
    """The number typed when the message is only a menu choice ("2", "no. 3", "pilih 1 ya kak"), else None."""
    rest = [t for t in tokens if t not in _DIGIT_FILLERS]
    if len(rest) == 1 and re.fullmatch(r"\d{1,2}", rest[0]):
        return int(rest[0])
    return None


def _rule_confidence(top: int, runner_up: int, rules_for_top: int, length: int) -> float:
    """How sure the rules alone are, by evidence tier; it scales the rules' vote in the combination.

    Unopposed decisive evidence (a weight-4+ phrase, or two rules of the intent) in a short message states 0.94 to
    0.97 (long messages mix topics), 0.89 in a longer one; other unopposed evidence 0.87, a lone weight-1 hint 0.55;
    contested evidence follows the margin over the runner-up, down to 0.45 for a tie. These were the rules' own
    measured accuracies on blind-written messages they had not been tuned on.
    """
    if runner_up == 0:
        decisive = top >= 4 or rules_for_top >= 2
        if decisive and length <= 12:
            return 0.97 if (rules_for_top >= 2 and top >= 6) else 0.94
        if decisive:
            return 0.89
        return 0.87 if top >= 2 else 0.55
    margin = top / (top + runner_up)
    if margin >= 0.75:
        return 0.87
    if margin >= 0.6:
        return 0.75
    if margin > 0.5:
        return 0.55
    return 0.45


def _confidence(agreement: str, p: float, intent: str, rule_confidence: float) -> float:
    """The stated confidence: how often a decision of this kind was right on messages left out of training.

    `agreement` is "agree" (the rules' winner is the intent), "disagree" (the rules preferred another) or "silent"
    (no rule fired); `p` is the combined probability of the intent. Read off cross-validation (`triplec bot
    crossval`, docs/bot-understanding.md). Only agreement reaches 0.9, and `lainnya`, the residual class, never
    does. On messages the rules were not tuned on, the model won most disagreements, hence their tiers.
    """
    if intent != "lainnya" and agreement == "agree" and rule_confidence >= CLEAR_RULES and p >= 0.8:
        return CERTAIN
    for kind, lowest, stated in TIERS:
        if kind == agreement and p >= lowest:
            return min(stated, LAINNYA_MAX) if intent == "lainnya" else stated
    raise ValueError(f"unknown agreement {agreement!r}")
