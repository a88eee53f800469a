"""Rupiah: stored as whole integers, shown the Indonesian way."""

from babel.numbers import format_decimal
from num2words import num2words


def rupiah(amount: int | None) -> str:
    if amount is None:
        return "-"
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{format_decimal(abs(amount), locale='id_ID')}"


def terbilang(amount: int) -> str:
    """The amount in words, as on a letter: "satu juta dua ratus ribu rupiah"."""
    return f"{num2words(amount, lang='id')} rupiah"
