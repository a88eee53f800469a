"""The evaluation data: the labelled set is for tuning (no accuracy target on it: a score on the data the rules
were written against measures memory, not understanding); the held-out sets are the figures."""

from collections import Counter

from triplec.bot.nlu import INTENTS
from triplec.bot.nlu.evaluation import HELDOUT, LABELLED, collapse_for, evaluate, load_labelled


def test_it_has_a_large_enough_labelled_set() -> None:
    rows = load_labelled(LABELLED)
    counts = Counter(intent for _, intent in rows)
    assert len(rows) >= 400
    assert len({text for text, _ in rows}) == len(rows)
    assert all(counts[intent] >= 25 for intent in INTENTS), counts


def test_it_generalises_to_the_earlier_held_out_set() -> None:
    """heldout.tsv is never used to write rules (docs/bot-understanding.md); scored in the intent set of its day."""
    rows = load_labelled(HELDOUT)
    assert len(rows) >= 100
    assert not {text for text, _ in rows} & {text for text, _ in load_labelled(LABELLED)}
    result = evaluate(rows, collapse=collapse_for(HELDOUT))
    assert result.accuracy >= 0.99
    assert not result.confident_misses()


def test_it_reads_the_first_blind_set_in_our_intent_names() -> None:
    """heldout_blind_2026.csv was written by writers who never saw the rules and run once; its errors were then read
    and the rules tuned on them (docs/bot-understanding.md), so its floor guards against regressions only."""
    from triplec.bot.nlu.evaluation import BLIND

    rows = load_labelled(BLIND)
    assert len(rows) >= 330
    assert {intent for _, intent in rows} <= set(INTENTS)
    # six one- or two-word messages ("p", "👍", "unsubscribe", ...) also occur in labelled.tsv; kept as delivered
    assert len({text for text, _ in rows} & {text for text, _ in load_labelled(LABELLED)}) <= 6
    result = evaluate(rows)
    assert result.accuracy >= 0.99
    assert not result.confident_misses()


def test_it_holds_its_figure_on_the_second_blind_set() -> None:
    """heldout_blind_2026b.csv was written blind while the rules were tuned on the first set and opened once, after
    they were final (docs/bot-understanding.md). The floor is that run's figure rounded down: a regression guard,
    not a target, and never a reason to tune rules on this file."""
    from triplec.bot.nlu.evaluation import BLIND_B, CALIBRATION_TOLERANCE

    rows = load_labelled(BLIND_B)
    assert len(rows) >= 320
    assert {intent for _, intent in rows} <= set(INTENTS)
    result = evaluate(rows)
    assert result.accuracy >= 0.82
    assert len(result.confident_misses()) <= 1
    assert all(band.within for band in result.calibration()), CALIBRATION_TOLERANCE
