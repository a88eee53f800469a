"""Slang dictionary and vocabulary for the normaliser.

SLANG maps what people type on WhatsApp (abbreviations, Kupang Malay, colloquial Jakarta forms, common misspellings)
to one canonical standard-Indonesian form, so that rules are written once against the canonical words.
Values may be several words ("terima kasih"). Keys are lower-case single tokens.
"""

SLANG: dict[str, str] = {
    # pronouns and people
    "sy": "saya", "sya": "saya", "aku": "saya", "aq": "saya", "gw": "saya", "gue": "saya", "beta": "saya",
    "b": "saya", "ak": "saya", "sa": "saya",  # Kupang "sa" = saya; a final "sa" (saja) is told apart in normalise.py
    "ko": "kamu", "lu": "kamu", "lo": "kamu", "kau": "kamu", "anda": "kamu", "km": "kamu",
    "katong": "kita", "kotong": "kita", "ktg": "kita",
    "dong": "dong", "pung": "punya", "pu": "punya", "dia": "dia", "de": "dia",
    "kak": "kakak", "ka": "kakak", "kaka": "kakak", "kk": "kakak", "kakak": "kakak", "usi": "kakak",
    "pak": "bapak", "bpk": "bapak", "bp": "bapak", "bapa": "bapak", "om": "bapak",
    "bu": "ibu", "ibu": "ibu", "mama": "ibu", "nona": "kakak", "nyong": "kakak",
    "org": "orang", "orng": "orang",
    # negation
    "tdk": "tidak", "gak": "tidak", "ga": "tidak", "gk": "tidak", "nggak": "tidak", "ngga": "tidak", "enggak": "tidak",
    "engga": "tidak", "tak": "tidak", "ndak": "tidak", "nda": "tidak", "sonde": "tidak", "son": "tidak",
    "sondak": "tidak", "tra": "tidak", "trada": "tidak", "tida": "tidak", "tidk": "tidak", "kaga": "tidak",
    "jgn": "jangan", "jng": "jangan", "jang": "jangan", "jangn": "jangan",
    "blm": "belum", "blom": "belum", "belom": "belum", "blum": "belum", "lum": "belum",
    "bkn": "bukan", "bukn": "bukan",
    # aspect / time
    "sdh": "sudah", "udh": "sudah", "udah": "sudah", "dah": "sudah", "dh": "sudah", "su": "sudah", "sdah": "sudah",
    "sudh": "sudah", "suda": "sudah", "uda": "sudah", "sdhh": "sudah", "telah": "sudah",
    "lg": "lagi", "lgi": "lagi", "lai": "lagi", "lagi": "lagi",
    "kmrn": "kemarin", "kemaren": "kemarin", "kmarin": "kemarin", "tempo": "tempo",
    "td": "tadi", "tdi": "tadi", "skrg": "sekarang", "skrang": "sekarang", "skg": "sekarang", "ini_hari": "sekarang",
    "bsk": "besok", "esok": "besok", "nnt": "nanti", "ntar": "nanti", "tar": "nanti",
    "tgl": "tanggal", "tggl": "tanggal", "bln": "bulan", "thn": "tahun", "th": "tahun", "mgg": "minggu",
    "jt": "juta", "jta": "juta", "rb": "ribu", "ribu": "ribu",
    # verbs and function words
    "mw": "mau", "mo": "mau", "mao": "mau", "pengen": "mau", "pgn": "mau", "ingin": "mau", "ingn": "mau",
    "bs": "bisa", "bsa": "bisa", "bisa": "bisa", "bisakah": "bisa", "dpt": "dapat", "dapet": "dapat",
    "gmn": "bagaimana", "gimana": "bagaimana", "gmana": "bagaimana", "bgmn": "bagaimana", "gmna": "bagaimana",
    "bagemana": "bagaimana", "bagaimna": "bagaimana", "kermana": "bagaimana", "kek": "seperti",
    "brp": "berapa", "brapa": "berapa", "berapakah": "berapa", "brpa": "berapa",
    "knp": "kenapa", "napa": "kenapa", "kok": "kenapa", "mengapa": "kenapa", "kenapakah": "kenapa",
    "yg": "yang", "yng": "yang", "utk": "untuk", "untk": "untuk", "buat": "buat", "krn": "karena", "karna": "karena",
    "krna": "karena", "dgn": "dengan", "dg": "dengan", "dng": "dengan", "deng": "dengan", "sm": "sama",
    "dr": "dari", "dri": "dari", "dl": "dulu", "dlu": "dulu", "tp": "tapi", "tpi": "tapi", "jd": "jadi",
    "sj": "saja", "aja": "saja", "ja": "saja", "doang": "saja", "sdkt": "sedikit", "sadikit": "sedikit", "sdikit": "sedikit",
    "pi": "pergi", "omong": "bicara", "ngomong": "bicara", "bilang": "bilang", "kasi": "kasih", "ksh": "kasih",
    "bekin": "buat", "bikin": "buat", "bikinkan": "buatkan", "bikinin": "buatkan", "buatin": "buatkan",
    "kirimin": "kirimkan", "kirim": "kirim", "krm": "kirim", "kirm": "kirim",
    "tlg": "tolong", "tolong": "tolong", "mhn": "mohon", "mohon": "mohon", "minta": "minta", "mnt": "minta",
    "ato": "atau", "atw": "atau", "ama": "sama", "bnyk": "banyak", "byk": "banyak", "bgt": "sekali",
    "skali": "sekali", "sekali": "sekali", "talalu": "terlalu", "tlalu": "terlalu", "trlalu": "terlalu",
    "tau": "tahu", "tw": "tahu", "taw": "tahu", "ada": "ada", "tra_ada": "tidak ada",
    "ngaku": "mengaku", "laen": "lain", "pdhl": "padahal", "padahl": "padahal", "nyuruh": "suruh", "hoaks": "hoaks", "tipu2": "tipu", "ngadu": "mengadu", "nyicil": "cicil", "nyicilnya": "cicil",
    "gpp": "tidak apa", "ok": "oke", "okey": "oke", "okay": "oke", "oce": "oke", "okeh": "oke", "okee": "oke",
    "sip": "sip", "siip": "sip", "mantab": "mantap", "mantul": "mantap",
    # Kupang Malay (and eastern Indonesian) words
    "batul": "betul", "kaco": "kacau", "dapa": "dapat", "bae": "baik", "ju": "juga", "lia": "lihat", "pigi": "pergi",
    "parlu": "perlu", "musti": "harus", "sampe": "sampai", "maso": "masuk", "kaluar": "keluar", "tagi": "tagih",
    "ditagi": "ditagih", "bajual": "berjualan", "mangkali": "mungkin", "ana": "anak", "tanta": "ibu",
    "tarima": "terima", "tarimakasih": "terima kasih", "barapa": "berapa", "kanapa": "kenapa", "salamat": "selamat",
    "badagang": "berdagang", "bausaha": "berusaha", "batanya": "bertanya", "baomong": "bicara", "seng": "tidak",
    "ose": "kamu", "karmana": "bagaimana", "doi": "uang", "dolo": "dulu", "bosong": "kamu", "ni": "ini", "nih": "ini",
    # Jakarta slang, the -in verb forms and colloquial spellings
    "duit": "uang", "doku": "uang", "dibayarin": "dibayar", "bayarin": "bayarkan", "ngaco": "ngawur",
    "ngawur": "ngawur", "ngerti": "mengerti", "ngerti2": "mengerti", "nunggak": "tunggakan", "menunggak": "tunggakan",
    "emang": "memang", "gimana2": "bagaimana", "lunasin": "lunasi", "ngelunasin": "melunasi", "bang": "kakak",
    "mas": "kakak", "mbak": "kakak", "bro": "kakak", "sis": "kakak", "gan": "kakak", "neror": "meneror",
    "spamming": "spam", "nyepam": "spam", "ngespam": "spam", "terus2an": "terus menerus", "pake": "pakai",
    "inget": "ingat", "ingetin": "ingatkan", "ingatin": "ingatkan", "sapa": "siapa", "ttg": "tentang",
    "tntg": "tentang", "perihal": "tentang", "ngobrol": "bicara", "mengobrol": "bicara", "beneran": "asli",
    "betulan": "asli", "sungguhan": "asli", "bener": "benar", "bnr": "benar", "hrs": "harus", "mesti": "harus",
    "liat": "lihat", "kalian": "kamu", "aktifin": "aktifkan", "aktipkan": "aktifkan", "aktifkn": "aktifkan",
    "masukin": "masukkan", "daftarin": "daftarkan", "nyalain": "nyalakan", "hidupin": "hidupkan", "matiin": "matikan",
    "stopin": "stop", "ngeluh": "mengeluh", "keluh": "mengeluh", "ngelapor": "melapor", "terpencet": "kepencet",
    "kepencet": "kepencet", "kepijit": "kepencet", "pencet": "pencet", "klik": "klik", "mengangsur": "angsur",
    "angsurnya": "angsur", "separo": "separuh", "separuhnya": "separuh", "numpang": "mau", "trm": "terima",
    "done": "sudah",
    # typed shorthand and Kupang Malay met in blind-written messages (rules are written against the canonical forms)
    "ptgs": "petugas", "pjk": "pajak", "trf": "transfer", "trnsfr": "transfer", "tf": "tf", "rek": "rekening",
    "ad": "ada", "nm": "nama", "kpg": "kupang", "dpn": "depan", "br": "baru", "kluar": "keluar", "dtg": "datang",
    "k": "ke", "d": "di", "rmh": "rumah", "jelasin": "jelaskan", "y": "ya", "skarang": "sekarang", "karja": "kerja",
    "samua": "semua", "ilang": "hilang", "sakali": "sekali", "tamang": "teman", "bagini": "begini",
    "mangadu": "mengadu", "pribdi": "pribadi", "dibyr": "dibayar", "dbyr": "dibayar", "byrnya": "bayar",
    "nawarin": "menawarkan", "nunggu": "tunggu", "balas": "balas", "bls": "balas",
    "dibales": "dibalas", "bales": "balas", "ngancam": "mengancam", "teriak2": "teriak", "berteriak": "teriak",
    "ngasih": "kasih", "kasitau": "kasih tahu", "kastau": "kasih tahu", "nyuruh2": "suruh",
    # English in mixed messages
    "service": "pelayanan", "disappointed": "kecewa", "wrong": "salah", "amount": "jumlah", "legit": "asli",
    "genuine": "asli", "real": "asli", "fake": "palsu", "scammer": "penipu", "fraud": "penipuan",
    "morning": "pagi", "afternoon": "siang", "evening": "malam", "night": "malam", "asking": "minta",
    "asked": "minta", "ask": "minta", "fee": "biaya", "wallet": "dompet digital", "ewallet": "dompet digital",
    "anymore": "lagi", "number": "nomor", "his": "dia", "her": "dia", "not": "tidak", "this": "ini",
    "is": "adalah", "later": "nanti", "next": "depan", "month": "bulan", "week": "minggu", "sorry": "maaf",
    # thanks, ok and closing variants
    "sama2": "sama sama", "sm2": "sama sama", "samasama": "sama sama", "sama_sama": "sama sama", "okok": "oke",
    "okelah": "oke", "oke2": "oke", "okei": "oke", "siap2": "siap", "maacih": "terima kasih", "macih": "terima kasih",
    "makaseh": "terima kasih", "trimkasih": "terima kasih", "thanksss": "terima kasih", "tengs": "terima kasih",
    # English words people mix in
    "installment": "angsuran", "instalment": "angsuran", "installments": "angsuran", "pls": "tolong",
    "plis": "tolong", "please": "tolong", "plz": "tolong", "owe": "utang", "debt": "utang", "officer": "petugas",
    "unregister": "unreg", "how": "bagaimana", "pay": "bayar", "paid": "sudah dibayar", "already": "sudah",
    "human": "manusia", "talk": "bicara", "speak": "bicara", "unblock": "buka blokir",
    # domain words and their spellings
    "byr": "bayar", "bayr": "bayar", "byar": "bayar", "bayra": "bayar", "bayar": "bayar", "bayarnya": "bayar",
    "pembayarannya": "pembayaran", "stpo": "stop", "sotp": "stop",
    "kd": "kode", "kode": "kode", "biling": "billing", "bill": "tagihan", "billling": "billing", "idbilling": "id billing",
    "kodebilling": "kode billing", "kodebiling": "kode billing", "ntpnnya": "ntpn",
    # "bill" alone is the debt ("bill ini error"); "kode/id bill" still reaches kode_billing through "kode tagihan"
    "terbayar": "terbayar", "kebayar": "terbayar", "trbayar": "terbayar",
    "no": "nomor", "nmr": "nomor", "nomer": "nomor", "nomr": "nomor", "nmor": "nomor", "nope": "nomor hp",
    "hp": "hp", "wa": "wa", "whatsapp": "wa", "whatsap": "wa", "watsap": "wa", "chat": "chat", "chatt": "chat",
    "sms": "sms", "pesan": "pesan", "psn": "pesan",
    "telp": "telepon", "telpon": "telepon", "tlp": "telepon", "tlpn": "telepon", "telfon": "telepon",
    "telephone": "telepon", "nelpon": "telepon", "ditelpon": "ditelepon", "call": "telepon",
    "tagihannya": "tagihan", "tghn": "tagihan", "tagihn": "tagihan", "utang": "utang", "hutang": "utang",
    "tunggakkan": "tunggakan", "tunggakannya": "tunggakan",
    "komplen": "komplain", "complain": "komplain", "komplin": "komplain", "complaint": "komplain",
    "berenti": "berhenti", "brenti": "berhenti", "brhenti": "berhenti", "stp": "stp",
    "slh": "salah", "salh": "salah", "sala": "salah", "npwpnya": "npwp",
    "lunass": "lunas", "lns": "lunas", "angsur": "angsur", "cicilan": "cicil", "dicicil": "cicil", "mencicil": "cicil",
    "diangsur": "angsur", "angsuran": "angsuran", "ditunda": "tunda", "penundaan": "penundaan",
    "info": "info", "informasi": "info", "infonya": "info", "notif": "notifikasi", "reminder": "pengingat",
    "admin": "admin", "cs": "admin", "mimin": "admin", "jurusita": "juru sita",
    "ntt": "ntt", "mbanking": "mobile banking", "m-banking": "mobile banking", "ibanking": "internet banking",
    "atm": "atm", "kpp": "kpp", "djp": "djp", "ar": "ar",
    # thanks and closing
    "makasih": "terima kasih", "makasi": "terima kasih", "makase": "terima kasih", "mksh": "terima kasih",
    "mks": "terima kasih", "mkasih": "terima kasih", "maksih": "terima kasih", "makaci": "terima kasih",
    "trims": "terima kasih", "trimakasih": "terima kasih", "terimakasih": "terima kasih",
    "trmksh": "terima kasih", "trmks": "terima kasih", "trimksh": "terima kasih", "tks": "terima kasih",
    "thx": "terima kasih", "thanks": "terima kasih", "thank": "terima kasih", "thanx": "terima kasih",
    "tq": "terima kasih", "ty": "terima kasih", "tengkyu": "terima kasih", "danke": "terima kasih",
    "makasii": "terima kasih", "nuwun": "terima kasih",
    "mksi": "terima kasih", "mkasi": "terima kasih", "makasihh": "terima kasih", "trima": "terima",
    "trimah": "terima", "trmakasih": "terima kasih", "thankyou": "terima kasih", "tengkiu": "terima kasih",
    # greetings
    "hallo": "halo", "hello": "halo", "helo": "halo", "hai": "halo", "hi": "halo", "hy": "halo", "hay": "halo",
    "hei": "halo", "hey": "halo", "haloo": "halo", "met": "selamat", "slmt": "selamat", "selamat": "selamat",
    "slamat": "selamat", "assalamualaikum": "salam", "asalamualaikum": "salam", "assalamu'alaikum": "salam",
    "ass": "salam", "askum": "salam", "shalom": "salam", "syalom": "salam", "salom": "salam", "swastiastu": "salam",
    "tes": "tes", "test": "tes", "testing": "tes", "ping": "ping",
    "mlm": "malam", "pgi": "pagi", "pg": "pagi", "siank": "siang",
}

# Words that must never be "corrected" by fuzzy matching (frequent, short, or near a keyword by accident).
COMMON: frozenset[str] = frozenset("""
saya kamu dia kita kami mereka bapak ibu kakak adik orang anak suami istri nama ini itu tersebut tsb
yang dan atau dengan untuk dari ke di pada karena jadi tapi juga lagi masih sudah belum tidak bukan jangan
mau bisa boleh dapat harus ada akan sedang baru lama sekali terlalu banyak sedikit semua saja dulu nanti
kemarin besok sekarang tadi pagi siang sore malam hari minggu bulan tahun tanggal kapan apa siapa mana
kemana dimana berapa bagaimana kenapa mengapa kah ya yah dong deh sih kan lah pun nih tuh ni tu e ee eh
tolong mohon minta kasih beri berikan kirim kirimkan terima tanya bertanya jawab bilang lihat tahu kenal
buat buatkan bantu urus datang pergi pulang ketemu bertemu tunggu cek dicek periksa
pajak kantor bank pos uang rupiah juta ribu usaha toko kebun petani pegawai kerja gaji gajian
npwp nik spt pbb efin coretax password online alamat data surat teguran paksa denda bunga sanksi
tagihan utang tunggakan bayar membayar dibayar bayarkan pembayaran lunas lunasi melunasi setor disetor transfer
kode billing id ntpn bpn bukti
nomor hp wa pesan chat sms telepon
halo selamat salam permisi menu bantuan help tes ping
oke sip siap baik mantap noted jelas dimengerti
stop berhenti hentikan start mulai aktif aktifkan
cicil angsur angsuran tunda penundaan
keberatan banding pasal salah benar betul sesuai setuju keliru hitung
petugas admin operator manusia juru sita
lapor laporan pengaduan komplain keluhan penipuan
rincian detail jelaskan penjelasan asal
meninggal pemilik milik punya beli ganti
wkwk wkwkwk haha hahaha hehe
dulu lain kali gagal expired kadaluarsa lewat
ajukan mengajukan diajukan permohonan pengajuan syarat proses urusan mengurus
adakah apakah bagaimanakah kalau kalo jika bila supaya agar biar sampai hingga sejak selama setelah sebelum
pernah sering selalu terus kembali ulang lalu kemudian habis tanpa hanya cuma paling lebih kurang
pakai memakai pake dipakai pakainya makan minum tidur jalan rumah desa kota kampung sekolah gereja
sakit sehat rusak hilang lupa ingat takut malu marah senang susah mudah sulit cepat lambat jauh dekat
kirain kira pikir rasa perasaan tahu mengerti paham dengar baca tulis isi kosong penuh
sanggup mampu angka jumlah nilai total kring sopan kasar bertahap pelan cara wrong number
dihubungi menghubungi hubungkan penipu separuh terbayar kepencet pencet gabung daftar daftarkan masukkan
alfamart indomaret tokopedia shopee shopeepay ovo gopay dana linkaja brimo livin bca bri bni btn mandiri qris
teller almarhum almarhumah wafat pensiunan sekaligus diingatkan ingatkan
dikirim dikirimi dikirimkan diaktifkan dilunasi disetor disetorkan ditelepon dihitung diminta ditagih dihapus
dihapuskan dikurangi dibayarkan dibatalkan diperpanjang dijelaskan dirinci diperinci ditunda diundur hitungan
perhitungan bayaran tagih menagih hapus batal batalkan cari mengada rekening penagihan ditagihkan tertagih
menagihkan penagih pengadaan fiskal diskon potongan pemutihan amnesti diputihkan teror diteror meneror berulang
""".split())

# Domain keywords: the targets of typo correction and word segmentation.
KEYWORDS: frozenset[str] = frozenset("""
rincian perincian detail tagihan tunggakan utang denda bunga sanksi ketetapan jatuh tempo teguran paksa
kode billing bayar pembayaran pelunasan lunas lunasi setor transfer ntpn bukti
sudah belum minta mohon tolong kirim
angsuran angsur cicil penundaan tunda bertahap sebagian setengah keringanan kelonggaran diperpanjang
keberatan banding pengurangan penghapusan pembetulan pembatalan salah hitung sesuai setuju
petugas operator manusia telepon hubungi bicara konsultasi sambungkan
berhenti hentikan stop jangan pesan notifikasi pengingat unsubscribe matikan
mulai aktifkan aktif langganan berlangganan lanjutkan hidupkan nyalakan subscribe
pengaduan komplain keluhan penipuan lapor laporan mengadu adukan pungli gratifikasi pelayanan
nomor orang kenal bukan pemilik sambung alamat
halo selamat salam menu permisi bantuan
terima kasih terimakasih oke mantap
""".split())
