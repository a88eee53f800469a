"""Bounds for what arrives from outside: dates, whole rupiah, search text and JSON bodies.

One place decides what is too early, too late, too big or too deep, so that a malformed query parameter or body
is refused with a reason (HTTP 400) instead of overflowing somewhere deeper (a 500). Forms use the fields;
JSON endpoints use `parse_json`.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

# Tax documents, payments and audit entries all fall well inside these years; anything outside is a typo or an
# attack, and the far ends overflow date arithmetic (9999-12-31 + 1 day) and time-zone conversion (0001-01-01).
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2999, 12, 31)
# Whole rupiah: far above any tax debt, far below a 64-bit column.
MAX_RUPIAH = 10**15
MAX_JSON_DEPTH = 32


class BoundedDateField(forms.DateField):
    """A date between MIN_DATE and MAX_DATE, with the reason in the user's language when it is not."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(_within_dates)


def _within_dates(value: dt.date) -> None:
    if not MIN_DATE <= value <= MAX_DATE:
        raise forms.ValidationError(
            _("Enter a date between %(min)s and %(max)s."),
            code="out_of_range",
            params={"min": MIN_DATE.strftime("%d/%m/%Y"), "max": MAX_DATE.strftime("%d/%m/%Y")},
        )


class RupiahField(forms.IntegerField):
    """Whole rupiah, from zero to MAX_RUPIAH."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_RUPIAH)
        super().__init__(**kwargs)


class QueryForm(forms.Form):
    """A list page's filters (a GET form)."""

    @property
    def malformed(self) -> bool:
        """Filters were given but some do not make sense: the page answers 400 with the reasons (and an export
        refuses, rather than export more than was asked for)."""
        return self.is_bound and not self.is_valid()


def check_date_range(form: forms.Form, start: str, end: str) -> None:
    """Report an end before the start on the end field (call from `clean`)."""
    first, last = form.cleaned_data.get(start), form.cleaned_data.get(end)
    if first and last and last < first:
        form.add_error(end, forms.ValidationError(_("The end date is before the start date."), code="reversed"))


def search_text(raw: str | None, max_length: int = 100) -> str:
    """A free-text search box's value, cut to length and without NUL (which PostgreSQL refuses in a query)."""
    return (raw or "").replace("\x00", "").strip()[:max_length]


class JsonBodyError(ValueError):
    """A request body that is not JSON we accept; the message says why (in Indonesian, for the caller)."""


def parse_json(raw: bytes, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse a JSON request body, refusing nesting deeper than `max_depth`, NaN/Infinity, NUL and text that is
    not valid UTF-8 (lone surrogates included): each would otherwise fail later, deeper, as a server error."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise JsonBodyError("Badan permintaan bukan UTF-8 yang valid") from None
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except JsonBodyError:
        raise
    except RecursionError:  # nesting deep enough to exhaust the parser's own stack
        raise JsonBodyError(_too_deep(max_depth)) from None
    except ValueError:
        raise JsonBodyError("Badan permintaan bukan JSON yang valid") from None
    _check(value, max_depth)
    return value


def _too_deep(max_depth: int) -> str:
    return f"JSON terlalu dalam: paling banyak {max_depth} tingkat objek/larik bersarang"


def _no_constant(name: str) -> Any:
    raise JsonBodyError(f"JSON tidak boleh memuat {name}")


def _check(value: Any, max_depth: int) -> None:
    """Walk the parsed value without recursion: its depth, and every string (keys too) storable as text."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            _check_text(item)
        elif isinstance(item, (dict, list)):
            if depth >= max_depth:
                raise JsonBodyError(_too_deep(max_depth))
            if isinstance(item, dict):
                for key, child in item.items():
                    _check_text(key)
                    stack.append((child, depth + 1))
            else:
                stack.extend((child, depth + 1) for child in item)


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (\ud800) is valid JSON but not valid UTF-8
        raise JsonBodyError("JSON memuat karakter yang tidak valid (surrogate tunggal)") from None
    if "\x00" in text:  # PostgreSQL cannot store NUL in text
        raise JsonBodyError("JSON memuat karakter NUL")
