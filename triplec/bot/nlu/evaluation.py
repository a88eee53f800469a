"""Accuracy and calibration of the classifier on a labelled file: overall, per intent, the confusions, the
confident misses and stated confidence against accuracy per confidence band.

Three files (docs/bot-understanding.md):
- `labelled.tsv` (`text<TAB>intent`): the tuning set; rules are written against it.
- `heldout.tsv`: the earlier held-out set, never used to write rules. It is labelled in the intent set of its
  day, when a doubt about this channel was `lainnya` and a scam report `pengaduan`; it is scored by collapsing the
  two newer intents back onto those (`LEGACY_COLLAPSE`).
- `heldout_blind_2026.csv` (`text,intent,register`): the blind held-out set, written by writers who never saw
  the rules, in their own intent names (`BLIND_INTENTS` maps them onto ours). Run once, as a figure; its
  errors have since been read and the rules tuned on them, so it is no longer blind.
- `heldout_blind_2026b.csv` (same format): a second blind set, written while the rules were tuned on the first and
  opened only once they were final. Run once, as a figure.
"""

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from triplec.bot.nlu.classifier import INTENTS, classify
from triplec.bot.nlu.policy import needs_clarification

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
LABELLED = DATA_DIR / "labelled.tsv"
HELDOUT = DATA_DIR / "heldout.tsv"
BLIND = DATA_DIR / "heldout_blind_2026.csv"
BLIND_B = DATA_DIR / "heldout_blind_2026b.csv"

# The blind writers' intent names -> ours (identical names are not listed).
BLIND_INTENTS: dict[str, str] = {"detail": "rincian", "sapaan": "salam"}
# heldout.tsv predates the fraud intents: what they were called then.
LEGACY_COLLAPSE: dict[str, str] = {"penipuan_khawatir": "lainnya", "lapor_penipuan": "pengaduan"}
# Confidence bands of the calibration table: [low, high).
BANDS: tuple[tuple[float, float], ...] = ((0.9, 1.01), (0.8, 0.9), (0.7, 0.8), (0.6, 0.7), (0.5, 0.6), (0.0, 0.5))
CALIBRATION_TOLERANCE = 0.10
CONFIDENT = 0.9


class LabelledSetError(ValueError):
    """The labelled file is malformed; the message names the line."""


@dataclass
class IntentScore:
    intent: str
    count: int
    precision: float
    recall: float


@dataclass
class Band:
    low: float
    high: float
    count: int
    mean_confidence: float
    accuracy: float

    @property
    def gap(self) -> float:
        """Accuracy minus stated confidence (positive: the bot undersells itself)."""
        return self.accuracy - self.mean_confidence

    @property
    def within(self) -> bool:
        return self.count == 0 or abs(self.gap) <= CALIBRATION_TOLERANCE + 1e-9


@dataclass
class Prediction:
    text: str
    expected: str
    got: str
    confidence: float
    clarify: bool  # the bot would ask a clarifying question instead of acting

    @property
    def correct(self) -> bool:
        return self.expected == self.got


@dataclass
class Evaluation:
    total: int
    correct: int
    per_intent: list[IntentScore]
    confusions: list[tuple[str, str, int]]  # (expected, got, count), most frequent first
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (text, expected, got)
    predictions: list[Prediction] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def confident_misses(self, threshold: float = CONFIDENT) -> list[Prediction]:
        return [p for p in self.predictions if not p.correct and p.confidence >= threshold]

    def calibration(self) -> list[Band]:
        bands = []
        for low, high in BANDS:
            inside = [p for p in self.predictions if low <= p.confidence < high]
            n = len(inside)
            bands.append(
                Band(
                    low,
                    min(high, 1.0),
                    n,
                    sum(p.confidence for p in inside) / n if n else 0.0,
                    sum(p.correct for p in inside) / n if n else 0.0,
                )
            )
        return bands

    @property
    def clarified(self) -> list[Prediction]:
        return [p for p in self.predictions if p.clarify]


def load_labelled(path: Path | str = LABELLED, *, split: str = "all") -> list[tuple[str, str]]:
    """Rows of a labelled TSV, or of a blind CSV (`text,intent,register`, intents mapped by BLIND_INTENTS).

    `split` (TSV only): "all", "dev" (every 5th row; its errors have since been seen and fixed, so it is no longer
    a clean measure) or "tune" (the rest). A header row and lines starting with '#' are skipped; an unknown intent
    or a row without exactly two columns raises LabelledSetError with the line number, so a typo cannot silently
    shrink the set.
    """
    if Path(path).suffix == ".csv":
        return _load_csv(Path(path))
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


def _load_csv(path: Path) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "text" not in reader.fieldnames or "intent" not in reader.fieldnames:
            raise LabelledSetError(f"{path}: expected a header with text,intent[,register]")
        for number, record in enumerate(reader, start=2):
            text, label = (record.get("text") or "").strip(), (record.get("intent") or "").strip()
            if not text and not label:
                continue
            intent = BLIND_INTENTS.get(label, label)
            if intent not in INTENTS:
                raise LabelledSetError(f"{path}:{number}: unknown intent {label!r}")
            rows.append((text, intent))
    return rows


def collapse_for(path: Path | str) -> dict[str, str]:
    """How predictions are mapped before scoring this file (only heldout.tsv needs it)."""
    return LEGACY_COLLAPSE if Path(path).name == HELDOUT.name else {}


def evaluate(rows: list[tuple[str, str]], *, collapse: dict[str, str] | None = None) -> Evaluation:
    """Classify every row and score it. Pure: no database, no I/O."""
    collapse = collapse or {}
    predicted = Counter()
    expected = Counter()
    hits = Counter()
    confusions = Counter()
    errors: list[tuple[str, str, str]] = []
    predictions: list[Prediction] = []
    for text, intent in rows:
        result = classify(text)
        got = collapse.get(result.intent, result.intent)
        predictions.append(Prediction(text, intent, got, result.confidence, needs_clarification(result)))
        expected[intent] += 1
        predicted[got] += 1
        if got == intent:
            hits[intent] += 1
        else:
            confusions[(intent, got)] += 1
            errors.append((text, intent, got))
    intents = [i for i in INTENTS if i not in collapse]
    per_intent = [
        IntentScore(
            intent=intent,
            count=expected[intent],
            precision=hits[intent] / predicted[intent] if predicted[intent] else 0.0,
            recall=hits[intent] / expected[intent] if expected[intent] else 0.0,
        )
        for intent in intents
    ]
    ordered = [(a, b, n) for (a, b), n in sorted(confusions.items(), key=lambda item: (-item[1], item[0]))]
    return Evaluation(len(rows), sum(hits.values()), per_intent, ordered, errors, predictions)
