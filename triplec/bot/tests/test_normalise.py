"""Normalisation of WhatsApp Indonesian and Kupang Malay to canonical words."""

import pytest

from triplec.bot.nlu.normalise import normalise

CASES: list[tuple[str, str]] = [
    ("SY SDH BAYAR", "saya sudah bayar"),
    ("beta su bayar", "saya sudah bayar"),
    ("sonde mau", "tidak mau"),
    ("son mau", "tidak mau"),
    ("gmn, brp, tgl, bs", "bagaimana berapa tanggal bisa"),
    ("tolonggg stoppp", "tolong stop"),
    ("rinciannnn", "rincian"),
    ("mintakodebilling", "minta kode billing"),
    ("sudahbayar", "sudah bayar"),
    ("rinican", "rincian"),
    ("keberatn", "keberatan"),
    ("KODE BILINGG", "kode billing"),
    ("terimaksih", "terima kasih"),
    ("tagihannya", "tagihan"),
    ("sedikit2", "sedikit"),
    ("beta pung nomor", "saya punya nomor"),
    ("mksh kak 🙏", "terima kasih kakak emoji_thanks"),
    ("1️⃣", "1"),
]


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
