"""The bounds on outside input: dates, rupiah, search text, JSON bodies and stream ids."""

import datetime as dt

import pytest
from django.test import RequestFactory
from django.utils import translation

from triplec.console.forms import AuditFilterForm
from triplec.core.inputs import JsonBodyError, parse_json, search_text
from triplec.events.streams import _parse_last_id


def test_it_refuses_dates_outside_the_accepted_years_with_the_reason_in_indonesian():
    with translation.override("id"):
        form = AuditFilterForm({"date_from": "0001-01-01", "date_to": "9999-12-31"})
        assert not form.is_valid()
        assert form.errors["date_from"] == ["Masukkan tanggal antara 01/01/1900 dan 31/12/2999."]
        reversed_range = AuditFilterForm({"date_from": "2026-12-01", "date_to": "2026-11-01"})
        assert reversed_range.errors["date_to"] == ["Tanggal akhir sebelum tanggal awal."]
    ok = AuditFilterForm({"date_from": "1900-01-01", "date_to": "2999-12-31"})
    assert ok.is_valid() and ok.cleaned_data["date_to"] == dt.date(2999, 12, 31) and not ok.malformed


def test_it_cleans_search_text_of_nul_and_length():
    assert search_text("  a\x00b  ") == "ab"
    assert search_text(None) == "" and len(search_text("x" * 500)) == 100


def test_it_parses_json_within_the_depth_limit_only():
    assert parse_json(b'{"a": [1, {"b": "c"}]}') == {"a": [1, {"b": "c"}]}
    assert parse_json(b"[" * 32 + b"]" * 32) is not None
    with pytest.raises(JsonBodyError, match="terlalu dalam"):
        parse_json(b"[" * 33 + b"]" * 33)
    with pytest.raises(JsonBodyError, match="terlalu dalam"):
        parse_json(b"[" * 1_000_000 + b"]" * 1_000_000)
    with pytest.raises(JsonBodyError, match="Infinity"):
        parse_json(b"[Infinity]")


@pytest.mark.parametrize("raw, expected", [("42", 42), ("²", None), ("9" * 30, None), ("-1", None), ("", None)])
def test_it_reads_only_a_plausible_last_event_id(raw, expected):
    request = RequestFactory().get("/events/", {"last_event_id": raw})
    assert _parse_last_id(request) == expected
