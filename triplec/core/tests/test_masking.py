"""The log filter as the tester attacked it: tracebacks, numbers with separators and spaces, digits glued to
letters."""

import io
import logging

import pytest

from triplec.core.masking import MaskPersonalDataFilter, mask_text


@pytest.mark.parametrize(
    "written, digits",
    [
        ("0812-3456-7890", "34567890"),
        ("+62 812-3456-7890", "34567890"),
        ("+62-812-3456-7890", "34567890"),
        ("0812 3456 7890", "34567890"),
        ("(0812) 3456-7890", "34567890"),
        ("62812.3456.7890", "34567890"),
        ("wa_id=6281234567890", "34567890"),
        ("NIK5371015503900001", "15503900"),
        ("npwp:5371015503900001,", "15503900"),
        ("5371 0155 0390 0001", "0155 0390"),
        ("01.234.567.4-407.000", "234.567"),
        ("012345674407000", "2345674"),
        ("NITKU 0012345674407000000001", "23456744"),
    ],
)
def test_it_masks_every_way_an_identifier_or_phone_is_written(written, digits):
    masked = mask_text(f"balasan ke {written} gagal")
    assert digits not in masked and digits.replace(" ", "") not in masked.replace(" ", "")
    assert "•" in masked and "*" not in masked


@pytest.mark.parametrize("text", ["2026-12-03 17:49:51", "Rp77.700.000", "row 12 of 300", "00123/101/25/922/26"])
def test_it_leaves_dates_amounts_and_document_numbers_readable(text):
    assert mask_text(text) == text


def _handler() -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskPersonalDataFilter())
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("triplec.test_masking")
    logger.handlers[:] = [handler]
    logger.propagate = False
    return logger, stream


def test_it_masks_the_traceback_of_a_logged_exception():
    logger, stream = _handler()
    try:
        raise ValueError("nomor +62 812-3456-7890 milik NPWP 01.234.567.4-407.000 ditolak")
    except ValueError:
        logger.exception("pengiriman gagal untuk NIK5371015503900001")
    text = stream.getvalue()
    assert "Traceback" in text and "ValueError" in text
    for leak in ("3456-7890", "234.567.4", "5371015503900001", "15503900"):
        assert leak not in text


def test_it_masks_the_stack_of_a_record_logged_with_stack_info():
    logger, stream = _handler()
    logger.warning("081234567890"[:0] + "lihat stack", stack_info=True)  # the stack shows this source line
    text = stream.getvalue()
    assert "lihat stack" in text and "test_masking.py" in text and "1234567890" not in text
