"""Accuracy and calibration of the classifier on a labelled file (overall, per intent, the confusions, the
confident misses, stated confidence against accuracy per confidence band), and cross-validation of the model.

Scoring is strict: a message counts as right only if the intent the bot settled on is the labelled one. A message
on which the bot would ask a clarifying question (`policy.needs_clarification`) is scored by its best guess like
any other; how many asked, and how often the right intent was one of the two options offered, is reported beside
the accuracy, never folded into it.

The files (docs/bot-understanding.md and `data.py`): the model trains on labelled.tsv, written.tsv and the first
four blind sets; heldout.tsv and the fifth blind set are never trained on (heldout.tsv is scored in the intent set
of its day, `LEGACY_COLLAPSE`). Since the model has seen the other files, their figures measure fit: `cross_validate` gives the generalisation figures.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from triplec.bot.nlu.classifier import classify
from triplec.bot.nlu.data import (
    BLIND,
    BLIND_B,
    BLIND_INTENTS,
    BLIND_SETS,
    DATA_DIR,
    HELD_OUT_FILES,
    HELDOUT,
    LABELLED,
    TRAINING_FILES,
    WRITTEN,
    LabelledSetError,
    load_labelled,
)
from triplec.bot.nlu.intents import INTENTS
from triplec.bot.nlu.model import IntentModel, train
from triplec.bot.nlu.policy import clarification_options, needs_clarification

__all__ = [
    "BLIND",
    "BLIND_B",
    "BLIND_INTENTS",
    "BLIND_SETS",
    "HELD_OUT_FILES",
    "DATA_DIR",
    "HELDOUT",
    "LABELLED",
    "TRAINING_FILES",
    "WRITTEN",
    "LabelledSetError",
    "load_labelled",
]

# heldout.tsv predates the fraud intents: what they were called then.
LEGACY_COLLAPSE: dict[str, str] = {"penipuan_khawatir": "lainnya", "lapor_penipuan": "pengaduan"}
# Confidence bands of the calibration table: [low, high).
BANDS: tuple[tuple[float, float], ...] = ((0.9, 1.01), (0.8, 0.9), (0.7, 0.8), (0.6, 0.7), (0.5, 0.6), (0.0, 0.5))
CALIBRATION_TOLERANCE = 0.10
CONFIDENT = 0.9
KFOLD = 5
SEED = 0


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
    options: tuple[str, ...] = ()  # the intents offered in that question

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

    def summary(self, name: str) -> list[dict]:
        """The figures as JSON-ready rows: one summary, then one per band, per intent, per confusion, per miss."""
        clarified = self.clarified
        rows: list[dict] = [
            {
                "kind": "summary",
                "set": name,
                "total": self.total,
                "correct": self.correct,
                "accuracy": round(self.accuracy, 4),
                "misses_at_0.9": len(self.confident_misses()),
                "asks": len(clarified),
                "asks_wrong_guess": sum(not p.correct for p in clarified),
                "asks_right_intent_offered": sum(p.expected in p.options for p in clarified),
                "wrong_and_acted_on": sum(not p.correct and not p.clarify for p in self.predictions),
                "calibrated": all(band.within for band in self.calibration()),
            }
        ]
        for band in self.calibration():
            rows.append(
                {
                    "kind": "band",
                    "set": name,
                    "band": f"{band.low:.1f}-{band.high:.2f}",
                    "count": band.count,
                    "stated": round(band.mean_confidence, 4),
                    "accuracy": round(band.accuracy, 4),
                    "within": band.within,
                }
            )
        for score in self.per_intent:
            rows.append(
                {
                    "kind": "intent",
                    "set": name,
                    "intent": score.intent,
                    "count": score.count,
                    "precision": round(score.precision, 4),
                    "recall": round(score.recall, 4),
                }
            )
        for expected, got, count in self.confusions:
            rows.append({"kind": "confusion", "set": name, "expected": expected, "got": got, "count": count})
        for p in self.confident_misses():
            rows.append(
                {
                    "kind": "miss",
                    "set": name,
                    "expected": p.expected,
                    "got": p.got,
                    "confidence": p.confidence,
                    "text": p.text,
                }
            )
        return rows


def collapse_for(path: Path | str) -> dict[str, str]:
    """How predictions are mapped before scoring this file (only heldout.tsv needs it)."""
    return LEGACY_COLLAPSE if Path(path).name == HELDOUT.name else {}


def evaluate(
    rows: list[tuple[str, str]], *, collapse: dict[str, str] | None = None, model: IntentModel | None = None
) -> Evaluation:
    """Classify every row and score it (with `model` instead of the default one if given). No database, no I/O."""
    collapse = collapse or {}
    predicted = Counter()
    expected = Counter()
    hits = Counter()
    confusions = Counter()
    errors: list[tuple[str, str, str]] = []
    predictions: list[Prediction] = []
    for text, intent in rows:
        result = classify(text, model=model)
        got = collapse.get(result.intent, result.intent)
        clarify = needs_clarification(result)
        options = tuple(collapse.get(o, o) for o in clarification_options(result)) if clarify else ()
        predictions.append(Prediction(text, intent, got, result.confidence, clarify, options))
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


def merge(evaluations: list[Evaluation]) -> Evaluation:
    """One evaluation of several disjoint parts (the folds of a cross-validation)."""
    predictions = [p for e in evaluations for p in e.predictions]
    predicted, expected, hits, confusions = Counter(), Counter(), Counter(), Counter()
    for p in predictions:
        expected[p.expected] += 1
        predicted[p.got] += 1
        if p.correct:
            hits[p.expected] += 1
        else:
            confusions[(p.expected, p.got)] += 1
    per_intent = [
        IntentScore(
            intent,
            expected[intent],
            hits[intent] / predicted[intent] if predicted[intent] else 0.0,
            hits[intent] / expected[intent] if expected[intent] else 0.0,
        )
        for intent in INTENTS
    ]
    ordered = [(a, b, n) for (a, b), n in sorted(confusions.items(), key=lambda item: (-item[1], item[0]))]
    errors = [(p.text, p.expected, p.got) for p in predictions if not p.correct]
    return Evaluation(len(predictions), sum(hits.values()), per_intent, ordered, errors, predictions)


def leave_one_set_out(files: tuple[Path, ...] = TRAINING_FILES) -> dict[str, Evaluation]:
    """Each training file scored by a model trained on the others (the rules stay as they are: they were tuned on
    labelled.tsv and the first blind set, so the later blind sets and written.tsv are new to the rules too)."""
    results = {}
    for left_out in files:
        rows = [row for path in files if path != left_out for row in load_labelled(path)]
        results[left_out.name] = evaluate(load_labelled(left_out), model=train(rows))
    return results


def stratified_kfold(files: tuple[Path, ...] = TRAINING_FILES, k: int = KFOLD, seed: int = SEED) -> Evaluation:
    """Every training message scored by a model trained on the other k-1 folds (stratified by intent, fixed seed)."""
    from sklearn.model_selection import StratifiedKFold  # lazy: start-up time (scikit-learn, see model.py)

    rows = [row for path in files for row in load_labelled(path)]
    folds = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(rows, [i for _, i in rows])
    parts = []
    for train_index, test_index in folds:
        model = train([rows[i] for i in train_index])
        parts.append(evaluate([rows[i] for i in test_index], model=model))
    return merge(parts)
