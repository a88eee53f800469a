import pytest

from triplec.core.identifiers import (
    InvalidIdentifier,
    format_npwp,
    parse_nik,
    parse_npwp,
    parse_whatsapp_number,
)
from triplec.core.masking import mask_npwp, mask_phone, mask_text
from triplec.core.money import rupiah, terbilang
from triplec.core.phrases import Phrase

VALID_15 = "012345674407000"  # Luhn holds over the first nine digits
VALID_NIK = "5371015503900001"  # Kota Kupang, born 15 March 1990 (woman: day + 40)


def test_it_accepts_a_legacy_npwp_in_any_layout_and_derives_the_16_digit_form():
    npwp = parse_npwp("01.234.567.4-407.000")
    assert (npwp.npwp16, npwp.npwp15, npwp.warning) == ("0" + VALID_15, VALID_15, None)


def test_it_accepts_a_legacy_npwp_with_a_bad_check_digit_with_a_warning():
    npwp = parse_npwp("012345679407000")
    assert npwp.npwp16 == "0012345679407000"
    assert npwp.warning == Phrase("NPWP check digit does not match (accepted: DJP does not document the rule)")


def test_it_accepts_a_nik_as_npwp():
    assert parse_npwp(VALID_NIK).npwp16 == VALID_NIK


@pytest.mark.parametrize("raw", ["12345", "01234567440700012", "01.234.567.X-407.000", ""])
def test_it_rejects_an_npwp_that_is_not_15_or_16_digits(raw):
    with pytest.raises(InvalidIdentifier):
        parse_npwp(raw)


def test_it_rejects_a_16_digit_npwp_that_is_an_invalid_nik():
    with pytest.raises(InvalidIdentifier, match="NIK"):
        parse_npwp("5371019913900001")  # day 99


def test_it_reads_npwp_numbers_that_passed_through_a_spreadsheet():
    assert parse_npwp("212345672407000.0").npwp15 == "212345672407000"


def test_it_validates_nik_birth_dates():
    assert parse_nik(VALID_NIK) == VALID_NIK
    with pytest.raises(InvalidIdentifier):
        parse_nik("5371013202900001")  # 32 February


def test_it_formats_and_masks_npwp():
    assert format_npwp("0" + VALID_15) == "01.234.567.4-407.000"
    assert mask_npwp("0" + VALID_15) == "01.234.•••.•-407.000"
    assert mask_npwp(VALID_NIK) == "5371 •••• •••• 0001"


@pytest.mark.parametrize("raw", ["081234567890", "+62 812-3456-7890", "6281234567890", "0812 3456 7890"])
def test_it_normalises_indonesian_mobile_numbers_to_e164(raw):
    assert parse_whatsapp_number(raw) == "+6281234567890"


@pytest.mark.parametrize("raw", ["0380821123", "12", "abc", ""])
def test_it_rejects_numbers_that_are_not_indonesian_mobiles(raw):
    with pytest.raises(InvalidIdentifier):
        parse_whatsapp_number(raw)


def test_it_masks_personal_data_in_text():
    text = mask_text("sent to +6281234567890 for NPWP 01.234.567.4-407.000 and NIK 5371015503900001")
    assert "1234567890" not in text and "567.4" not in text and "5503900" not in text
    assert mask_phone("+6281234567890") == "+6281••••890"


def test_it_writes_rupiah_the_indonesian_way():
    assert rupiah(1234567) == "Rp1.234.567"
    assert terbilang(1250000) == "satu juta dua ratus lima puluh ribu rupiah"
