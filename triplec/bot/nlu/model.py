"""The statistical half of understanding: a linear model over character and word n-grams of the normalised text.

Hand rules recognise the phrasings they were written for; the model recognises phrasings that merely resemble the
training messages (a new spelling, a word order, a register). `classifier.py` combines the two.

Features: TF-IDF of character n-grams (2 to 5, within word boundaries, so typos and affixes still share most
n-grams) and of word unigrams and bigrams, both over `normalise()`'s canonical text, n-grams seen at least twice.
Classifier: multinomial logistic regression (C=10), whose probabilities the classifier turns into a confidence.
Trained from the repository's labelled files (`data.TRAINING_FILES`) the first time a process needs it, in about
a second of CPU; deterministic (same files, same model), offline, nothing stored.
"""

import logging
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from triplec.bot.nlu.data import training_rows
from triplec.bot.nlu.normalise import normalise
from triplec.bot.nlu.ntpn import extract_ntpn

log = logging.getLogger(__name__)

C = 10.0
MIN_DF = 2
CHAR_NGRAMS = (2, 5)
WORD_NGRAMS = (1, 2)


@dataclass(frozen=True, eq=False)
class _Part:
    """One fitted TF-IDF vectoriser, reduced to what scoring one message needs."""

    analyzer: Callable[[str], list[str]]
    vocabulary: dict[str, int]
    idf: np.ndarray
    offset: int  # where its columns start in the model's coefficients


@dataclass(frozen=True, eq=False)
class IntentModel:
    """A trained model: `probabilities(normalised_text)` gives every intent it knows with its probability.

    Scoring one message is done here, not through scikit-learn's transform/predict_proba, whose per-call input
    checks cost more than the arithmetic: the same sublinear TF-IDF with l2 norm per vectoriser, then softmax of
    the linear scores (tested equal to scikit-learn's predict_proba).
    """

    parts: tuple[_Part, ...]
    coef: np.ndarray  # intents x features
    intercept: np.ndarray
    intents: tuple[str, ...]
    size: int  # training messages

    def probabilities(self, normalised_text: str) -> dict[str, float]:
        columns: list[int] = []
        values: list[float] = []
        for part in self.parts:
            counts = Counter(part.vocabulary[g] for g in part.analyzer(normalised_text) if g in part.vocabulary)
            if not counts:
                continue
            index = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
            weights = (1.0 + np.log(np.fromiter(counts.values(), dtype=float, count=len(counts)))) * part.idf[index]
            weights /= np.sqrt(weights @ weights)
            columns.extend((index + part.offset).tolist())
            values.extend(weights.tolist())
        scores = self.intercept.copy()
        if columns:
            scores += self.coef[:, columns] @ np.asarray(values)
        scores = np.exp(scores - scores.max())
        scores /= scores.sum()
        return dict(zip(self.intents, scores.tolist(), strict=True))


def train(rows: list[tuple[str, str]]) -> IntentModel:
    """Fit a model on (raw text, intent) rows."""
    # scikit-learn is imported here, not at module level: it costs about a second of start-up, which processes
    # that never classify free text (migrations, the console, most commands) should not pay.
    import scipy.sparse  # lazy: start-up time
    from sklearn.feature_extraction.text import TfidfVectorizer  # lazy: start-up time
    from sklearn.linear_model import LogisticRegression  # lazy: start-up time
    from threadpoolctl import threadpool_limits  # lazy: start-up time

    vectorisers = (
        TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, min_df=MIN_DF, sublinear_tf=True),
        TfidfVectorizer(
            analyzer="word", ngram_range=WORD_NGRAMS, min_df=MIN_DF, sublinear_tf=True, token_pattern=r"\S+"
        ),
    )
    texts = [model_text(normalise(text).text, extract_ntpn(text) is not None) for text, _ in rows]
    intents = [intent for _, intent in rows]
    # One thread: on a small shared machine, BLAS threads fighting over the cores made fitting ten times slower.
    with threadpool_limits(limits=1):
        matrix = scipy.sparse.hstack([v.fit_transform(texts) for v in vectorisers]).tocsr()
        classifier = LogisticRegression(C=C, max_iter=3000, random_state=0).fit(matrix, intents)
    parts, offset = [], 0
    for v in vectorisers:
        parts.append(_Part(v.build_analyzer(), dict(v.vocabulary_), np.asarray(v.idf_, dtype=float), offset))
        offset += len(v.vocabulary_)
    return IntentModel(
        tuple(parts),
        np.ascontiguousarray(classifier.coef_, dtype=float),
        np.asarray(classifier.intercept_, dtype=float),
        tuple(str(c) for c in classifier.classes_),
        len(rows),
    )


def model_text(normalised_text: str, has_ntpn: bool) -> str:
    """What the model reads: the normalised text, plus the word "ntpn" when a receipt number was found in it (the
    number itself is different in every message; that there is one is what the model can learn)."""
    return f"{normalised_text} ntpn" if has_ntpn else normalised_text


_lock = threading.Lock()
_default: list[IntentModel] = []


def warm_up(*first: Callable[[], object]) -> None:
    """Train the default model in a background thread now, so that the first taxpayer's message after a start does
    not wait for it (a message that arrives meanwhile waits only for the rest). The web entry points call this,
    with the other slow first uses of their process (`first`: run in the same thread, before the training; one
    that fails is logged and does not stop the training)."""

    def run() -> None:
        for warm in first:
            try:
                warm()
            except Exception:  # noqa: BLE001 - a warm-up is an optimisation: the first real use does it again
                log.exception("warm-up %s failed", getattr(warm, "__name__", warm))
        default_model()

    threading.Thread(target=run, name="intent-model-warm-up", daemon=True).start()


def default_model() -> IntentModel:
    """The model trained on every training file, built once per process (thread-safe)."""
    if not _default:
        with _lock:
            if not _default:
                _default.append(train(training_rows()))
    return _default[0]
