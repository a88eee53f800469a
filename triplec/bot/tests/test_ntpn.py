"""NTPN extraction from free text."""

import pytest

from triplec.bot.nlu import classify
from triplec.bot.nlu.ntpn import extract_ntpn

FOUND = [
    ("NTPN 0123456789ABCDEF", "0123456789ABCDEF"),
    ("ntpn: 7d3f-a91c-20b4-e6f1 sudah bayar", "7D3FA91C20B4E6F1"),
    ("ini ntpn nya 8F2A 3C91 B7D4 0E65", "8F2A3C91B7D40E65"),
    ("bukti: 12345678 90123456", "1234567890123456"),
    ("ntpn0123456789ABCDEF", "0123456789ABCDEF"),
    ("8C4E1A9B7D3F2E6A", "8C4E1A9B7D3F2E6A"),
]
NOT_FOUND = [
    "Kode billing utk STP tahun 2023 dong",  # words and a year add up to 16 characters
    "1234567890123456",  # a bare 16-digit number is more likely a NIK
    "ntpn 0123456789ABCDE",  # 15 characters
    "ntpn 0123456789ABCDEF0",  # 17 characters
    "sudah bayar kemarin",
    "kode billing 012345678901234",  # a 15-digit billing code
]


@pytest.mark.parametrize(("text", "ntpn"), FOUND)
def test_it_extracts_an_ntpn(text: str, ntpn: str) -> None:
    assert extract_ntpn(text) == ntpn


@pytest.mark.parametrize("text", NOT_FOUND)
def test_it_does_not_invent_an_ntpn(text: str) -> None:
    assert extract_ntpn(text) is None


def test_it_returns_the_ntpn_with_the_payment_claim() -> None:
    result = classify("sudah bayar kemarin NTPN 1A2B 3C4D 5E6F 7G8H")
    assert result.intent == "sudah_bayar"
    assert result.ntpn == "1A2B3C4D5E6F7G8H"
    assert "sudah_bayar:ntpn" in result.matched
