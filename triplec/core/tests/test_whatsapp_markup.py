"""Values put into a WhatsApp text stay literal on the phone; the inbox shows our own formatting the way the phone
does, safely."""

import pytest

from triplec.core.whatsapp_markup import escape, to_html


@pytest.mark.parametrize("value", ["PT *Maju* Jaya", "CV _Sinar_ Timur", "~Toko~ Kasih", "```kode```", "`x`"])
def test_it_escapes_every_markup_character_of_a_value(value):
    escaped = escape(value)
    assert not set("*_~`") & set(escaped)
    assert to_html(f"Yth. {escaped}") == f"Yth. {escaped}"  # shown as typed, nothing formatted


def test_it_keeps_a_value_on_one_line():
    assert escape("Budi\n> kutipan\r\n- daftar") == "Budi > kutipan  - daftar"


def test_it_renders_bold_italic_strike_and_mono_the_way_the_phone_does():
    html = to_html("*Total: Rp2.250.000*\n_catatan_ ~lama~ ```S-1/*x*```")
    assert html == ("<strong>Total: Rp2.250.000</strong><br><em>catatan</em> <del>lama</del> <code>S-1/*x*</code>")


@pytest.mark.parametrize("text", ["2 * 3 * 4", "a*b*c", "* tidak tebal *", "nama_file_ini", "*\nbaris*"])
def test_it_leaves_markers_that_whatsapp_does_not_read_as_formatting(text):
    assert "<strong>" not in to_html(text) and "<em>" not in to_html(text)


def test_it_escapes_html_before_formatting():
    html = to_html("*<script>alert(1)</script>* & <b>")
    assert "<script>" not in html and "<b>" not in html
    assert html.startswith("<strong>&lt;script&gt;") and "&amp;" in html
