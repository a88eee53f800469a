"""Rupiah: stored as whole integers, shown the Indonesian way."""

from num2words import num2words


def rupiah(amount: int | None) -> str:
    """Rp1.234.567 (Indonesian thousands dots; formatted by hand because campaigns call it per target)."""
    if amount is None:
        return "-"
    return f"{'-' if amount < 0 else ''}Rp{abs(amount):,}".replace(",", ".")


def parse_rupiah(raw: str | None) -> int | None:
    """An amount typed the Indonesian way ("Rp1.500.000", "1.500.000", "1500000"): whole rupiah; None when
    nothing was typed. ValueError for anything else (decimals, letters, a negative amount)."""
    text = (raw or "").strip().replace(" ", "")
    if text[:2].lower() == "rp":
        text = text[2:]
    if not text:
        return None
    if text.endswith(",00") or text.endswith(",-"):
        text = text[:-3] if text.endswith(",00") else text[:-2]
    digits = text.replace(".", "")
    if not digits.isascii() or not digits.isdigit() or len(digits) > 16:
        raise ValueError(text)
    return int(digits)


def terbilang(amount: int) -> str:
    """The amount in words, as on a letter: "satu juta dua ratus ribu rupiah"."""
    return f"{num2words(amount, lang='id')} rupiah"
