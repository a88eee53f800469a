"""The evaluation data and the generalisation figures.

The model trains on labelled.tsv, written.tsv and the first four blind sets, so no accuracy is asserted on them (a score on
training data measures memory, not understanding). What is asserted: the files are well-formed and disjoint from
the held-out file, heldout.tsv (never trained on) keeps its floor, and a model trained without the second blind
set still understands it (the rules were never tuned on that set either, so both halves see it as new).
"""

from collections import Counter

from triplec.bot.nlu import INTENTS
from triplec.bot.nlu.data import (
    BLIND,
    BLIND_B,
    BLIND_C,
    BLIND_D,
    BLIND_E,
    BLIND_SETS,
    HELD_OUT_FILES,
    HELDOUT,
    LABELLED,
    TRAINING_FILES,
    WRITTEN,
)
from triplec.bot.nlu.evaluation import CALIBRATION_TOLERANCE, collapse_for, evaluate, load_labelled
from triplec.bot.nlu.model import train


def test_it_has_enough_training_messages_for_every_intent() -> None:
    labelled = load_labelled(LABELLED)
    assert len(labelled) >= 400
    assert len({text for text, _ in labelled}) == len(labelled)
    counts = Counter(intent for path in TRAINING_FILES for _, intent in load_labelled(path))
    assert all(counts[intent] >= 50 for intent in INTENTS), counts


def test_the_blind_sets_are_read_in_our_intent_names() -> None:
    for path, size in ((BLIND, 330), (BLIND_B, 320), (BLIND_C, 330), (BLIND_D, 350), (BLIND_E, 300)):
        rows = load_labelled(path)
        assert len(rows) >= size
        assert {intent for _, intent in rows} <= set(INTENTS)


def test_the_written_training_messages_never_repeat_a_held_out_one() -> None:
    written = {text.lower() for text, _ in load_labelled(WRITTEN)}
    assert len(written) >= 400
    for path in (*HELD_OUT_FILES, *BLIND_SETS):
        assert not written & {text.lower() for text, _ in load_labelled(path)}, path.name


def test_it_generalises_to_the_held_out_file() -> None:
    """heldout.tsv is never trained on; scored in the intent set of its day. Floor: the figure to keep (94.7%)."""
    rows = load_labelled(HELDOUT)
    assert len(rows) >= 100
    training_texts = {text for path in TRAINING_FILES for text, _ in load_labelled(path)}
    # two one-word messages also occur in blind sets, as their writers delivered them
    assert {text for text, _ in rows} & training_texts <= {"BERHENTI", "P"}
    result = evaluate(rows, collapse=collapse_for(HELDOUT))
    assert result.accuracy >= 0.947
    assert not result.confident_misses()


def test_a_model_that_never_saw_the_second_blind_set_understands_it() -> None:
    """Leave-one-set-out on the set the rules were never tuned on (docs/bot-understanding.md). A regression guard
    for the model and the confidence tiers: no wrong answer at >= 0.9, and the stated confidence of every band of
    20 or more messages within the tolerance of its accuracy (a band of three says nothing)."""
    model = train([row for path in TRAINING_FILES if path != BLIND_B for row in load_labelled(path)])
    result = evaluate(load_labelled(BLIND_B), model=model)
    assert result.accuracy >= 0.94
    assert not result.confident_misses()
    bands = [band for band in result.calibration() if band.count >= 20]
    assert sum(band.count for band in bands) >= 0.9 * result.total
    assert all(band.within for band in bands), CALIBRATION_TOLERANCE


def test_it_generalises_to_the_newest_blind_set() -> None:
    """heldout_blind_2026e.csv is never trained on (scored once at 99.7% when it arrived, docs/bot-understanding.md).
    Floor: the issue's 95%, and no wrong answer at >= 0.9."""
    result = evaluate(load_labelled(BLIND_E))
    assert result.total >= 300
    assert result.accuracy >= 0.95
    assert not result.confident_misses()
