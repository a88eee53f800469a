import datetime as dt
import random
import zoneinfo

import pytest

from triplec.core.identifiers import InvalidIdentifier, parse_nik, parse_npwp, parse_whatsapp_number
from triplec.core.masking import mask_identifier, mask_phone
from triplec.imports import values
from triplec.imports.values import CellError

from .helpers import NIK, bad_check_digit, dotted, npwp15


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("1250000", 1_250_000),
        ("1.250.000", 1_250_000),
        ("Rp 1.250.000", 1_250_000),
        ("Rp1.250.000,00", 1_250_000),
        ("1,250,000", 1_250_000),
        ("1250000.00", 1_250_000),
        ("IDR 500", 500),
        (" 0 ", 0),
        (1250000, 1_250_000),
        (1250000.0, 1_250_000),
    ],
)
def test_it_reads_rupiah_amounts_as_integers(raw, expected):
    assert values.amount(raw) == expected


@pytest.mark.parametrize(
    "raw, message",
    [
        ("-5000", "negative"),
        ("(5.000)", "negative"),
        ("Rp -5.000", "negative"),
        ("1250000,50", "whole rupiah"),
        (1250.5, "whole rupiah"),
        ("satu juta", "not a number"),
        ("", "empty"),
    ],
)
def test_it_refuses_negative_fractional_and_unreadable_amounts(raw, message):
    with pytest.raises(CellError, match=message):
        values.amount(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "2026-03-15",
        "15/03/2026",
        "15-03-2026",
        "15.03.2026",
        "15 Maret 2026",
        "15 Mar 2026",
        dt.date(2026, 3, 15),
        dt.datetime(2026, 3, 15, 0, 0),
        46096,
        "2026-03-15 00:00:00",
    ],
)
def test_it_reads_the_usual_date_layouts_and_excel_dates(raw):
    assert values.date(raw) == dt.date(2026, 3, 15)


@pytest.mark.parametrize(
    "raw, message",
    [
        ("31/02/2026", "not a real date"),
        ("2026-02-30", "not a real date"),
        ("15/13/2026", "no month 13"),
        ("15/03/26", "four digits"),
        ("kemarin", "not a date"),
        ("15 Brumaire 2026", "unknown month"),
    ],
)
def test_it_refuses_impossible_and_ambiguous_dates(raw, message):
    with pytest.raises(CellError, match=message):
        values.date(raw)


def test_it_reads_a_payment_time_in_the_office_zone_unless_an_offset_is_given():
    wita = zoneinfo.ZoneInfo("Asia/Makassar")
    assert values.local_datetime("15/03/2026 10:30", "Asia/Makassar") == dt.datetime(2026, 3, 15, 10, 30, tzinfo=wita)
    assert values.local_datetime("2026-03-15T02:30:00Z", "Asia/Makassar") == dt.datetime(
        2026, 3, 15, 2, 30, tzinfo=dt.UTC
    )
    with pytest.raises(CellError, match="real time"):
        values.local_datetime("15/03/2026 25:10", "Asia/Makassar")


def test_it_gives_the_same_whatsapp_numbers_as_the_core_parser_only_faster():
    samples = [
        "0812-3456-7890",
        "+62 813 3900 7700",
        "6285212345678",
        "08113456789",
        "(0812) 345 6789",
        "0380-821234",
        "12345",
        "+6221 5551234",
        "0899 1234 5678",
        "+1 202 555 0100",
        "081234567890123",
    ]
    rng = random.Random(7)
    samples += [f"08{rng.randint(1, 9)}{rng.randint(10**6, 10**10)}" for _ in range(300)]
    for raw in samples:
        try:
            expected = parse_whatsapp_number(raw)
        except InvalidIdentifier:
            expected = None
        try:
            got = values.whatsapp(raw)
        except CellError:
            got = None
        assert got == expected, raw


def test_it_gives_the_same_npwp_and_nik_answers_as_python_stdnum():
    rng = random.Random(11)
    samples = [
        dotted(npwp15(5)),
        npwp15(6),
        "0" + npwp15(7),
        bad_check_digit(8),
        NIK,
        "5371016202810002",
        "5371013102810002",
        "9971014202810002",
        "12345",
        "01.234.567.8-922.000.0",
        "0123456789220000.0",
    ]
    samples += [f"{rng.randint(10**14, 10**16 - 1)}" for _ in range(300)]
    samples += [
        f"5371{rng.randint(0, 99):02d}{rng.randint(1, 71):02d}{rng.randint(1, 13):02d}{rng.randint(0, 99):02d}0001"
        for _ in range(300)
    ]
    for raw in samples:
        for fast, core in ((values.npwp, parse_npwp), (values.nik, parse_nik)):
            try:
                expected = core(raw)
            except InvalidIdentifier as exc:
                expected = ("error", str(exc))
            try:
                got = fast(raw)
            except InvalidIdentifier as exc:
                got = ("error", str(exc))
            assert got == expected, raw


def test_it_restores_the_leading_zero_a_spreadsheet_drops_from_a_numeric_npwp():
    n15 = npwp15(42)
    assert values.npwp(int(n15)).npwp16 == "0" + n15
    assert values.npwp(float(n15)).npwp15 == n15


def test_it_masks_identifiers_and_numbers_in_the_report_but_keeps_short_typos_visible():
    assert mask_identifier(NIK) == "5371 •••• •••• 0002"
    assert mask_identifier("123") == "123"
    assert mask_phone("+6281234567890") == "+6281••••890"
