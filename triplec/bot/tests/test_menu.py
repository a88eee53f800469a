"""Typed menu digits and quick-reply buttons."""

import pytest

from triplec.bot.menu import MAIN_MENU, menu_text
from triplec.bot.nlu import classify


@pytest.mark.parametrize("item", MAIN_MENU, ids=lambda item: item.intent)
def test_it_maps_each_main_menu_digit(item) -> None:
    result = classify(str(item.number))
    assert (result.intent, result.digits_choice) == (item.intent, item.number)


@pytest.mark.parametrize("text", ["2", " 2. ", "no 2", "pilih 2 ya kak", "2️⃣", "nomor 2 pak"])
def test_it_reads_a_digit_typed_in_many_ways(text: str) -> None:
    assert classify(text).intent == "kode_billing"


def test_it_uses_the_menu_last_shown_when_given() -> None:
    result = classify("2", menu=["angsuran", "petugas"])
    assert (result.intent, result.digits_choice) == ("petugas", 2)


def test_it_keeps_an_out_of_range_digit_for_the_caller() -> None:
    result = classify("9")
    assert (result.intent, result.digits_choice) == ("lainnya", 9)
    assert classify("3", menu=["angsuran", "petugas"]).intent == "lainnya"


def test_it_does_not_treat_amounts_or_sentences_with_digits_as_menu_choices() -> None:
    assert classify("bisa bayar 2 kali?").digits_choice is None
    assert classify("1234").intent == "lainnya"


@pytest.mark.parametrize(
    ("payload", "title", "intent"),
    [
        ("menu:rincian", "Rincian tagihan", "rincian"),
        ("menu:kode_billing", "Minta kode billing", "kode_billing"),
        ("petugas", "Hubungi petugas", "petugas"),
        ("BERHENTI", "Berhenti", "berhenti"),
        ("sudah_bayar:doc=12", "Sudah bayar", "sudah_bayar"),
    ],
)
def test_it_maps_button_payloads_directly(payload: str, title: str, intent: str) -> None:
    result = classify(title, button_payload=payload)
    assert (result.intent, result.confidence) == (intent, 1.0)
    assert result.matched == [f"button:{payload}"]


@pytest.mark.parametrize(
    ("title", "intent"),
    [
        ("Rincian tagihan", "rincian"),
        ("Minta kode billing", "kode_billing"),
        ("Hubungi petugas", "petugas"),
        ("Bukan nomor saya", "salah_nomor"),
    ],
)
def test_it_maps_button_titles_when_the_payload_is_unknown(title: str, intent: str) -> None:
    assert classify(title, button_payload="PAY_INFO:case=123").intent == intent
    assert classify(title).intent == intent


def test_it_keeps_button_titles_within_whatsapp_limits() -> None:
    assert all(len(item.title) <= 20 and len(item.description) <= 72 for item in MAIN_MENU)
    assert "2. Minta kode billing" in menu_text()
