"""Rupiah: stored as whole integers, shown the Indonesian way."""

from num2words import num2words


def rupiah(amount: int | None) -> str:
    """Rp1.234.567 (Indonesian thousands dots; formatted by hand because campaigns call it per target)."""
    if amount is None:
        return "-"
    return f"{'-' if amount < 0 else ''}Rp{abs(amount):,}".replace(",", ".")


def terbilang(amount: int) -> str:
    """The amount in words, as on a letter: "satu juta dua ratus ribu rupiah"."""
    return f"{num2words(amount, lang='id')} rupiah"
