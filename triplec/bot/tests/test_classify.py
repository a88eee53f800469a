"""Each intent's typical and hard cases, and the priority/negation decisions the answers depend on."""

from pathlib import Path

import pytest

from triplec.bot.nlu import INTENTS, Classification, classify
from triplec.bot.nlu.data import load_labelled
from triplec.bot.nlu.rules import RuleTableError, load_rules

# The case table is data: classify_cases.tsv, in the format of the labelled sets.
CASES: list[tuple[str, str]] = load_labelled(Path(__file__).resolve().with_name("classify_cases.tsv"))


@pytest.mark.parametrize(("text", "intent"), CASES)
def test_it_classifies_typical_and_hard_cases(text: str, intent: str) -> None:
    assert classify(text).intent == intent


def test_it_covers_every_intent_in_the_case_table() -> None:
    assert {intent for _, intent in CASES} == set(INTENTS)


def test_it_explains_which_rules_fired() -> None:
    result = classify("sy blm bayar, minta kode billing")
    assert isinstance(result, Classification)
    assert "kode_billing:billing" in result.matched
    assert not any(m.startswith("sudah_bayar") for m in result.matched)


def test_it_does_not_take_belum_bayar_as_a_payment_claim() -> None:
    assert classify("belum bayar").intent != "sudah_bayar"
    assert classify("pajak apa yg blm lunas?").intent == "rincian"


def test_it_is_deterministic_and_confident_on_clear_messages() -> None:
    first = classify("minta kode billing")
    assert first == classify("minta kode billing")
    assert first.confidence >= 0.9
    assert 0 < classify("tagihan").confidence < first.confidence


def test_it_lowers_confidence_when_intents_compete() -> None:
    clear = classify("stop")
    contested = classify("jangan kirim lagi, sy sdh bayar")
    assert contested.intent == "berhenti"
    assert contested.confidence < clear.confidence


def test_it_never_raises_on_odd_input() -> None:
    for text in ["\x00", "🙂" * 500, "a" * 10_000, "\u200b", "١٢٣", "💳💳💳 ???", "NTPN"]:
        assert classify(text).intent in INTENTS


def test_a_malformed_rule_table_is_refused_naming_the_rule(tmp_path: Path) -> None:
    table = tmp_path / "rules.toml"
    table.write_text("[[rule]]\nintent = 'rincian'\nweight = 1\nname = 'typo'\npattern = '\\b{NO_SUCH_PART}'\n")
    with pytest.raises(RuleTableError, match=r"rule 1 \('typo'\): unknown part \{NO_SUCH_PART\}"):
        load_rules(table)
    table.write_text("[[rule]]\nintent = 'rincain'\nweight = 1\nname = 'typo'\npattern = 'x'\n")
    with pytest.raises(RuleTableError, match="unknown intent 'rincain'"):
        load_rules(table)
    table.write_text(
        "[parts]\nLEFT_OVER = 'x'\n\n[[rule]]\nintent = 'rincian'\nweight = 1\nname = 'ok'\npattern = 'y'\n"
    )
    with pytest.raises(RuleTableError, match="parts no rule uses: LEFT_OVER"):
        load_rules(table)
