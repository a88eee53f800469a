"""When the bot should ask instead of act: one rule, used by the conversation and by the evaluation.

A confident wrong answer is worse than a question. The bot asks one short numbered question ("1. X  2. Y")
when two intents had comparable evidence or the evidence is weak, and the intents that disclose details, issue
a billing code, stop or restart messages or mark a number wrong act only on high confidence (a tapped button or
typed menu digit always is) or after that question.
"""

from triplec.bot.nlu.classifier import Classification

# Intents with consequences: disclosure (rincian, sudah_bayar), payment (kode_billing), messages stopped or
# restarted and a contact marked wrong (berhenti, mulai, salah_nomor).
ACTING_INTENTS = frozenset({"rincian", "kode_billing", "sudah_bayar", "berhenti", "mulai", "salah_nomor"})
ACT_MIN_CONFIDENCE = 0.85
LOW_CONFIDENCE = 0.7
# Harmless on their own: a weak greeting, thanks or "other" gets the menu anyway.
_HARMLESS = frozenset({"salam", "terima_kasih", "lainnya"})


def needs_clarification(result: Classification) -> bool:
    if result.intent in ACTING_INTENTS:
        return result.confidence < ACT_MIN_CONFIDENCE
    if result.intent in _HARMLESS and result.runner_up in (None, *_HARMLESS):
        return False
    return result.confidence < LOW_CONFIDENCE


def clarification_options(result: Classification) -> list[str]:
    """The two intents offered: the best guess and the runner-up (or the menu when there is none)."""
    second = result.runner_up if result.runner_up and result.runner_up not in _HARMLESS else "salam"
    first = result.intent if result.intent != "lainnya" else "salam"
    return [first, second] if first != second else [first, "petugas"]
