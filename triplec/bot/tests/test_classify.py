"""Each intent's typical and hard cases, and the priority/negation decisions the answers depend on."""

import pytest

from triplec.bot.nlu import INTENTS, Classification, classify

CASES: list[tuple[str, str]] = [
    # rincian
    ("rincian tagihan", "rincian"),
    ("beta pung utang pajak tu dari mana e?", "rincian"),
    ("TUNGGAKAN SAYA BERAPA???", "rincian"),
    ("apa sa yang beta belum bayar?", "rincian"),
    # kode_billing
    ("sy blm bayar, minta kode billing", "kode_billing"),
    ("mintakodebilling", "kode_billing"),
    ("gmn cara bayarnya kak", "kode_billing"),
    ("sy mau bayar lunas, caranya bagaimana", "kode_billing"),
    # sudah_bayar
    ("sudah bayar kemarin NTPN 1A2B3C4D5E6F7G8H", "sudah_bayar"),
    ("beta su bayar", "sudah_bayar"),
    ("sudh byr", "sudah_bayar"),
    ("8C4E1A9B7D3F2E6A", "sudah_bayar"),
    # angsuran
    ("bisa dicicil?", "angsuran"),
    ("beta sonde mampu bayar langsung, bisa cicil ko?", "angsuran"),
    ("bisa bayar setengah dulu?", "angsuran"),
    # keberatan
    ("tagihan ini salah, sy mau keberatan", "keberatan"),
    ("sy blm bayar krn tagihannya salah", "keberatan"),
    ("pengurangan sanksi pasal 36", "keberatan"),
    ("ini bukan utang sy, sy sdh lapor nihil", "keberatan"),
    # petugas
    ("mau bicara dgn petugas", "petugas"),
    ("ini bot ya? mau manusia", "petugas"),
    ("beta mau omong deng petugas sa", "petugas"),
    # berhenti
    ("sonde mau dapat pesan lagi", "berhenti"),
    ("stoppp", "berhenti"),
    ("jangan kirim lagi, sy sdh bayar", "berhenti"),
    ("tdk perlu kirim pengingat lagi", "berhenti"),
    # mulai
    ("mulai lagi", "mulai"),
    ("aktifkan lagi", "mulai"),
    ("tadi sy stop, skrg mau aktif lagi", "mulai"),
    ("beta mau dapat pesan lai", "mulai"),
    # pengaduan
    ("mau lapor penipuan", "lapor_penipuan"),
    ("ada yg telp ngaku dari kpp, minta kirim pulsa", "lapor_penipuan"),
    ("nomor 0813 9876 5432 mengaku juru sita, minta transfer ke rekening pribadi", "lapor_penipuan"),
    ("ini penipuan ko? sa takut", "penipuan_khawatir"),
    ("apakah nomor ini benar nomor resmi KPP?", "penipuan_khawatir"),
    ("petugas yang datang ke rumah membentak istri saya", "pengaduan"),
    ("Perusahaan kami sudah dijual, nomor ini bukan lagi nomor perusahaan tersebut.", "salah_nomor"),
    ("mohon ditunda sampai bulan Maret", "angsuran"),
    ("selamat pagi bapak ibu petugas", "salam"),
    ("makasih sdh ingatkan soal penipuan", "terima_kasih"),
    ("komplain", "pengaduan"),
    ("ada petugas minta uang, sy mau lapor", "pengaduan"),
    ("petugas di loket tdk ramah, mau lapor", "pengaduan"),
    # salah_nomor
    ("ini bukan nomor saya", "salah_nomor"),
    ("ini bukan nomor saya, jangan kirim lagi", "salah_nomor"),
    ("beta son kenal itu orang", "salah_nomor"),
    ("salahnomor", "salah_nomor"),
    # salam
    ("halo", "salam"),
    ("menu", "salam"),
    ("Selamat pagi, ini benar kantor pajak kupang?", "salam"),
    ("👋", "salam"),
    # terima_kasih
    ("ok makasih pak", "terima_kasih"),
    ("danke banyak", "terima_kasih"),
    ("🙏", "terima_kasih"),
    ("sudah jelas pak, terima kasih", "terima_kasih"),
    # lainnya
    ("lupa password djp online", "lainnya"),
    ("bagaimana cara lapor SPT tahunan?", "lainnya"),
    ("wkwkwk", "lainnya"),
    ("", "lainnya"),
]


@pytest.mark.parametrize(("text", "intent"), CASES)
def test_it_classifies_typical_and_hard_cases(text: str, intent: str) -> None:
    assert classify(text).intent == intent


def test_it_covers_every_intent_in_the_case_table() -> None:
    assert {intent for _, intent in CASES} == set(INTENTS)


def test_it_explains_which_rules_fired() -> None:
    result = classify("sy blm bayar, minta kode billing")
    assert isinstance(result, Classification)
    assert "kode_billing:billing" in result.matched
    assert not any(m.startswith("sudah_bayar") for m in result.matched)


def test_it_does_not_take_belum_bayar_as_a_payment_claim() -> None:
    assert classify("belum bayar").intent != "sudah_bayar"
    assert classify("pajak apa yg blm lunas?").intent == "rincian"


def test_it_is_deterministic_and_confident_on_clear_messages() -> None:
    first = classify("minta kode billing")
    assert first == classify("minta kode billing")
    assert first.confidence >= 0.9
    assert 0 < classify("tagihan").confidence < first.confidence


def test_it_lowers_confidence_when_intents_compete() -> None:
    clear = classify("stop")
    contested = classify("jangan kirim lagi, sy sdh bayar")
    assert contested.intent == "berhenti"
    assert contested.confidence < clear.confidence


def test_it_never_raises_on_odd_input() -> None:
    for text in ["\x00", "🙂" * 500, "a" * 10_000, "\u200b", "١٢٣", "💳💳💳 ???", "NTPN"]:
        assert classify(text).intent in INTENTS
