"""Normalisation of WhatsApp Indonesian and Kupang Malay to canonical words."""

from pathlib import Path

import pytest

from triplec.bot.nlu.normalise import normalise


def _read_cases(path: Path) -> list[tuple[str, str]]:
    """The `raw<TAB>normalised` rows under the header of a case file; lines starting with '#' are comments."""
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if line and not line.startswith("#")]
    assert rows[0] == ["raw", "normalised"] and all(len(row) == 2 for row in rows), path
    return [(raw, expected) for raw, expected in rows[1:]]


CASES = _read_cases(Path(__file__).resolve().with_name("normalise_cases.tsv"))


@pytest.mark.parametrize(("raw", "expected"), CASES)
def test_it_normalises(raw: str, expected: str) -> None:
    assert normalise(raw).text == expected


def test_it_does_not_correct_everyday_words_into_keywords() -> None:
    assert normalise("sdh tidak pakai nomor ini").text == "sudah tidak pakai nomor ini"
    assert normalise("mau ajukan").text == "mau ajukan"


def test_it_notes_corrections_for_the_explanation() -> None:
    notes = normalise("petugsa mintakodebilling").notes
    assert "typo:petugsa->petugas" in notes
    assert any(note.startswith("split:mintakodebilling") for note in notes)


def test_it_leaves_unknown_names_alone() -> None:
    assert normalise("Fanggidae Nenobais").text == "fanggidae nenobais"
