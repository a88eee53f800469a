"""Accuracy of the classifier on a labelled TSV (`text<TAB>intent`): overall, per intent, and the confusions."""

import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from triplec.bot.nlu.classifier import INTENTS, classify

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
LABELLED = DATA_DIR / "labelled.tsv"
HELDOUT = DATA_DIR / "heldout.tsv"


class LabelledSetError(ValueError):
    """The labelled file is malformed; the message names the line."""


@dataclass
class IntentScore:
    intent: str
    count: int
    precision: float
    recall: float


@dataclass
class Evaluation:
    total: int
    correct: int
    per_intent: list[IntentScore]
    confusions: list[tuple[str, str, int]]  # (expected, got, count), most frequent first
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (text, expected, got)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


def load_labelled(path: Path | str = LABELLED, *, split: str = "all") -> list[tuple[str, str]]:
    """Rows of a labelled TSV. `split`: "all", "dev" (every 5th row; its errors have since been seen and fixed, so
    it is no longer a clean measure) or "tune" (the rest).

    A header row `text<TAB>intent` and lines starting with '#' are skipped; an unknown intent or a row
    without exactly two columns raises LabelledSetError with the line number, so a typo cannot silently
    shrink the set.
    """
    rows: list[tuple[str, str]] = []
    content = Path(path).read_text(encoding="utf-8")
    for number, line in enumerate(io.StringIO(content), start=1):
        line = line.rstrip("\n").rstrip("\r")
        if not line.strip() or line.startswith("#") or line == "text\tintent":
            continue
        parts = line.split("\t")
        if len(parts) != 2:
            raise LabelledSetError(f"{path}:{number}: expected 'text<TAB>intent', got {len(parts)} column(s)")
        text, intent = parts[0].strip(), parts[1].strip()
        if intent not in INTENTS:
            raise LabelledSetError(f"{path}:{number}: unknown intent {intent!r}")
        rows.append((text, intent))
    if split == "all":
        return rows
    if split not in ("dev", "tune"):
        raise ValueError(f"unknown split {split!r}")
    return [row for index, row in enumerate(rows) if (index % 5 == 4) == (split == "dev")]


def evaluate(rows: list[tuple[str, str]]) -> Evaluation:
    """Classify every row and score it. Pure: no database, no I/O."""
    predicted = Counter()
    expected = Counter()
    hits = Counter()
    confusions = Counter()
    errors: list[tuple[str, str, str]] = []
    for text, intent in rows:
        got = classify(text).intent
        expected[intent] += 1
        predicted[got] += 1
        if got == intent:
            hits[intent] += 1
        else:
            confusions[(intent, got)] += 1
            errors.append((text, intent, got))
    per_intent = [
        IntentScore(
            intent=intent,
            count=expected[intent],
            precision=hits[intent] / predicted[intent] if predicted[intent] else 0.0,
            recall=hits[intent] / expected[intent] if expected[intent] else 0.0,
        )
        for intent in INTENTS
    ]
    ordered = [(a, b, n) for (a, b), n in sorted(confusions.items(), key=lambda item: (-item[1], item[0]))]
    return Evaluation(len(rows), sum(hits.values()), per_intent, ordered, errors)

