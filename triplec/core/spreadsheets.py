"""Every CSV or XLSX cell the product writes goes through here: text that a spreadsheet would run as a formula
(=, +, -, @, a tab or a carriage return first) is kept as text with a leading apostrophe (CSV/formula injection,
OWASP). Used by the console's exports and the import error reports."""

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def safe_row(values: Iterable) -> list:
    return [formula_safe(v) for v in values]
