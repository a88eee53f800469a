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
    "lapor_penipuan",
    "salah_nomor",
    "berhenti",
    "mulai",
    "pengaduan",
    "penipuan_khawatir",
    "keberatan",
    "sudah_bayar",
    "angsuran",
    "kode_billing",
    "rincian",
    "petugas",
    "lainnya",
    "terima_kasih",
    "salam",
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


_PAY = (
    r"(?:bayar|dibayar|terbayar|membayar|bayarkan|dibayarkan|membayarkan|lunas|lunasi|dilunasi|melunasi"
    r"|setor|disetor|menyetor|menyetorkan|setorkan|disetorkan|transfer|ditransfer|tf)"
)
_DEBT = r"(?:tagihan|utang|tunggakan|denda|bunga|sanksi)"
_DOCS = r"(?:stp|skpkb|skpkbt|skp|surat teguran|teguran|surat paksa)"
# Regional taxes are collected by the regency, not by us: paying them is not a billing-code request.
_REGIONAL = r"\b(?:pbb|samsat|bphtb|bapenda|pajak (?:kendaraan|motor|mobil|daerah|restoran|hotel|reklame))\b"
_RESTART_VERBS = (
    r"(?:terima|dapat|kirim|kirimkan|menerima|aktif|aktifkan|diaktifkan|langganan|ikut|lanjut|gabung"
    r"|daftar|daftarkan|masukkan|on|nyala|nyalakan|hidupkan|diingatkan|ingatkan|dikirim|dikirimi)"
)
_AGAIN = r"(?:lagi|kembali)"
_MONTHS = (
    r"(?:januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|november|desember|lebaran|natal"
    r"|paskah|tahun baru|imlek|panen|gajian|gaji)"
)
# The office, as a fraudster names it ("ngaku dari kantor pajak", "atas nama DJP", "katanya petugas").
_OFFICE = (
    r"(?:petugas|pegawai|kantor pajak|orang pajak|pajak|kpp|kp2kp|djp|dirjen pajak|direktorat jenderal pajak"
    r"|juru sita|ar|account representative|kantor|kepala kantor)"
)
_FRAUD = r"(?:penipuan|penipu|ditipu|tertipu|menipu|tipu|scam|hoaks|hoax|modus|abal abal|palsu|gadungan)"
# "banyak penipuan atas nama pajak": fraud in general, as a reason to doubt or to thank, not a report of one
_FRAUD_IN_GENERAL = (
    r"\b(?:banyak|marak|maraknya|sering ada|hati hati|waspada|waspadai) (?:penipuan|penipu|modus)\b"
    # hearsay: a fraud in the news or that happened to someone else is a reason to doubt this channel
    r"|\b(?:berita|diberitakan|viral|katanya ada|dengar ada|baca di|lihat di|di (?:tv|televisi"
    r"|facebook|fb|medsos|media sosial|koran|internet|youtube|tiktok))\b"
    r"|\b(?:teman|tetangga|keluarga|saudara|kenalan)\b(?: \w+){0,3} (?:kena tipu|tertipu|ditipu)\b"
)
# Someone who only claims to be from the office: a scam report, not a complaint about a real officer
_TAX_OFFICE = r"(?:kantor pajak|pajak|kpp|djp|dirjen pajak|direktorat jenderal pajak)"
# "ngaku dari KPP", "dong bilang dari kantor pajak", "katanya petugas pajak", "atas nama DJP" ("kata petugas" alone
# is what a real officer said)
_CLAIMS_TO_BE = (
    r"\b(?:mengaku|mengatasnamakan|mencatut|catut|berlagak|menyamar)\b(?: (?:sebagai|jadi|dari|itu|dia))* "
    + _OFFICE
    + r"\b"
    r"|\b(?:kata|katanya|bilang|bilangnya)(?: dia| itu)? (?:dari|orang) (?:" + _TAX_OFFICE + r"|kantor)\b"
    r"|\b(?:kata|katanya|bilang|dia bilang)(?: dia)? (?:petugas|pegawai|juru sita|ar) (?:pajak|kpp|djp)\b"
    r"|\bdia bilang (?:petugas|pegawai|juru sita)\b"
    r"|\b(?:telepon|sms|wa|chat|pesan|dm|email) dari (?:petugas |pegawai |orang )?(?:djp|dirjen pajak|kpp)\b"
    r"|\b(?:atas nama|pakai nama|pk nama|memakai nama|menggunakan nama|dengan nama|mencatut nama) "
    + _TAX_OFFICE
    + r"\b"
)
_IMPOSTOR = r"\b(?:palsu|gadungan|nomor lain|nomor asing|nomor tidak dikenal|nomor tak dikenal)\b|" + _CLAIMS_TO_BE
# How an impostor reaches people: not this channel.
_REMOTE = r"(?:telepon|ditelepon|sms|wa|chat|pesan|link|apk|akun|nomor|dm|email|surel)"
# Money asked outside a kode billing: the mark of a scam.
_OFF_BILLING = (
    r"(?:rekening (?:\w+ )?(?:pribadi|dia|orang|atas nama (?:orang|pribadi|perorangan))|rekening pribadinya"
    r"|nomor pribadi|pulsa|voucher|tebusan|uang tunai|uang administrasi|biaya administrasi|kode otp|otp"
    r"|dompet digital|biaya (?:update|pembaruan|admin|pendaftaran|verifikasi|pemutakhiran)"
    r"|(?:transfer|bayar|kirim) biaya|atas nama (?:pribadi|perorangan)|bukan (?:ke )?kas negara)"
)
# "kantor pajak tidak pernah minta transfer": the taxpayer repeats the rule back, nobody asked them for money
_NEVER_ASKS = r"\b(?:tidak|bukan|jangan|tidak akan)(?: pernah)? (?:minta|meminta|memintai|suruh|menyuruh)\b"
_RESTART_NEG = (
    r"\b(?:tidak|jangan|usah|perlu)\b(?: \w+){0,3} " + _RESTART_VERBS + r"\b"
    # "kirim lagi suratnya": a document sent again, not the reminders
    r"|\bkirim\w* (?:lagi |ulang )?(?:\w+ )?(?:surat|tagihan|kode|billing|rincian|bukti|ntpn|dokumen|foto"
    r"|stp|skp)\b"
)

# A stop spoken of as the past ("dulu sy minta berhenti", "yg stop tadi abaikan"): the request is what follows it.
_STOP_WORD = (
    r"(?:stop|berhenti|henti|hentikan|dihentikan|penghentian|unsubscribe|unsub|unreg|opt out|optout|blokir|block"
    r"|matikan|keluar|jangan kirim|tidak usah kirim)"
)
_EARLIER = (
    r"(?:dulu|sebelumnya|kemarin|tadi|sempat|pernah|waktu itu|tempo hari|bulan lalu|minggu lalu|beberapa waktu lalu"
    r"|earlier|last month|last week|by mistake|by accident)"
)
_RESTART_REQUEST = (
    r"(?:" + _RESTART_VERBS + r"|buka|dibuka|masuk|masukkan|kasih masuk)\b(?: \w+){0,3} " + _AGAIN + r"\b"
    r"|\b(?:lanjut|lanjutkan|dilanjutkan|teruskan|diteruskan)\b"
    r"|\btetap (?:\w+ )?(?:mau|ingin|terima|menerima|dapat|dikirim|dikirimi|dikabari|diingatkan)\b"
    r"|\b(?:kirim|dikirim)\w* (?:saja|terus)\b"
    r"|\b(?:back on|back in|add me back|again|keep sending|resume|re enable|reenable)\b"
)
# "kemarin sy minta stop, kenapa masih dikirim lagi?": still receiving them is a complaint about a stop, not a restart
_STILL_SENT = (
    r"\bkenapa masih\b|\bmasih (?:saja |juga )?(?:dikirim|dikirimi|kirim|mengirim|dapat|menerima|terima|masuk)\b"
    r"|\bkenapa (?:\w+ ){0,3}(?:masuk|dikirim|dikirimi|kirim|datang)\b|\b(?:tetap|masih) saja\b"
)

# "tidak jadi stop", "yg stop td abaikan", "jangan berhenti kirim": a stop cancelled is a restart
_CANCELLED_STOP = (
    r"\b(?:batal|tidak jadi|cabut|mencabut|tarik kembali|menarik kembali|abaikan|batalkan|membatalkan)\b(?: \w+){0,2} "
    r"(?:berhenti|stop|unsubscribe|unsub|blokir|penghentian)\b"
    r"|\b(?:berhenti|stop|unsub|penghentian|jangan kirim)\b(?: \w+){0,4} (?:dibatalkan|diabaikan|abaikan|tidak berlaku"
    r"|dicabut|batalkan)\b"
    r"|\bjangan (?:berhenti|dihentikan|stop)\b"
    # "beta su sonde mau stop": the taxpayer no longer wants the stop (not "pesannya tidak mau berhenti")
    r"|\b(?:saya|kami|aku)\b(?: \w+){0,2} tidak (?:mau|ingin) (?:lagi )?(?:berhenti|stop|dihentikan|unsubscribe)\b"
    r"|\b(?:ignore|never mind|cancel)\b(?: \w+){0,3} (?:stop|unsubscribe|unsub|opt out)\b"
)
_RESTART_AFTER_STOP = (
    r"(?:\b" + _EARLIER + r"\b.{0,50}\b" + _STOP_WORD + r"\b|\b" + _STOP_WORD + r"\b.{0,30}\b" + _EARLIER + r"\b)"
    r".{0,150}?(?:\b" + _RESTART_REQUEST + r")"
)
# What keeps the stop rules quiet: the stop is cancelled, or past and followed by a request to send again.
_NOT_A_STOP = _CANCELLED_STOP + r"|^(?!.*(?:" + _STILL_SENT + r"))(?=.*(?:" + _RESTART_AFTER_STOP + r"))"

_PAID = (
    r"\b(?:sudah|telah) (?:saya |kami )?(?:bayar|dibayar|lunas|dilunasi|melunasi|setor|disetor|transfer)\b|\blunas\b"
)
_STOP_REQUEST = (
    r"(?:stop|berhenti|hentikan|dihentikan|jangan (?:kirim|wa|chat|hubungi|sms)|tidak (?:usah|perlu) (?:kirim|dikirim"
    r"|hubungi|dihubungi|wa))"
)

RULES: tuple[Rule, ...] = (
    # rincian: where the debt comes from
    _rule("rincian", 3, "rincian", r"\b(?:rincian|perincian|detail|detil|rinci|dirinci|diperinci|merinci|perinci)\b"),
    _rule("rincian", 3, "dari mana", r"\bdari ?mana\b|\basal\b|\bdari " + _DOCS + r"\b"),
    _rule("rincian", 2, "this bill", r"\b(?:ini|itu) (?:tagihan|utang|tunggakan|denda|sanksi|bunga)\b"),
    _rule(
        "rincian",
        3,
        "how much",
        r"\b(?:nominal|jumlah|total|sisa|pokok)\b(?: \w+){0,2} berapa\b|\bberapa\b.{0,20}\b(?:nominal|sisa|pokok)\b",
    ),
    _rule("rincian", 3, "debt + apa", r"\b(?:" + _DEBT + r"|pajak|" + _DOCS + r")(?: \w+)? apa\b"),
    _rule("rincian", 3, "apa itu debt", r"\bapa (?:itu|ini) (?:" + _DEBT + "|" + _DOCS + r")\b"),
    _rule(
        "rincian",
        3,
        "debt + question",
        r"\b(?:" + _DEBT + "|" + _DOCS + r"|surat|rp|juta|ribu)\b.{0,30}\b(?:untuk apa|kenapa|berapa|kapan)\b",
    ),
    _rule(
        "rincian",
        3,
        "how much to pay",
        r"\b(?:berapa|jumlah|total|nominal)\b.{0,20}\bharus\b(?: \w+)? (?:bayar|dibayar|lunasi|setor)\b",
    ),
    _rule("rincian", 3, "legal basis", r"\bdasar (?:hukum|tagihan|penetapan|perhitungan|pengenaan)\b"),
    _rule(
        "rincian",
        3,
        "what does it mean",
        r"\bmaksud\w*\b.{0,25}\b(?:pesan|tagihan|surat|tunggakan|utang|ini|itu)\b"
        r"|\b(?:pesan|tagihan|surat|tunggakan|utang)\b.{0,25}\bmaksud\w*\b",
    ),
    _rule(
        "rincian",
        2,
        "puzzled by the debt",
        r"\b(?:bingung|kaget|heran|tidak mengerti|tidak paham)\b.{0,30}\b(?:tagihan|tunggakan|utang|denda)\b"
        r"|\b(?:tagihan|tunggakan|utang|denda)\b.{0,30}\b(?:bingung|kaget|heran|tidak mengerti|tidak paham)\b",
    ),
    # "3,2jt itu pokok apa sudah sama bunga?", "sudah termasuk denda?": what the amount is made of
    _rule(
        "rincian",
        3,
        "composition",
        r"\b(?:pokok|pokok pajak|pajak pokok)\b.{0,30}\b(?:bunga|denda|sanksi)\b"
        r"|\b(?:bunga|denda|sanksi)\b.{0,30}\bpokok\b(?! saya)"
        r"|\b(?:termasuk|sudah sama|sudah dengan|sudah plus|plus|ditambah|tambah) (?:bunga|denda|sanksi)\b"
        r"|\b(?:utang|tagihan|pajak) pokok\b|\bpokok (?:utang|tagihan|pajak|tunggakan)\b",
    ),
    # "tolong kirim PDF surat tegurannya", "kirim ulang itu surat": a copy of the letter shows where the debt comes from
    _rule(
        "rincian",
        4,
        "copy of the letter",
        r"\b(?:kirim|kirimkan|minta|mohon|tolong)\b(?: \w+){0,3} (?:pdf|salinan|copy|kopi|fotokopi|scan|softcopy|file"
        r"|ulang)\b(?: \w+){0,3} (?:surat|teguran|stp|skp|skpkb|dokumen)\b",
    ),
    _rule(
        "rincian",
        3,
        "which one is billed",
        r"\b(?:yang mana|mana yang)\b.{0,20}\b(?:ditagih|ditagihkan|tertagih)\b"
        r"|\b(?:ditagih|ditagihkan)\b.{0,20}\byang mana\b"
        r"|\b(?:pph|ppn)(?: \d+)? atau (?:pph|ppn)\b",
    ),
    _rule("rincian", 2, "calculation", r"\b(?:perhitungan|hitungan)\b"),
    _rule("rincian", 3, "question + debt", r"\b(?:berapa|kenapa)\b.{0,30}\b(?:" + _DEBT + r"|jumlah|total)\b"),
    _rule("rincian", 3, "document facts", r"\b(?:jatuh tempo|masa pajak|ketetapan)\b"),
    _rule("rincian", 3, "check debt", r"\b(?:info|cek|lihat|periksa) (?:" + _DEBT + r")\b"),
    _rule("rincian", 3, "explain", r"\b(?:jelaskan|dijelaskan|penjelasan|menjelaskan)\b"),
    _rule("rincian", 3, "what is unpaid", r"\bapa\b.{0,25}\bbelum (?:bayar|lunas|lunasi|dibayar)\b"),
    _rule("rincian", 2, "document name", r"\b" + _DOCS + r"\b"),
    _rule("rincian", 2, "tax type", r"\b(?:pph|ppn)\b"),
    _rule("rincian", 1, "debt word", r"\b(?:tagihan|utang|tunggakan)\b"),
    # kode_billing: wants a billing code / how to pay
    _rule(
        "kode_billing",
        4,
        "billing",
        r"\bbilling\b",
        unless=r"\bbilling\b(?: \w+){0,3} tidak (?:akan|mau|perlu|usah)\b|\btidak (?:akan|mau|perlu|usah)\b(?: \w+){0,2}"
        r" (?:buat|bikin|minta|pakai) kode billing\b|\bbukan (?:lewat|pakai|dengan|melalui) (?:kode )?billing\b",
    ),
    # the request sentence of a formal letter outweighs the documents it cites ("mohon penerbitan kode billing atas
    # ketetapan dalam Surat Teguran")
    _rule(
        "kode_billing",
        3,
        "official code",
        r"\b(?:kode billing|billing) resmi\b|\b(?:bayar|membayar|setor) (?:langsung )?(?:pakai|lewat|dengan|melalui)"
        r" kode billing\b",
    ),
    _rule(
        "kode_billing",
        3,
        "asks for a code",
        r"\b(?:minta|mohon|tolong|kirimkan|buatkan|dibuatkan|penerbitan|terbitkan|diterbitkan|butuh|perlu|bikinkan)\b"
        r"(?: \w+){0,3} (?:kode billing|id billing|kode bayar|kode pembayaran)\b",
    ),
    _rule("kode_billing", 3, "kode bayar", r"\bkode(?: \w+){0,2} (?:bayar|pembayaran|setor|lunasi|melunasi)\b"),
    _rule("kode_billing", 2, "kode", r"\bkode\b(?! billing)"),  # in this channel a bare "kode" is the billing code
    _rule("kode_billing", 4, "kode tagihan", r"\b(?:kode|id) tagihan\b"),
    _rule("kode_billing", 3, "kode + question", r"\bkode\b.{0,10}\b(?:berapa|apa|mana)\b"),
    _rule(
        "kode_billing",
        3,
        "cara bayar",
        r"\b(?:cara|prosedur|langkah|tata cara) (?:bayar|membayar|pembayaran|pelunasan|melunasi|lunasi|setor)\b",
        unless=_REGIONAL,
    ),
    _rule(
        "kode_billing",
        3,
        "how to pay",
        r"\bbagaimana\b.{0,20}\b(?:bayar|membayar|pembayaran|pelunasan|melunasi|lunasi|setor)\b"
        r"|\b(?:bayar|membayar|setor)\b.{0,10}\bbagaimana\b",
        unless=_REGIONAL,
    ),
    _rule(
        "kode_billing",
        3,
        "where to pay",
        r"\b(?:bayar|setor|lunasi|transfer)\b.{0,15}\b(?:ke ?mana|di ?mana|pergi mana)\b",
        unless=_REGIONAL,
    ),
    _rule("kode_billing", 3, "account number", r"\brekening\b(?! (?:pribadi|sembarang|orang|lain))", unless=_REGIONAL),
    _rule(
        "kode_billing",
        2,
        "wants to pay",
        NOT_NEGATED + r"\b(?:mau|siap|akan) (?:bayar|membayar|lunasi|melunasi|lunas|setor)\b",
        unless=_REGIONAL,
    ),
    _rule(
        "kode_billing",
        2,
        "pay channel",
        r"\b(?:bayar|setor|membayar)\b.{0,30}\b(?:atm|bank|transfer|mobile banking|internet banking|kantor pos|qris"
        r"|teller|tokopedia|indomaret|alfamart|ovo|gopay|dana|brimo|livin|bca|bri|bni|mandiri|shopee)\b",
        unless=_REGIONAL,
    ),
    # a weak hint, so that a bare "Pembayaran" or "bayar?" is not "nothing matched"
    _rule(
        "kode_billing", 1, "pay topic", NOT_NEGATED + r"(?<!sudah )\b(?:pembayaran|bayar|membayar)\b", unless=_REGIONAL
    ),
    _rule(
        "kode_billing",
        3,
        "pay with what",
        r"\b(?:bayar|setor|membayar)\b.{0,15}\b(?:lewat|via|pakai|pake|dengan) apa\b",
        unless=_REGIONAL,
    ),
    # sudah_bayar: says they already paid
    _rule(
        "sudah_bayar",
        4,
        "sudah bayar",
        r"\bsudah (?:lama )?(?:saya |kami )?(?:pakai |gunakan |dipakai |digunakan )?(?:untuk )?" + _PAY + r"\b"
        r"|\bsudah (?:saya |kami )?(?:selesaikan|diselesaikan)\b",
        unless=r"\bsudah (?:saya |kami )?(?:transfer|kirim|bayar|setor)\b.{0,30}\b(?:penipu|orang itu|rekening (?:dia"
        r"|pribadi|orang))\b",
    ),
    _rule("sudah_bayar", 3, "receipt", r"\b(?:ntpn|bpn|bukti)\b(?! potong| lapor)"),
    _rule(
        "sudah_bayar",
        2,
        "lunas",
        r"\blunas\b",
        unless=r"\b(?:mau|akan|siap|belum|tidak|ingin|harus)\b(?: \w+){0,2} lunas\b",
    ),
    _rule(
        "sudah_bayar",
        3,
        "paid when",
        r"(?<!mau )(?<!akan )(?<!belum )\b(?:bayar|setor|transfer)\b.{0,40}"
        r"\b(?:kemarin|tadi|barusan|minggu lalu|bulan lalu|tanggal)\b",
    ),
    # "baru saja bayar", "barusan transfer", "tadi saya setor": just paid. "nanti gajian baru bayar" is the future.
    _rule(
        "sudah_bayar",
        4,
        "just paid",
        r"\b(?:baru|barusan|tadi)(?: saja| sudah| tadi)?(?: (?:saya|kami))? " + _PAY + r"\b",
        unless=r"\b(?:nanti|kalau|kalo|jika|bila|setelah|habis|sesudah|tunggu|depan|besok|gajian|panen)\b.{0,30}"
        r"\bbaru\b|\bbaru (?:saya |kami )?(?:bisa|mau|akan|sempat)\b",
    ),
    _rule(
        "sudah_bayar",
        3,
        "payment arrived",
        r"\b(?:pembayaran|bayaran)\b.{0,10}\bmasuk\b"
        r"|\b(?:konfirmasi|cek|verifikasi|validasi) (?:pembayaran|setoran)\b|\btunggu konfirmasi\b",
    ),
    _rule(
        "sudah_bayar",
        4,
        "payment made",
        r"\bpembayaran sudah (?:saya |kami )?(?:lakukan|dilakukan)\b"
        r"|\bsudah (?:saya |kami )?(?:melakukan|lakukan) pembayaran\b",
    ),
    _rule(
        "sudah_bayar",
        3,
        "settled",
        r"\bsudah (?:clear|beres|kelar)\b|\b(?:bayar|dibayar|setor|transfer) sudah\b"
        r"|\bpembayaran(?: (?:saya|kami|pajak|tunggakan))? sudah\b",
    ),
    # angsuran: instalment or deferral
    _rule("angsuran", 4, "angsuran", r"\b(?:angsur|angsuran|cicil|kredit|pengangsuran|mengangsur|angsurkan)\b"),
    _rule(
        "angsuran",
        4,
        "tunda",
        r"\b(?:tunda|ditunda|penundaan|menunda|diundur|undur|mundur|dimundurkan|reschedule"
        r"|tangguh|tangguhkan|ditangguhkan|menangguhkan|penangguhan)\b"
        r"|\b(?:penjadwalan|jadwal|dijadwal) ulang\b",
    ),
    _rule(
        "angsuran",
        3,
        "in parts",
        r"\b(?:bertahap|sebagian|setengah|separuh|pelan|perlahan|dp|uang muka|dibagi|beberapa kali)\b"
        r"|\b(?:\d+ ?|dua |tiga |empat |lima |enam )(?:kali|x)\b",
    ),
    _rule(
        "angsuran",
        3,
        "cannot afford",
        r"\btidak (?:mampu|sanggup|kuat)\b|\bsanggup\b"
        r"|\bberat\b.{0,25}\b(?:lunas|bayar|sekaligus)\b"
        r"|\btidak\b.{0,20}\bsekaligus\b|\bsekaligus\b.{0,10}\b(?:berat|tidak)\b",
    ),
    _rule(
        "angsuran",
        3,
        "relief in time",
        r"\b(?:keringanan|kelonggaran|kebijakan|kemudahan|tenggang|tenggat|dispensasi) (?:waktu|pembayaran|bayar)\b"
        r"|\b(?:kelonggaran|tenggang waktu|dispensasi)\b|\bkeringanan\b(?! (?:sanksi|denda|bunga))",
    ),
    _rule(
        "angsuran",
        3,
        "later date",
        r"\b(?:bulan depan|minggu depan|tahun depan|akhir bulan|awal bulan|akhir tahun|awal tahun|sebulan|gajian"
        r"|panen|triwulan depan|akhir triwulan|akhir semester)\b"
        r"|\b(?:per|tiap|setiap) (?:bulan|minggu|triwulan|semester)\b"
        r"|\b(?:kalau|kalo|jika|setelah) (?:sudah )?(?:ada|punya) uang\b",
    ),
    # "sampai bulan Maret", "bayar desember", "setelah lebaran", "tunggu panen": paying at a named later time
    _rule(
        "angsuran",
        4,
        "named later month",
        r"\b(?:sampai|hingga|sampai dengan|tunggu|nanti|setelah|sesudah|habis|abis|selesai|pas|waktu|awal|akhir"
        r"|pertengahan)\b(?: (?:bulan|tanggal|\d+|saja|ini|depan|saya|kami|punya|dulu))* " + _MONTHS + r"\b"
        r"|\b(?:bayar|lunasi|dilunasi|lunas|setor|bayarnya)(?: (?:di|pada|nanti|bulan|ya|saja|saya|kami))* (?:bulan )?"
        r"(?:januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|november|desember)\b",
        unless=r"\bsudah\b(?: \w+){0,2} (?:bayar|dibayar|lunas|setor|transfer)\b",
    ),
    _rule(
        "angsuran",
        4,
        "wait, then pay",
        r"\b(?:tunggu|nanti|setelah|sesudah|habis)\b.{0,30}\bbaru\b(?: \w+){0,2} (?:bayar|lunasi|lunas|setor"
        r"|dibayar|melunasi|membayar)\b",
    ),
    # "tunggu gaji turun", "setelah proyek cair", "sesudah pesta": paying once money or an event comes
    _rule(
        "angsuran",
        4,
        "when the money comes",
        r"\b(?:setelah|sesudah|tunggu|habis|sehabis|nanti|kalau|kalo)\b(?: \w+){0,5} (?:cair|dicairkan|gaji (?:turun|masuk"
        r"|keluar)|terima gaji|dapat uang|pesta|acara|panen)\b"
        r"|\b(?:bayar|lunasi|melunasi|setor|dibayar|dilunasi)\b(?: \w+){0,4} (?:setelah|sesudah|sehabis)\b"
        r"(?! (?:dapat|terima|ada|menerima|dikirim) (?:kode|billing))",
        unless=r"\bsudah (?:saya |kami )?(?:bayar|dibayar|lunas|setor|transfer)\b",
    ),
    _rule(
        "angsuran",
        2,
        "applies for it",
        r"\b(?:pengajuan|permohonan|mengajukan|ajukan|diajukan)\b(?: \w+){0,2} (?:angsuran|pengangsuran|penundaan"
        r"|cicil|tunda)\b",
    ),
    _rule("angsuran", 3, "extend", r"\b(?:diperpanjang|perpanjang|perpanjangan)\b"),
    _rule(
        "angsuran",
        3,
        "ask for time",
        r"\b(?:minta|kasih|beri|diberi|berikan) (?:\w+ )?waktu\b|\b(?:bayar|dibayar|lunasi|dilunasi) nanti\b",
    ),
    _rule(
        "angsuran",
        3,
        "no money yet",
        r"\b(?:belum|tidak) (?:ada|punya|cukup) (?:uang|dana)\b"
        r"|\b(?:uang|dana)\b(?: \w+)? (?:belum|tidak) (?:ada|cukup)\b"
        r"|\bbelum gajian\b",
    ),
    _rule("angsuran", 2, "hardship", r"\b(?:lagi susah|sedang susah|rugi|sepi|pas pasan)\b"),
    _rule(
        "angsuran",
        3,
        "bit by bit",
        r"\bsedikit sedikit\b|\b(?:cicil|bayar|setor) sedikit\b"
        r"|\bbayar \d+\w*(?: \w+)? dulu\b",
    ),  # "bayar 500rb dulu": part now, the rest later
    # keberatan: objection, Pasal 36 reduction, "the bill is wrong"
    _rule("keberatan", 4, "keberatan", r"\b(?:keberatan|banding|gugat|gugatan|pengadilan pajak|pasal 36|pasal 16)\b"),
    _rule(
        "keberatan",
        4,
        "wrong amount",
        r"\bsalah (?:hitung|hitungan|tagih|ketik|input)\b"
        r"|\b(?:tagihan|jumlah|angka|data|hitungan|perhitungan|nilai|nominal|ketetapan|omzet|skp|stp)\b(?: \w+){0,2}"
        r" salah\b",
    ),
    _rule(
        "keberatan",
        3,
        "disagree",
        r"\btidak (?:setuju|sependapat|sesuai|benar|betul|masuk akal|wajar|adil|mungkin)\b"
        r"|\btidak terima\b(?!.{0,12}\b(?:pesan|wa)\b)"
        r"|\b(?:menolak|tolak)\b|\btidak (?:mengakui|merasa punya|merasa memiliki)\b",
    ),
    # "tagihan tidak sah, saya tidak pernah terima SKP": the bill has no legal basis
    _rule(
        "keberatan",
        3,
        "no legal basis",
        r"\b(?:tidak|kurang) (?:sah|berdasar|beralasan|berdasarkan hukum)\b|\btanpa dasar\b"
        r"|\bcacat (?:hukum|prosedur)\b"
        r"|\b(?:tagihan|ketetapan|denda|sanksi|skp|stp|angka|jumlah)\b(?: \w+){0,2} (?:tidak|bukan) (?:benar|betul"
        r"|sah|berdasar)\b",
    ),
    _rule(
        "keberatan",
        3,
        "never received the assessment",
        r"\btidak (?:pernah )?(?:terima|menerima|dapat|mendapat|diberi|dikirimi|diberikan)\b(?: \w+){0,2}"
        r" (?:skp|skpkb|skpkbt|stp|ketetapan|surat ketetapan|surat tagihan|surat teguran|teguran|surat)\b",
    ),
    _rule(
        "keberatan",
        3,
        "correction",
        r"\b(?:keliru|pengurangan|penghapusan|dihapus|pembetulan|pembatalan|dibatalkan|batalkan|sanggah"
        r"|menyanggah|ganda|dobel|double|non efektif|ngawur|kacau|asal asalan|mengada ada|peninjauan|ditinjau"
        r"|tinjau ulang|kaji ulang|dikaji ulang|koreksi|dikoreksi|revisi|direvisi|keringanan sanksi|keringanan denda)\b",
    ),
    _rule(
        "keberatan",
        3,
        "too high",
        r"\b(?:terlalu|sekali) (?:besar|tinggi|mahal)\b|\b(?:besar|tinggi|mahal) sekali\b|\bkebesaran\b"
        r"|\b(?:dikurangi|kurangi|dikurangkan)\b|\btidak (?:sebesar|sebanyak|segitu|sampai segitu)\b"
        r"|\b(?:sebesar|sebanyak) itu\b|\bsegitu\b"
        r"|\b(?:sanksi|denda|bunga)\b(?: \w+){0,2} (?:terlalu |sangat )?(?:berat|besar|tinggi|mahal)\b",
    ),
    _rule(
        "keberatan",
        4,
        "npwp deleted",
        r"\bnpwp\b(?: \w+){0,2} (?:dihapus|dicabut|non efektif|ne|non aktif|nonaktif|tidak aktif)\b",
    ),
    _rule(
        "keberatan",
        4,
        "no business",
        r"\btidak (?:pernah )?(?:punya|ada) usaha\b|\busaha\b.{0,15}\btutup\b|\btutup usaha\b"
        r"|\btidak (?:pernah )?(?:usaha|berusaha|jualan|berjualan|dagang|berdagang|buka usaha)\b"
        r"|\btidak (?:lagi )?beroperasi\b|\b(?:bubar|vakum|tidak ada kegiatan)\b"
        r"|\bberhenti (?:usaha|beroperasi|berusaha|jualan|berjualan|berdagang|produksi)\b",
    ),
    # "kena denda padahal sudah lapor": the taxpayer argues the bill should not exist (a payment claim is sudah_bayar)
    _rule("keberatan", 3, "padahal", r"\bpadahal\b(?!.{0,20}\b(?:bayar|lunas|setor|transfer)\b)"),
    _rule("keberatan", 2, "but I complied", r"\bpadahal\b.{0,30}\b(?:lapor|rajin|taat|patuh|tepat waktu|nihil)\b"),
    _rule(
        "keberatan",
        3,
        "not my debt",
        r"\bbukan (?:utang|tagihan|tanggungan|kewajiban|tanggung jawab) (?:saya|kami)\b|\bnihil\b"
        r"|\bsudah dipotong\b|\b(?:harusnya|seharusnya) (?:dibatalkan|dihapus|tidak|bukan)\b",
    ),
    _rule(
        "keberatan",
        4,
        "billed twice",
        r"\b(?:tagihan|ketetapan|stp|skp|ditagih|tagih)\b.{0,25}\b(?:dobel|ganda|double|dua kali)\b"
        r"|\b(?:dobel|ganda|double)\b.{0,20}\b(?:tagihan|ketetapan|stp|skp|ditagih)\b",
    ),
    _rule("keberatan", 3, "protest bill", r"\bprotes\b(?!.{0,10}\bpelayanan\b)"),
    _rule(
        "keberatan",
        4,
        "waive penalty",
        r"\b(?:hapus|dihapus|hapuskan|dihapuskan|penghapusan|bebaskan|dibebaskan|hilangkan|dihilangkan|pemutihan"
        r"|diputihkan|diskon|potongan|amnesti)\b"
        r".{0,25}\b(?:denda|sanksi|bunga|tagihan)\b"
        r"|\b(?:denda|sanksi|bunga)\b.{0,25}\b(?:hapus|dihapus|hapuskan|dihapuskan|bebaskan|dibebaskan)\b",
    ),
    _rule(
        "keberatan",
        3,
        "this is wrong",
        r"\b(?:ini|itu) salah\b(?! (?:nomor|orang|kirim|sambung|alamat|kontak))"
        r"|\b(?:tagihan|data|angka|sistem)\b(?: \w+){0,2} error\b",
    ),
    _rule("keberatan", 3, "nothing owed", r"\btidak ada (?:kurang bayar|utang|tunggakan|tagihan)\b"),
    _rule("keberatan", 4, "not liable", r"\bbukan (?:pkp|pengusaha kena pajak)\b"),
    _rule("keberatan", 1, "salah", r"\bsalah\b"),
    # petugas: wants a person
    _rule(
        "petugas",
        4,
        "officer",
        # "Bapak/Ibu petugas" addresses the officers; "dibantu petugas" tells what happened
        r"(?<!jadi )(?<!bapak )(?<!ibu )(?<!para )(?<!dibantu )(?<!oleh )\b(?:petugas|pegawai pajak|operator|manusia|juru sita|kepala seksi|ar|account representative"
        r"|agent|agen|customer service|live chat)\b",
    ),
    # "admin" right after a greeting is how people address the account ("halo admin"), not a request for one
    _rule(
        "petugas",
        4,
        "admin",
        r"(?<!halo )(?<!pagi )(?<!siang )(?<!sore )(?<!malam )(?<!salam )(?<!permisi )"
        r"\badmin\b",
    ),
    _rule(
        "petugas",
        3,
        "call me",
        NOT_NEGATED + r"(?<!susah )(?<!sulit )(?<!tidak bisa )"
        r"\b(?:telepon|ditelepon|call back|callback|hubungi|dihubungi|hubungkan|sambungkan|panggil)\b",
    ),
    _rule(
        "petugas",
        3,
        "talk or meet",
        NOT_NEGATED + r"\b(?:bicara|berbicara|ketemu|bertemu|konsultasi|berkonsultasi|diskusi|berdiskusi|datang"
        r"|tatap muka|bertatap muka)\b",
    ),
    _rule("petugas", 3, "appointment", r"\b(?:janji temu|janjian|buat janji|appointment)\b"),
    _rule("petugas", 3, "go to office", r"\b(?:pergi|ke) (?:ke )?(?:kantor|kpp)\b(?! (?:saya|kami))"),
    # a visit, either way (where the office's address and hours alone are asked, that is general information)
    _rule(
        "petugas",
        5,
        "visiting the office",
        r"\bkantor(?: pajak| kpp)?\b(?: \w+){0,3} (?:yang dekat|terdekat)\b|\bpergi langsung\b"
        r"|\b(?:tolong|minta|mohon|bisa)\b.{0,20}\b(?:datang|kunjungi|mengunjungi|berkunjung)\b(?: \w+){0,2} (?:ke )?rumah\b",
    ),
    _rule(
        "petugas",
        3,
        "a human",
        r"\bada orang\b|\bjawab orang\b|\borang (?:pajak|kantor|asli|langsung)\b"
        r"|\b(?:dibantu|dilayani|dijawab|bicara|langsung) (?:sama|oleh|dengan) orang\b"
        r"|\bmau (?:orang|manusia)\b",
    ),
    _rule("petugas", 2, "not a bot", r"(?<!halo )\b(?:robot|bot|mesin)\b"),
    # berhenti: stop messages
    _rule(
        "berhenti",
        5,
        "stop",
        # "jangan berhenti kirim", "tidak jadi stop": the opposite of a stop
        r"(?<!jangan )(?<!jadi )(?<!batal )\b(?:stop|berhenti|henti|hentikan|dihentikan|unsubscribe|unsub|unreg|opt out"
        r"|optout)\b"
        r"(?! (?:usaha|beroperasi|berusaha|jualan|berjualan|berdagang|produksi))",
        unless=r"\b(?:bunga|denda|sanksi)\b.{0,30}\b(?:berhenti|stop)\b|" + _NOT_A_STOP,
    ),
    # "dulu sy aktifkan lagi, tp skrg sy mau berhenti": what is asked now decides, as for a restart after a stop
    _rule(
        "berhenti",
        6,
        "stop from now on",
        r"\b(?:sekarang|mulai hari ini|saat ini|from now on)\b(?: \w+){0,4} (?:berhenti|stop|hentikan|dihentikan|cukup"
        r"|unsub|unsubscribe)\b",
        unless=r"\b(?:tidak jadi|batal|jangan) (?:berhenti|stop|dihentikan)\b",
    ),
    # "sdh lunas, stop kirim pesan": an explicit stop beats a payment claim
    _rule(
        "berhenti",
        4,
        "paid, so stop",
        r"(?:" + _PAID + r").{0,60}\b" + _STOP_REQUEST + r"\b|\b" + _STOP_REQUEST + r"\b.{0,60}(?:" + _PAID + r")",
    ),
    # "stp krm psn": STP is also a letter, but not one anybody sends as a message
    _rule("berhenti", 5, "stp typed for stop", r"^stp (?:kirim|pesan|wa|sms|chat)\b"),
    _rule(
        "berhenti",
        5,
        "not a channel any more",
        r"\btidak lagi (?:dijadikan|digunakan|dipakai|menerima|dikirimi)\b.{0,30}\b(?:pengiriman|pemberitahuan|pesan"
        r"|notifikasi|informasi|pengingat)\b",
    ),
    _rule(
        "berhenti",
        5,
        "jangan kirim",
        r"\bjangan (?:kirim|kirimi|kirimkan|mengirim|mengirimkan|chat|wa|hubungi|ganggu|sms|telepon|kontak|dikirim"
        r"|dikirimi|dihubungi|diingatkan|masukkan|dimasukkan)\b"
        r"|\btidak (?:lagi )?(?:mengirim|mengirimkan|mengirimi|dikirim|dikirimi|dikirimkan|dihubungi|ditelepon"
        r"|diingatkan)\b(?! (?:teguran|surat|tagihan|stp|skp))"
        r"(?: \w+){0,2} (?:pesan|wa|chat|sms|lagi)\b",
        unless=_NOT_A_STOP,
    ),
    _rule(
        "berhenti",
        5,
        "do not want messages",
        r"\btidak (?:mau|usah|perlu|ingin|butuh|berkenan|bersedia)\b.{0,25}"
        r"\b(?:pesan|chat|wa|dihubungi|hubungi|pengingat|notifikasi|kirim|dikirim|dikirimi|dikirimkan|sms|diingatkan"
        r"|ingatkan)\b",
        unless=_NOT_A_STOP,
    ),
    _rule(
        "berhenti",
        5,
        "stop in English",
        r"\bquit (?:sending|messaging|texting|contacting)\b|\bremove me\b"
        r"|\b(?:tidak|don't|dont|do not) (?:\w+ ){0,3}(?:send|message|text|contact)\b|\btidak more\b",
    ),
    _rule(
        "berhenti",
        4,
        "switch off",
        r"(?<!buka )\b(?:matikan|nonaktifkan|blokir|block)\b(?! npwp)|\bhapus (?:nomor|saya|kami)\b"
        r"|\b(?:batal|batalkan|keluar|keluarkan)\b(?: \w+){0,3} (?:langganan|berlangganan|pengingat|notifikasi|daftar"
        r"|layanan)\b",
    ),
    # "cabut langganan", "berhenti berlangganan": cancelling the subscription outweighs the bare word "berlangganan"
    _rule(
        "berhenti",
        6,
        "cancel subscription",
        r"\b(?:cabut|batal|batalkan|berhenti|stop|hentikan|keluar|akhiri|putus|putuskan|unsubscribe|unsub"
        r"|nonaktifkan|matikan)\b(?: \w+){0,2} (?:langganan|berlangganan|subscribe|subscription)\b",
        unless=r"\b(?:batal|tidak jadi|cabut) (?:berhenti|stop|unsubscribe|unsub|blokir)\b",
    ),
    _rule(
        "berhenti",
        5,
        "off the list",
        r"\b(?:hapus|hapuskan|dihapus|keluarkan|dikeluarkan|coret|dicoret)\b(?: \w+){0,3} dari (?:daftar|list"
        r"|database|data penerima|kontak|langganan|grup|group|broadcast)\b"
        r"(?! (?:tunggakan|penunggak|wajib pajak|utang|tagihan|penagihan))",
    ),
    _rule("berhenti", 3, "enough messages", r"\bcukup\b.{0,20}\b(?:pesan|kirim)\b"),
    _rule(
        "berhenti",
        3,
        "spam",
        r"\b(?:spam|teror|diteror|meneror)\b"
        r"|\b(?:kirim|pesan|chat|wa|sms)\b.{0,15}\b(?:terus menerus|berulang|tiap hari|setiap hari)\b",
    ),
    # "maaf mengganggu" is politeness, not annoyance
    _rule(
        "berhenti",
        3,
        "annoyed",
        r"(?<!maaf )\b(?:mengganggu|terganggu|risih)\b|\btidak (?:mau|ingin|perlu|butuh) lagi\b",
    ),
    # a bare command word, as people answer an automated sender
    _rule("berhenti", 4, "command", r"^(?:sudah )?(?:cukup|keluar|exit|quit)$"),
    # mulai: start again after stopping
    _rule(
        "mulai",
        5,
        "mulai",
        r"(?<!dihitung )(?<!berlaku )\b(?!mulai (?:kapan|dari|tanggal|bulan|tahun|sekarang|hari ini|besok|minggu|saat))(?:mulai|start|restart|resume|subscribe|resubscribe|resub|berlangganan|aktifkan|diaktifkan|aktif kan"
        r"|hidupkan|nyalakan)\b",
    ),
    _rule(
        "mulai",
        5,
        "again",
        r"\b" + _RESTART_VERBS + r"\b(?: \w+){0,2} " + _AGAIN + r"\b"
        r"|\bkembali (?:menerima|terima|aktif)\b"
        r"|\blanjut(?:kan)? (?:kirim|kirimkan|kasih|pesan|info|notifikasi|pengingat)\b"
        r"|\bkirim(?:kan)? (?:ulang|lagi) (?:notifikasi|pengingat|pesan)\b",
        unless=_RESTART_NEG,
    ),
    _rule(
        "mulai",
        6,
        "wants them again",
        r"\b(?:mau|boleh|siap)\b(?: \w+){0,2} " + _RESTART_VERBS + r"\b(?: \w+){0,2} " + _AGAIN + r"\b",
        unless=_RESTART_NEG,
    ),
    _rule(
        "mulai",
        4,
        "wants messages",
        r"\b(?:mau|ingin|boleh|bersedia)\b(?: \w+){0,2} (?:terima|menerima|dapat|diingatkan|dikirimi)\b(?: \w+){0,2}"
        r" (?:pesan|pengingat|notifikasi|reminder|wa)\b",
        unless=_RESTART_NEG,
    ),
    _rule(
        "mulai",
        4,
        "wants reminders",
        r"\b(?:langganan|berlangganan|ikut|daftar|kirim|kirimkan|aktifkan|terima|menerima)\b(?: \w+)?"
        r" (?:pengingat|notifikasi|reminder)\b",
        unless=_RESTART_NEG,
    ),
    _rule(
        "mulai",
        6,
        "changed mind",
        _CANCELLED_STOP,
    ),
    _rule(
        "mulai",
        6,
        "stopped before, wants them again",
        _RESTART_AFTER_STOP,
        unless=_STILL_SENT,
    ),
    _rule(
        "mulai",
        5,
        "restart in English",
        r"\b(?:opt (?:me )?(?:back )?in|turn (?:\w+ ){0,2}back on|back on|keep sending|re enable|reenable|add me back"
        r"|(?:receive|get|send|sending) (?:\w+ ){0,3}again)\b",
    ),
    _rule("mulai", 6, "unblock", r"\bbuka (?:blokir|block|blok)\b|\b(?:daftar|daftarkan|aktifkan|mulai|start) ulang\b"),
    # "I pressed stop by accident": the stop word in the message is the past, the request is to restart
    _rule("mulai", 4, "stopped by mistake", r"\b(?:kepencet|salah pencet|salah klik|tidak sengaja|tak sengaja)\b"),
    # pengaduan: complaint channels
    _rule(
        "pengaduan",
        5,
        "complaint",
        r"\b(?:pengaduan|mengadu|adukan|mengadukan|komplain|keluhan|pungli|gratifikasi"
        r"|whistleblowing|wbs|kring pajak|kring|1500200|oknum|uang damai|kecewa|tidak puas|tidak sopan"
        r"|kasar|tidak ramah|pungutan liar|imbalan|suap|sogok|pelicin|mengeluh|kritik|dipersulit|mempersulit"
        r"|dilempar|dipingpong|diabaikan|tidak profesional|dipalak|palak|pemerasan|diperas|calo|tidak etis"
        r"|ingkar janji|sesuai janji|(?:sikap|perilaku|perlakuan|kelakuan|kinerja) (?:petugas|pegawai|oknum|staf)"
        r"|telepon center|adu|menyesalkan|disesalkan|lempar|dioper|macam apa|kerja apa|kerjanya apa|disiplin"
        r"|muter muter|berputar putar|berbelit|bolak balik|pengemplang|dipermalukan|mempermalukan|bikin malu)\b",
    ),
    _rule(
        "pengaduan",
        3,
        "no answer",
        r"\b(?:tidak|belum|tanpa) (?:ada )?(?:kabar|tanggapan|respon|balasan|jawaban|kejelasan|tindak lanjut)\b"
        r"|\btidak (?:beres|selesai) selesai\b|\btidak beres\b",
    ),  # "call center" arrives as "telepon center" (call -> telepon)
    _rule(
        "pengaduan",
        5,
        "asks for money",
        r"\b(?:minta|diminta|dimintai|meminta) (?:uang|imbalan|transfer)\b|\blapor\b.{0,12}\bpetugas\b"
        r"|\bpetugas\b.{0,30}\b(?:lapor|melapor|melaporkan|laporkan)\b",
        unless=_IMPOSTOR + "|" + _NEVER_ASKS,
    ),
    _rule(
        "pengaduan",
        4,
        "says it is a complaint",
        r"\b(?:mau|ingin|akan|mohon|hendak) (?:mengadu|mengadukan|komplain|menyampaikan keluhan|mengeluh|protes)\b",
    ),
    _rule("pengaduan", 4, "service", r"\bpelayanan\b"),
    _rule(
        "pengaduan",
        4,
        "bad service",
        r"\b(?:layanan|pelayanan|petugas|pegawai|kantor|kpp|admin|bot|sistem|aplikasi)\b.{0,25}"
        r"\b(?:buruk|jelek|lambat|lelet|parah|mengecewakan|galak|judes|jutek|ketus|cuek|lama sekali|tidak baik"
        r"|tidak membantu|marah|membentak|bentak|sombong|kurang ajar|malas|kasar|tidak ramah|tidak sopan|arogan"
        r"|angkuh|sinis|nyolot|ngegas|acuh|songong)\b"
        r"|\b(?:lambat|lelet|buruk|jelek|parah|mengecewakan)\b(?: sekali)? (?:pelayanan|layanan)\b",
    ),
    # "petugasnya ketus": a rude-behaviour word is a complaint even without a staff word next to it
    _rule(
        "pengaduan",
        4,
        "rude",
        r"\b(?:ketus|judes|jutek|galak|sombong|arogan|angkuh|sinis|nyolot|songong|membentak|dibentak|bentak"
        r"|kurang ajar|tidak ramah|tidak sopan|tidak beretika)\b",
    ),
    # A complaint about how an officer behaved: it goes to the section head, never to an officer queue, so it must
    # outweigh the officer word and "datang" that would otherwise read as "I want an officer".
    _rule(
        "pengaduan",
        8,
        "officer misconduct",
        r"\b(?:petugas|pegawai|ar|juru sita|satpam|staf|orang kantor|kepala seksi)\b.{0,70}"
        r"\b(?:kasar|membentak|bentak|dibentak|marah|marah marah|cuek|tidak sopan|tidak etis|tidak ramah|judes|ketus"
        r"|tidak mau (?:melayani|layani)|tidak (?:dilayani|melayani)|menyuruh (?:saya |kami )?pulang|malu|nada tinggi"
        r"|tanpa surat tugas|minta (?:uang|amplop|imbalan)|amplop|uang (?:bensin|rokok|kopi|transport)|mempersulit"
        r"|intimidasi|mengintimidasi|melecehkan|tidak profesional|main hp|menghina|seenaknya|sewenang wenang|bodoh"
        r"|hina|mengejek|ejek|memaki|maki|dimaki|teriak|mengancam|ancam|tidak pernah (?:membalas|balas|dibalas"
        r"|merespon|respon|angkat|mengangkat)|tidak (?:membalas|dibalas|merespon|direspon|angkat))\b"
        r"|\b(?:mengadukan|adukan|mengadu|laporkan|melaporkan|komplain|mengeluhkan|keluhkan|tegur|ditegur|menegur)\b"
        r"(?: \w+){0,3} (?:petugas|pegawai|ar|juru sita|satpam|staf|oknum)\b"
        r"|\b(?:tindakan|perbuatan|sikap|perilaku|perlakuan) (?:petugas|pegawai|oknum|staf|ar|juru sita)\b"
        r"|\b(?:atasan|atasannya)\b.{0,40}\b(?:petugas|pegawai|ar)\b"
        r"|\b(?:petugas|pegawai|ar)\b.{0,60}\b(?:atasan|atasannya|ditegur|tegur)\b",
        unless=_IMPOSTOR,
    ),
    _rule(
        "pengaduan",
        3,
        "report",
        # "telat/harus/lupa lapor" is filing a tax return, not reporting someone
        r"(?<!sudah )(?<!telat )(?<!terlambat )(?<!harus )(?<!wajib )(?<!lupa )(?<!belum )"
        r"\b(?:lapor|laporan|melapor|melaporkan|laporkan)\b(?! spt| nihil| pajak tahunan| tahunan)",
    ),
    # salah_nomor: not my number / wrong person
    _rule(
        "salah_nomor",
        6,
        "salah nomor",
        r"\b(?:salah|keliru) (?:nomor|orang|kirim|sambung|alamat|kontak|menghubungi|hubungi|tujuan|person|number)\b"
        r"|\bsalah (?:input|ketik|catat|tulis|simpan) (?:nomor|kontak)\b|\bwrong (?:number|person)\b",
    ),
    _rule(
        "salah_nomor",
        6,
        "not my number",
        r"\bbukan (?:nomor|hp|wa)(?: hp)? (?:saya|kami)\b|\bbukan (?:saya )?(?:punya )?nomor\b"
        r"|\b(?:nomor|hp)\b(?: \w+){0,6} bukan (?:punya|milik|atas nama|nomor)\b",
    ),
    _rule(
        "salah_nomor",
        5,
        "not me",
        r"\bbukan saya\b|\bsaya bukan\b(?! (?:pkp|pengusaha))|\bbukan dia\b"
        r"|\bbukan (?:pemilik|pribadi|milik)\b|\bnama saya\b.{0,30}\bbukan\b|\bnama\b(?: \w+){0,3} bukan\b"
        r"|\bbukan (?:usaha|toko|perusahaan|npwp|nama) saya\b|\b(?:maksud|cari|dicari)\b.{0,15}\bsiapa\b"
        r"|\b(?:kami|saya) bukan (?:wajib pajak|wp|orang|pemilik|pengurus|yang)\b"
        r"|\bnomor ini (?:adalah )?(?:milik|punya|nomor) pribadi\b",
    ),
    _rule(
        "salah_nomor",
        5,
        "stranger",
        r"\btidak kenal\b|\btidak (?:ada )?hubungan\b|\btidak tahu siapa\b"
        r"|\btidak (?:ada|kenal) (?:yang|orang) (?:namanya|nama|bernama)\b|\btidak (?:ada |tinggal )?di sini\b"
        r"|\btidak tahu apa(?: apa)? (?:tentang|soal|mengenai)\b"
        r"|\bbukan (?:yang|orang yang) (?:(?:bapak|ibu|kakak|kamu) )?(?:punya|dimaksud|dicari|cari|maksud|bersangkutan)\b",
    ),
    _rule(
        "salah_nomor",
        4,
        "someone else's number",
        r"\bnomor\b.{0,25}\borang lain\b|\bpinjam (?:hp|nomor|wa)\b|\b(?:tidak ada|bukan) urusan\b"
        r"|\b(?:nomor|hp|wa) ini\b(?: \w+){0,2} (?:dipakai|digunakan|punya|milik) (?:anak|istri|suami|ibu|bapak"
        r"|adik|kakak|keluarga|orang)\b|\bini (?:nomor|hp|wa) (?:istri|suami|anak|ibu|bapak|orang tua|kantor(?! pajak)"
        r"|keluarga|adik|kakak)\b|\btidak (?:pernah )?(?:punya|memiliki|daftar) npwp\b"
        r"|\btidak pernah (?:daftar|mendaftar|terdaftar)\b",
    ),
    # "siapa itu Hendrikus?" asks who the named person is; "siapa ini?" only asks who is writing
    _rule("salah_nomor", 2, "who is that", r"^siapa\b(?! (?:ini|ya|kamu|admin))|\bini nomor saya\b"),
    _rule("salah_nomor", 3, "someone else", r"\borang lain\b"),
    _rule("salah_nomor", 5, "probably someone else", r"\b(?:mungkin|maksudnya|pasti|itu) orang lain\b"),
    _rule(
        "salah_nomor",
        5,
        "number changed hands",
        r"\bnomor\b(?: \w+){0,3} (?:beli|dibeli)\b"
        r"|\b(?:ganti pemilik|pemilik lama|pemilik sebelum|pemilik sebelumnya|beli nomor|nomor baru|meninggal"
        r"|almarhum|almarhumah|wafat|sudah tiada|tidak pakai nomor|tidak memakai nomor|resign|pindah kerja"
        r"|pindah tugas)\b"
        r"|\bnomor ini\b(?: \w+){0,2} (?:punya|milik|dipakai) saya\b"
        r"|\b(?:dia|orang|beliau|bersangkutan)\b(?: \w+){0,2} pindah\b|\bnomor lama\b"
        r"|\b(?:orang|dia|beliau|bapak|ibu|suami|istri)\b(?: \w+){0,2} (?:sudah )?mati\b",
    ),
    # "ini nomor dulu bapak punya, sekarang saya yang pakai", "nomor bekas": the number used to be someone else's
    _rule(
        "salah_nomor",
        5,
        "number used to be someone else's",
        r"\b(?:nomor|hp|wa|kartu)(?: (?:ini|itu|hp|wa|telepon|saya))*"
        r" (?:dulu|dulunya|sebelum|sebelumnya|tadinya|awalnya)"
        r"(?: (?!sudah\b)\w+){0,2} (?:punya|milik|dipakai|digunakan|dipegang|atas nama)\b"
        r"|\bsekarang (?:saya|kami) yang (?:pakai|memakai|pegang|gunakan|menggunakan|punya)\b"
        r"|\b(?:nomor|hp|wa|kartu) ini sekarang (?:saya|kami)(?: yang)? (?:pakai|memakai|pegang|gunakan"
        r"|menggunakan|punya)\b"
        r"|\b(?:nomor|kartu|hp) (?:bekas|second|seken|lungsuran)\b|\b(?:nomor|kartu) perdana\b"
        r"|\bbaru (?:saya |kami )?(?:beli|dapat|pakai|memakai) (?:nomor|kartu|hp)\b",
    ),
    # "the company was sold", "the shop changed hands": the number no longer belongs to the taxpayer
    _rule(
        "salah_nomor",
        6,
        "business changed hands",
        r"\b(?:perusahaan|usaha|toko|cv|pt|ud|firma|koperasi|bengkel|warung|kios|badan usaha|kantor)\b(?: \w+){0,4}"
        r" (?:sudah |telah )?(?:dijual|terjual|dioper|dialihkan|diserahkan|pindah tangan|berganti (?:pemilik|kepemilikan)|ganti (?:pemilik"
        r"|kepemilikan)|diambil alih|diakuisisi|dialihkan)\b"
        r"|\b(?:berganti|ganti|peralihan|pergantian|alih) kepemilikan\b|\bpindah tangan\b",
    ),
    _rule(
        "salah_nomor",
        5,
        "no longer theirs",
        r"\b(?:bukan|tidak) lagi\b(?: \w+)? (?:nomor|milik|dipakai|digunakan|dipergunakan)\b"
        r"|\bsudah (?:bukan|tidak) (?:milik|nomor|dipakai|digunakan)\b"
        r"|\b(?:nomor|hp|wa) ini\b(?: \w+){0,2} (?:tidak|bukan) lagi\b(?! (?:dijadikan|menerima|dikirimi|untuk))"
        r"|\b(?:sudah |telah )?(?:ganti|berganti|tukar) (?:nomor|hp|kartu)\b"
        r"|\b(?:sudah|telah) (?:lama )?pindah\b(?! (?:kpp|alamat|npwp|domisili))",
    ),
    # salam: greeting or menu request
    _rule("salam", 2, "greeting", r"\b(?:halo|selamat|salam|permisi|pagi|siang|sore|malam|tes|ping|p|apa kabar)\b"),
    # "selamat pagi bapak ibu petugas": a greeting that addresses the officers is still only a greeting
    _rule(
        "salam",
        6,
        "greeting the officers",
        r"^(?:halo|hai|hallo|selamat (?:pagi|siang|sore|malam|datang)|pagi|siang|sore|malam|salam|permisi|shalom"
        r"|assalamualaikum)(?: (?:bapak|ibu|kakak|para|semua|semuanya|dan|petugas|pegawai|admin|staf|tim|kantor"
        r"|pajak|kpp|kupang|sekalian|dong|yang|baik|budiman|terhormat|di|pratama))*"
        r"(?: (?:semoga (?:sehat|sukses)(?: selalu)?|salam sehat|sehat selalu|tuhan (?:berkati|memberkati)))*$",
    ),
    _rule(
        "salam",
        3,
        "good wishes",
        r"\bhappy (?:monday|tuesday|wednesday|thursday|friday|weekend|day)\b"
        r"|\bsemangat (?:kerja|bekerja|pagi|selalu)\b",
    ),
    _rule("salam", 4, "how are you", r"\b(?:apa|bagaimana) kabar\b|\bkabar (?:baik|bagaimana|apa)\b|^kabar\b"),
    _rule(
        "salam",
        3,
        "menu",
        r"\b(?:menu|bantuan|help|pilihan)\b|\b(?:layanan|fitur)(?: \w+)? apa saja\b"
        r"|\bapa saja (?:layanan|fitur)\b",
    ),
    # a bare "info" / "mau tanya" opens the conversation: show the menu
    _rule(
        "salam",
        2,
        "opener",
        r"^(?:mau |minta |ada |bisa |tolong )?(?:info|tanya|bantu)(?: (?:dong|kakak|bapak|ibu|ya|admin|saya))*$",
    ),
    # terima_kasih: thanks / closing
    # the closing formula of a message that asks for something ("Mohon informasi ... Atas perhatiannya kami ucapkan
    # terima kasih") is politeness: the request decides
    _rule(
        "terima_kasih",
        4,
        "terima kasih",
        r"\bterima kasih\b",
        unless=r"\b(?:mohon(?! maaf)|apakah|bagaimana|bermaksud|menanyakan|mengetahui|memerlukan|bisakah|dapatkah)\b"
        r".{20,}\bterima kasih\b(?: \w+){0,5}$",
    ),
    _rule(
        "terima_kasih",
        3,
        "closing",
        r"\bsama sama\b|\btuhan (?:berkati|memberkati)\b|\bgbu\b"
        r"|\b(?:sehat|sukses) selalu\b|\bsalam sehat\b|\bsemoga (?:sehat|sukses)\b",
    ),
    _rule(
        "terima_kasih",
        2,
        "ok",
        r"\b(?:oke|sip|mantap|noted|dimengerti|good(?! pagi| siang| malam)|emoji_ok)\b"
        r"|(?<!tidak )(?<!belum )(?<!kurang )\b(?:mengerti|paham|jelas|baik)\b"
        r"|\bsiap\b(?! bayar| lunas| setor)|^(?:ya|iya|yes|y)(?: (?:bapak|ibu|kakak|admin))?$",
    ),
    # "oke, nanti saya ke kantor": acknowledging and saying what happens next, not a new request
    _rule(
        "terima_kasih",
        3,
        "ok + next step",
        r"^(?:oke|baik|siap|iya|ya|sip)\b.{0,12}\b(?:nanti (?:saya|kami)|saya tunggu|ditunggu)\b",
    ),
    _rule("terima_kasih", 1, "praying hands", r"\bemoji_thanks\b"),
    # lainnya: recognisably out of scope (the answers route these to general help or an officer)
    _rule(
        "lainnya",
        3,
        "other tax service",
        r"\b(?:spt|efin|password|pbb|kendaraan|samsat|coretax|npwp baru|buat npwp|daftar npwp|kartu npwp"
        r"|ganti alamat|pph final|umkm|alamat|tarif|pph 21|pph21|bukti potong|faktur|efaktur|pkp|karyawan|magang"
        r"|domisili|pindah kpp|email|jam buka|tahunan|pph 29|bukti lapor|fiskal|surat keterangan|lebih bayar|restitusi"
        r"|(?:hapus|menghapus|nonaktifkan|menonaktifkan) npwp)\b",
    ),
    # penipuan_khawatir: doubts about this channel itself ("ini penipuan ya?", "asli kah ini dari kantor pajak?")
    _rule(
        "penipuan_khawatir",
        6,
        "is this genuine",
        r"\b(?:ini|itu)(?: \w+){0,2} (?:asli|resmi|aman|hoaks|hoax|palsu|penipuan|penipu)\b"
        r"|\b(?:asli|resmi|aman)\b(?: \w+)? (?:ini|itu)\b|\bdasar penipu\b|\bklik link\b"
        r"|\blink\b.{0,20}\b(?:apa|aman|asli|resmi|benar)\b",
    ),
    _rule(
        "penipuan_khawatir",
        5,
        "afraid of fraud",
        r"\b(?:takut|khawatir|ragu|curiga|waspada|hati hati|jangan jangan|tidak (?:ingin|mau) (?:tertipu|ditipu)"
        r"|tidak percaya)\b.{0,40}\b" + _FRAUD + r"\b"
        r"|\b" + _FRAUD + r"\b.{0,40}\b(?:takut|khawatir|ragu|curiga)\b"
        r"|\bjangan jangan\b|\btidak (?:ingin|mau) (?:tertipu|ditipu)\b"
        r"|\b(?:saya|kami) curiga\b|\bmencurigakan\b|\btidak (?:mau |bisa |langsung )*percaya\b|\bbelum percaya\b"
        r"|\b(?:biar|supaya|agar) (?:saya |kami )?(?:yakin|percaya)\b|\b(?:kartu|tanda) (?:pegawai|pengenal|identitas)\b"
        r"|\b(?:keabsahan|keaslian)\b",
    ),
    # "kenapa kantor pajak pakai WA?", "apakah KPP memang kirim tagihan lewat WhatsApp?": is this channel the office's
    _rule(
        "penipuan_khawatir",
        5,
        "does the office use this channel",
        r"\b(?:kenapa|apakah|apa|memang|benar|betul)\b(?: \w+){0,3} (?:kpp|djp|kantor pajak|pajak)\b(?: \w+){0,2}"
        r" (?:pakai|memakai|lewat|melalui|kirim|mengirim|menggunakan)\b(?: \w+){0,2} (?:wa|whatsapp)\b"
        r"|\bnomor(?:nya)? (?:kok |ini )?(?:beda|berbeda|lain)\b|\bnomor siapa\b"
        r"|\bnomor ini\b(?: \w+){0,2} (?:nomor|milik|punya|dari) (?:kantor pajak|kpp|djp|pajak)\b"
        r"|\b(?:benar|betul|asli)(?: \w+)? (?:orang|petugas|pegawai) (?:pajak|kpp|djp)\b",
    ),
    _rule(
        "penipuan_khawatir",
        5,
        "genuine office?",
        r"\b(?:ini|itu|nomor ini|pesan ini|wa ini|surat ini|suratnya)(?: \w+){0,2} (?:benar|betul|asli|resmi|sah)"
        r"(?: \w+){0,2} (?:dari|milik|punya|nomor) " + _OFFICE + r"\b"
        r"|\b(?:benar|betul|asli|resmi|sah) (?:ini|itu)(?: \w+)? (?:dari|nomor|milik)?\s?" + _OFFICE + r"\b"
        r"|\b(?:kantor pajak|kpp|djp|nomor pajak|petugas pajak|orang pajak) (?:asli|resmi|betulan|benar)\b"
        r"|\b(?:wa|nomor|akun|pesan|layanan|chat) (?:resmi|asli) (?:\w+ )?(?:dari )?" + _OFFICE + r"\b"
        r"|\b(?:asli|resmi|sah) (?:atau|apa) (?:palsu|tidak|bukan|penipuan)\b"
        r"|\b(?:bukti|buktinya|percaya|yakin|yakinkan|memastikan|pastikan)\b.{0,30}\b(?:resmi|asli|penipu|penipuan"
        r"|dari djp|dari kantor|dari pajak|nomor kpp)\b"
        r"|\b(?:yakin|benar|betul|asli)\b(?: \w+){0,2} (?:dari|nomor) (?:djp|kpp|kantor pajak|pajak)\b",
    ),
    # "kode billing yang bosong kirim ni asli ko?": a doubt about what the office sent, whatever it names
    _rule(
        "penipuan_khawatir",
        6,
        "is what you sent genuine",
        r"\b(?:kamu|kalian|anda|bapak|ibu) (?:kirim|kirimkan|berikan|kasih)\b(?: \w+){0,2} (?:asli|resmi|benar|sah)"
        r" (?:kah|tidak|atau|apa|bukan)\b",
    ),
    # a bare fraud word: worry by default; a report needs more (someone else, money asked, "saya mau lapor")
    _rule(
        "penipuan_khawatir",
        5,
        "is this the office's number",
        r"^(?:apakah |apa |benar |betul |halo )?(?:ini|benar ini|betul ini) (?:benar |betul )?(?:nomor|wa|akun)"
        r" (?:resmi )?(?:dari |milik )?" + _OFFICE + r"\b",
    ),
    _rule("penipuan_khawatir", 2, "fraud word", r"\b" + _FRAUD + r"\b"),
    # lapor_penipuan: someone else wrote or called in the office's name, asking for money outside a kode billing
    _rule(
        "lapor_penipuan",
        5,
        "impersonation",
        _CLAIMS_TO_BE
        + r"|\b"
        + _OFFICE
        + r" (?:palsu|gadungan|abal abal)\b|\b(?:logo|foto|profil) (?:kantor pajak|djp|kpp|pajak)\b",
        unless=_FRAUD_IN_GENERAL + r"|^(?:tagihan|kode|billing)\b",
    ),
    _rule("lapor_penipuan", 3, "money outside billing", r"\b" + _OFF_BILLING + r"\b", unless=_NEVER_ASKS),
    # a private account named together with a fraud word is a report, whatever billing words surround it
    _rule(
        "lapor_penipuan",
        4,
        "private account, a fraud",
        r"\b" + _OFF_BILLING + r"\b.{0,60}\b" + _FRAUD + r"\b|\b" + _FRAUD + r"\b.{0,60}\b" + _OFF_BILLING + r"\b",
        unless=_NEVER_ASKS + "|" + _FRAUD_IN_GENERAL,
    ),
    _rule(
        "lapor_penipuan",
        4,
        "fake account or file",
        r"\bakun\b(?: (?:facebook|fb|instagram|ig|tiktok|wa|whatsapp|telegram|palsu|bernama|atas nama|resmi|official"
        r"|\w+)){0,3} (?:kpp|djp|pajak|kantor pajak)\b"
        r"|\b(?:apk|file apk|aplikasi)\b.{0,40}\b(?:klik|install|pasang|buka)\b"
        r"|\b(?:sudah|terlanjur) (?:saya )?(?:klik|install|pasang|buka)\b.{0,40}\b(?:hp|ponsel)\b(?: \w+){0,2}"
        r" (?:aneh|error|diretas|dibajak|rusak|lemot)\b"
        r"|\b(?:sadar|ternyata)\b.{0,20}\b(?:tipu|penipu|penipuan|ditipu|tertipu)\b",
    ),
    _rule(
        "lapor_penipuan",
        3,
        "someone else got in touch",
        r"\b(?:ada (?:yang|orang|seseorang|nomor|oknum|akun|sms|wa|telepon)|seseorang|oknum|nomor lain"
        r"|nomor tidak dikenal|nomor tak dikenal|nomor asing|orang (?:yang )?mengaku)\b"
        r"(?: \w+){0,6} (?:wa|whatsapp|telepon|menelepon|sms|chat|kirim|mengirim|menghubungi|hubungi|dm|datang"
        r"|mendatangi|email|pesan|menawarkan|menawari|tawarkan|posting|unggah)\b|\b(?:dari|pakai|lewat) nomor (?:lain|asing|tidak dikenal|tak dikenal)\b"
        r"|\bada (?:sms|telepon|dm)\b|\bnomor (?:0|62|\+62)?8\d{7,12}\b|\b(?:0|62)8\d{7,12}\b",
        unless=r"\bbukan nomor (?:saya|kami)\b",
    ),
    _rule(
        "lapor_penipuan",
        4,
        "asked to pay privately",
        r"\b(?:minta|suruh|disuruh|meminta|diminta|dimintai|menyuruh|paksa|dipaksa|ancam|mengancam)\b(?: \w+){0,4}"
        r" (?:transfer|kirim|beli|bayar|membayar|setor)\b(?: \w+){0,6} (?:rekening|pribadi|pulsa|voucher|dana"
        r"|ovo|gopay|nomor|dia|nya|tunai|dompet digital|biaya)\b",
        unless=_NEVER_ASKS,
    ),
    _rule(
        "lapor_penipuan",
        6,
        "reporting a fraud",
        r"\b(?:lapor|laporkan|melaporkan|melapor|laporan|mengadu|adukan)\b.{0,40}\b(?:penipuan|penipu|tipu|scam"
        r"|palsu|gadungan)\b|\b(?:penipuan|penipu)\b.{0,30}\b(?:mau|ingin|akan|mohon) (?:lapor|melapor|laporkan"
        r"|melaporkan)\b|\bada (?:yang |orang )?(?:penipu|penipuan|menipu)\b"
        r"|(?<!tidak ingin )(?<!tidak mau )(?<!takut )\b(?:ditipu|tertipu|kena tipu|tipu saya)\b"
        r"|\b(?:penipu|penipuan)\b.{0,40}\b(?:mengaku|atas nama|pakai nama|mengatasnamakan|minta|rekening|pulsa)\b",
        unless=_FRAUD_IN_GENERAL,
    ),
    _rule(
        "lapor_penipuan",
        3,
        "already sent money",
        r"\bsudah (?:saya |kami )?(?:transfer|kirim|kirim uang|bayar|setor)\b.{0,30}\b(?:penipu|dia|orang itu"
        r"|rekening)\b|\bsudah (?:kirim|transfer) (?:uang|doi|pulsa)\b",
    ),
    _rule(
        "lainnya",
        4,
        "how did you get my number",
        r"\bnomor (?:saya|ini)\b.{0,20}\bdari ?mana\b|\bdari ?mana\b.{0,20}\bnomor (?:saya|ini)\b"
        r"|\b(?:dapat|tahu) nomor (?:saya|ini)\b",
    ),
    _rule("lainnya", 4, "advert", r"\b(?:pinjol|jaminan|judi|slot|promo|hadiah|undian|jual)\b"),
    _rule(
        "lainnya",
        4,
        "unrelated",
        r"\b(?:pulsa|pinjam|pinjaman|lowongan|sertifikat|meterai|bensin|hujan|cpns|rekrutmen|harga)\b",
    ),
    _rule("lainnya", 3, "regional tax", r"(?!pbb\b)" + _REGIONAL),  # PBB already counts as another tax service
    _rule(
        "lainnya", 3, "later", r"\b(?:tunggu|sebentar|nanti saya kabari|nanti saya tanya|di jalan|luar kota|di kebun)\b"
    ),
    _rule("lainnya", 2, "laughter", r"\b(?:haha|hahaha|wkwk|wkwkwk|hehe)\b"),
)
