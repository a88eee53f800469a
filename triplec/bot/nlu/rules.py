"""The rules: weighted regular expressions over the normalised text, one table for all intents.

Each rule adds its weight to one intent; the intent with the highest total wins, ties go to the intent that is
earlier in PRIORITY. Weights are coarse on purpose (1 weak hint, 2 cue, 3 clear keyword, 4-6 decisive phrase) so
that a reader can predict the outcome: "sy blm bayar, minta kode billing" is kode_billing because "kode billing"
(4) fires and "sudah bayar" does not; "ini bukan nomor saya, jangan kirim lagi" is salah_nomor (6) over
berhenti (5) because a wrong number must stop everything AND reach staff.

Negation: positive rules that must not fire after a negation use NOT_NEGATED, a set of fixed-width lookbehinds,
or an `unless` pattern checked on the whole text.
"""

import re
from dataclasses import dataclass

NOT_NEGATED = r"(?<!tidak )(?<!jangan )(?<!belum )(?<!bukan )(?<!usah )(?<!perlu )(?<!berhenti )"

# Ties are broken in this order: actions with consequences for the contact first, chatter last.
PRIORITY: tuple[str, ...] = (
    "salah_nomor", "berhenti", "mulai", "pengaduan", "keberatan", "sudah_bayar", "angsuran", "kode_billing",
    "rincian", "petugas", "lainnya", "terima_kasih", "salam",
)


@dataclass(frozen=True)
class Rule:
    name: str
    intent: str
    weight: int
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None = None


def _rule(intent: str, weight: int, name: str, pattern: str, unless: str | None = None) -> Rule:
    return Rule(name, intent, weight, re.compile(pattern), re.compile(unless) if unless else None)


_PAY = r"(?:bayar|dibayar|membayar|bayarkan|lunas|lunasi|dilunasi|melunasi|setor|disetor|transfer|ditransfer|tf)"
_DEBT = r"(?:tagihan|utang|tunggakan|denda|bunga|sanksi)"
_DOCS = r"(?:stp|skpkb|skpkbt|skp|surat teguran|teguran|surat paksa)"
_RESTART_VERBS = r"(?:terima|dapat|kirim|kirimkan|menerima|aktif|langganan|ikut|lanjut)"
_RESTART_NEG = r"\b(?:tidak|jangan|usah|perlu)\b(?: \w+){0,3} " + _RESTART_VERBS + r"\b"

RULES: tuple[Rule, ...] = (
    # rincian: where the debt comes from
    _rule("rincian", 3, "rincian", r"\b(?:rincian|perincian|detail|detil|rinci)\b"),
    _rule("rincian", 3, "dari mana", r"\bdari ?mana\b|\basal\b"),
    _rule("rincian", 3, "debt + apa", r"\b(?:" + _DEBT + r"|pajak|" + _DOCS + r")(?: \w+)? apa\b"),
    _rule("rincian", 3, "apa itu debt", r"\bapa (?:itu|ini) (?:" + _DEBT + "|" + _DOCS + r")\b"),
    _rule("rincian", 3, "debt + question",
          r"\b(?:" + _DEBT + "|" + _DOCS + r")\b.{0,30}\b(?:untuk apa|kenapa|berapa|kapan)\b"),
    _rule("rincian", 3, "question + debt", r"\b(?:berapa|kenapa)\b.{0,30}\b(?:" + _DEBT + r"|jumlah|total)\b"),
    _rule("rincian", 3, "document facts", r"\b(?:jatuh tempo|masa pajak|ketetapan)\b"),
    _rule("rincian", 3, "check debt", r"\b(?:info|cek|lihat|periksa) (?:" + _DEBT + r")\b"),
    _rule("rincian", 3, "explain", r"\b(?:jelaskan|dijelaskan|penjelasan|menjelaskan)\b"),
    _rule("rincian", 3, "what is unpaid", r"\bapa\b.{0,25}\bbelum (?:bayar|lunas|lunasi|dibayar)\b"),
    _rule("rincian", 2, "document name", r"\b" + _DOCS + r"\b"),
    _rule("rincian", 2, "tax type", r"\b(?:pph|ppn)\b"),
    _rule("rincian", 1, "debt word", r"\b(?:tagihan|utang|tunggakan)\b"),
    # kode_billing: wants a billing code / how to pay
    _rule("kode_billing", 4, "billing", r"\bbilling\b"),
    _rule("kode_billing", 3, "kode bayar", r"\bkode (?:bayar|pembayaran|setor)\b"),
    _rule("kode_billing", 3, "kode + question", r"\bkode\b.{0,10}\b(?:berapa|apa|mana)\b"),
    _rule("kode_billing", 3, "cara bayar", r"\bcara (?:bayar|membayar|pembayaran|pelunasan|melunasi|lunasi|setor)\b"),
    _rule("kode_billing", 3, "how to pay",
          r"\bbagaimana\b.{0,15}\b(?:bayar|membayar|pembayaran|melunasi|lunasi|setor)\b"
          r"|\b(?:bayar|membayar|setor)\b.{0,10}\bbagaimana\b"),
    _rule("kode_billing", 3, "where to pay", r"\b(?:bayar|setor|lunasi)\b.{0,6}\b(?:ke ?mana|di ?mana)\b"),
    _rule("kode_billing", 2, "wants to pay",
          NOT_NEGATED + r"\b(?:mau|siap|akan) (?:bayar|membayar|lunasi|melunasi|lunas|setor)\b"),
    _rule("kode_billing", 2, "pay channel",
          r"\b(?:bayar|setor|membayar)\b.{0,20}\b(?:atm|bank|mobile banking|internet banking|kantor pos|qris"
          r"|teller|tokopedia|indomaret|alfamart|ovo|gopay|dana|brimo|livin|bca|bri|bni|mandiri|shopee)\b"),
    # sudah_bayar: says they already paid
    _rule("sudah_bayar", 4, "sudah bayar", r"\bsudah (?:saya |kami )?" + _PAY + r"\b"),
    _rule("sudah_bayar", 3, "receipt", r"\b(?:ntpn|bpn|bukti)\b"),
    _rule("sudah_bayar", 2, "lunas", r"\blunas\b", unless=r"\b(?:mau|akan|siap|belum|tidak|ingin)\b(?: \w+){0,2} lunas\b"),
    _rule("sudah_bayar", 3, "paid when",
          r"(?<!mau )(?<!akan )(?<!belum )\b(?:bayar|setor|transfer)\b.{0,12}"
          r"\b(?:kemarin|tadi|minggu lalu|bulan lalu|tanggal)\b"),
    _rule("sudah_bayar", 3, "payment arrived", r"\b(?:pembayaran|bayaran)\b.{0,10}\bmasuk\b"),
    _rule("sudah_bayar", 4, "payment made",
          r"\bpembayaran sudah (?:saya |kami )?(?:lakukan|dilakukan)\b|\bsudah (?:saya |kami )?lakukan pembayaran\b"),
    # angsuran: instalment or deferral
    _rule("angsuran", 4, "angsuran", r"\b(?:angsur|angsuran|cicil|kredit)\b"),
    _rule("angsuran", 4, "tunda", r"\b(?:tunda|penundaan|menunda)\b"),
    _rule("angsuran", 3, "in parts", r"\b(?:bertahap|sebagian|setengah|pelan|perlahan)\b|\b\d+ ?(?:kali|x)\b"),
    _rule("angsuran", 3, "cannot afford", r"\btidak (?:mampu|sanggup|kuat)\b|\bsanggup\b"),
    _rule("angsuran", 3, "relief in time", r"\b(?:keringanan|kelonggaran) (?:waktu|pembayaran|bayar)\b|\bkelonggaran\b"),
    _rule("angsuran", 3, "later date", r"\b(?:bulan depan|per bulan|tiap bulan|gajian|panen)\b"),
    _rule("angsuran", 3, "extend", r"\b(?:diperpanjang|perpanjang|perpanjangan)\b"),
    _rule("angsuran", 3, "ask for time", r"\b(?:minta|kasih|beri|diberi) waktu\b|\bbayar nanti\b"),
    _rule("angsuran", 2, "hardship",
          r"\b(?:belum ada uang|uang belum cukup|uang tidak cukup|tidak ada uang|lagi susah|sedang susah|rugi|sepi)\b"),
    _rule("angsuran", 3, "bit by bit", r"\bsedikit sedikit\b|\bcicil sedikit\b"),
    # keberatan: objection, Pasal 36 reduction, "the bill is wrong"
    _rule("keberatan", 4, "keberatan", r"\b(?:keberatan|banding|pasal 36|pasal 16)\b"),
    _rule("keberatan", 4, "wrong amount",
          r"\bsalah (?:hitung|hitungan|tagih|ketik|input)\b"
          r"|\b(?:tagihan|jumlah|angka|data|hitungan|nilai)\b(?: \w+){0,2} salah\b"),
    _rule("keberatan", 3, "disagree",
          r"\btidak (?:setuju|sesuai|benar|betul|masuk akal|wajar)\b|\btidak terima\b(?!.{0,12}\b(?:pesan|wa)\b)"),
    _rule("keberatan", 3, "correction",
          r"\b(?:keliru|pengurangan|penghapusan|dihapus|pembetulan|pembatalan|dibatalkan|batalkan|sanggah"
          r"|menyanggah|ganda|dobel|double|non efektif)\b"),
    _rule("keberatan", 3, "too high",
          r"\b(?:terlalu|sekali) (?:besar|tinggi|mahal)\b|\b(?:besar|tinggi|mahal) sekali\b|\bkebesaran\b"
          r"|\b(?:dikurangi|kurangi|dikurangkan)\b"),
    _rule("keberatan", 4, "npwp deleted", r"\bnpwp\b(?: \w+){0,2} (?:dihapus|dicabut|non efektif|ne)\b"),
    _rule("keberatan", 3, "no business",
          r"\btidak (?:pernah )?(?:punya|ada) usaha\b|\busaha\b.{0,15}\btutup\b|\btidak (?:usaha|berusaha|jualan)\b"),
    _rule("keberatan", 3, "not my debt", r"\bbukan (?:utang|tagihan) saya\b|\bnihil\b"),
    _rule("keberatan", 3, "protest bill", r"\bprotes\b(?!.{0,10}\bpelayanan\b)"),
    _rule("keberatan", 1, "salah", r"\bsalah\b"),
    # petugas: wants a person
    _rule("petugas", 4, "officer",
          r"\b(?:petugas|pegawai pajak|operator|manusia|juru sita|kepala seksi|ar|admin)\b"),
    _rule("petugas", 3, "call me",
          NOT_NEGATED + r"\b(?:telepon|ditelepon|call back|callback|hubungi|dihubungi|sambungkan|panggil)\b"),
    _rule("petugas", 3, "talk or meet", NOT_NEGATED + r"\b(?:bicara|ketemu|bertemu|konsultasi|datang)\b"),
    _rule("petugas", 3, "go to office", r"\b(?:pergi|ke) (?:ke )?(?:kantor|kpp)\b"),
    _rule("petugas", 3, "a human", r"\bada orang\b|\bjawab orang\b|\borang (?:pajak|kantor)\b"),
    # berhenti: stop messages
    _rule("berhenti", 5, "stop", r"\b(?:stop|berhenti|hentikan|unsubscribe|unsub)\b"),
    _rule("berhenti", 5, "jangan kirim", r"\bjangan (?:kirim|chat|wa|hubungi|ganggu|sms|telepon|kontak|dikirim)\b"),
    _rule("berhenti", 5, "do not want messages",
          r"\btidak (?:mau|usah|perlu|ingin)\b.{0,25}"
          r"\b(?:pesan|chat|wa|dihubungi|hubungi|pengingat|notifikasi|kirim|sms)\b"),
    _rule("berhenti", 4, "switch off", r"\b(?:matikan|nonaktifkan|blokir|block)\b|\bhapus nomor\b"),
    _rule("berhenti", 3, "enough messages", r"\bcukup\b.{0,20}\b(?:pesan|kirim)\b"),
    _rule("berhenti", 2, "spam", r"\bspam\b"),
    # mulai: start again after stopping
    _rule("mulai", 5, "mulai", r"\b(?:mulai|start|resume|subscribe|berlangganan|aktifkan|aktif kan|hidupkan|nyalakan)\b"),
    _rule("mulai", 5, "again", r"\b" + _RESTART_VERBS + r"\b(?: \w+){0,2} (?:lagi|kembali)\b"
          r"|\bkembali (?:menerima|terima|aktif)\b|\blanjutkan (?:kirim|pesan)\b", unless=_RESTART_NEG),
    _rule("mulai", 6, "wants them again",
          r"\b(?:mau|boleh|siap)\b(?: \w+){0,2} " + _RESTART_VERBS + r"\b(?: \w+){0,2} (?:lagi|kembali)\b",
          unless=_RESTART_NEG),
    # pengaduan: complaint channels
    _rule("pengaduan", 5, "complaint",
          r"\b(?:pengaduan|mengadu|adukan|komplain|keluhan|penipuan|ditipu|tipu|menipu|pungli|gratifikasi"
          r"|whistleblowing|wbs|kring pajak|kring|1500200|oknum|uang damai|mengaku|kecewa|tidak puas|tidak sopan"
          r"|kasar|curiga|tidak ramah|pungutan liar)\b"),
    _rule("pengaduan", 5, "asks for money", r"\bminta uang\b|\blapor\b.{0,12}\bpetugas\b|\bpetugas\b.{0,30}\b(?:lapor|melaporkan)\b"),
    _rule("pengaduan", 4, "service", r"\bpelayanan\b"),
    _rule("pengaduan", 3, "report",
          r"(?<!sudah )\b(?:lapor|laporan|melapor|melaporkan)\b(?! spt| nihil| pajak tahunan| tahunan)"),
    # salah_nomor: not my number / wrong person
    _rule("salah_nomor", 6, "salah nomor", r"\bsalah (?:nomor|orang|kirim|sambung|alamat|kontak)\b|\bwrong number\b"),
    _rule("salah_nomor", 6, "not my number",
          r"\bbukan (?:nomor|hp|wa)(?: hp)? (?:saya|kami)\b|\bbukan (?:saya )?(?:punya )?nomor\b"
          r"|\b(?:nomor|hp)\b(?: \w+){0,6} bukan (?:punya|milik|atas nama|nomor)\b"),
    _rule("salah_nomor", 5, "not me",
          r"\bbukan saya\b|\bsaya bukan\b|\bbukan dia\b|\bbukan (?:pemilik|pribadi|milik)\b"),
    _rule("salah_nomor", 5, "stranger", r"\btidak kenal\b"),
    _rule("salah_nomor", 5, "number changed hands",
          r"\b(?:ganti pemilik|pemilik lama|pemilik sebelumnya|beli nomor|meninggal|tidak pakai nomor"
          r"|tidak memakai nomor)\b"),
    # salam: greeting or menu request
    _rule("salam", 2, "greeting", r"\b(?:halo|selamat|salam|permisi|pagi|siang|sore|malam|tes|ping|p)\b"),
    _rule("salam", 3, "menu", r"\b(?:menu|bantuan|help|pilihan)\b"),
    _rule("salam", 1, "mau tanya", r"\bmau tanya\b"),
    # terima_kasih: thanks / closing
    _rule("terima_kasih", 4, "terima kasih", r"\bterima kasih\b"),
    _rule("terima_kasih", 2, "ok", r"\b(?:oke|sip|mantap|noted|dimengerti|jelas|baik|emoji_ok)\b"
          r"|\bsiap\b(?! bayar| lunas| setor)|^(?:ya|iya|yes|y)$"),
    _rule("terima_kasih", 1, "praying hands", r"\bemoji_thanks\b"),
    # lainnya: recognisably out of scope (the answers route these to general help or an officer)
    _rule("lainnya", 3, "other tax service",
          r"\b(?:spt|efin|password|pbb|kendaraan|samsat|coretax|npwp baru|buat npwp|daftar npwp|kartu npwp"
          r"|ganti alamat|pph final|umkm|alamat)\b"),
    _rule("lainnya", 3, "unrelated", r"\b(?:pulsa|pinjam|pinjaman|lowongan|sertifikat|meterai|bensin|hujan)\b"),
    _rule("lainnya", 3, "later", r"\b(?:tunggu|sebentar|nanti saya kabari|nanti saya tanya|di jalan|luar kota|di kebun)\b"),
    _rule("lainnya", 2, "laughter", r"\b(?:haha|hahaha|wkwk|wkwkwk|hehe)\b"),
)
