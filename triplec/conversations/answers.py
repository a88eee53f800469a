"""What the bot says, in Indonesian. Pure functions of data: no database writes, easy to read and test.

A reply is (kind, payload) for `messaging.services.message_enqueue`: "text", "buttons" (up to 3) or "list" (up
to 10 rows). Interactive messages always carry a numbered fallback in their body, so a taxpayer on an old phone
can answer with a digit.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from triplec.bot.menu import EXTRA_BUTTONS, MAIN_MENU
from triplec.core.dates import DAYS, MONTHS, ZONE_NAMES, tanggal, waktu
from triplec.core.money import rupiah
from triplec.core.whatsapp_markup import escape as wa
from triplec.ledger.kap import kap_name
from triplec.ledger.models import DocumentState
from triplec.offices.hours import is_open, next_opening
from triplec.offices.models import Office

from .identity import initials

COMPLAINT_CHANNELS = (
    "• Kring Pajak 1500200\n"
    "• Faks (0380) 833211\n"
    "• Email pengaduan@pajak.go.id\n"
    "• X/Twitter @kring_pajak\n"
    "• pengaduan.pajak.go.id\n"
    "• Live chat di www.pajak.go.id"
)
ANTI_FRAUD = (
    "DJP tidak pernah meminta password, PIN atau kode OTP, tidak mengirim file .apk, dan tidak pernah "
    "meminta transfer ke rekening pribadi. Pembayaran pajak hanya ke Kas Negara dengan kode billing."
)


@dataclass
class Reply:
    kind: str
    payload: dict
    options: list[str] = field(default_factory=list)  # what a typed digit means after this message


def office_hours(office: Office) -> str:
    days = sorted(office.working_days)
    span = (
        f"{DAYS[days[0]]}–{DAYS[days[-1]]}"
        if days == list(range(days[0], days[-1] + 1))
        else ", ".join(DAYS[d] for d in days)
    )
    zone = ZONE_NAMES.get(office.time_zone, office.time_zone)
    return f"{span} pukul {office.opens_at:%H.%M}–{office.closes_at:%H.%M} {zone}"


def hours_note(office: Office, now: dt.datetime) -> str:
    """Empty while officers are at work; otherwise when they are back."""
    if is_open(office, now):
        return ""
    return (
        f"Saat ini di luar jam layanan petugas ({office_hours(office)}). Petugas kami akan membalas mulai "
        f"{waktu(next_opening(office, now), office.time_zone, weekday=True)}."
    )


def _numbered(options: list[tuple[str, str]]) -> str:
    return "\n".join(f"{n}. {title}" for n, (_, title) in enumerate(options, 1))


def buttons(text: str, options: list[tuple[str, str]], *, footer: str = "") -> Reply:
    """Reply buttons (id = our payload, title <= 20) with the numbered fallback under the text."""
    body = f"{text}\n\nBalas dengan angka:\n{_numbered(options)}"
    return Reply(
        "buttons",
        {"text": body[:1024], "buttons": [list(o) for o in options], "footer": footer[:60]},
        [o[0] for o in options],
    )


def text(body: str) -> Reply:
    return Reply("text", {"text": body[:4096]})


# --- menus ----------------------------------------------------------------------------------------------------
def main_menu(office: Office, now: dt.datetime, *, intro: str = "") -> Reply:
    greeting = intro or (
        f"Selamat datang di layanan WhatsApp resmi {wa(office.name)}. "
        "Ada yang bisa kami bantu terkait tagihan pajak Anda?"
    )
    note = hours_note(office, now)
    lines = [greeting, "", "Silakan pilih menu, atau balas dengan angka:"]
    lines += [f"{item.number}. {item.title}" for item in MAIN_MENU]
    lines.append("Ketik STOP untuk berhenti menerima pesan.")
    if note:
        lines += ["", note]
    rows = [{"id": item.payload, "title": item.title, "description": item.description} for item in MAIN_MENU]
    payload = {
        "text": "\n".join(lines)[:1024],
        "button": "Lihat menu",
        "sections": [{"title": "Layanan", "rows": rows}],
        "footer": "Just Triple C · DJP",
    }
    return Reply("list", payload, [item.intent for item in MAIN_MENU])


STRANGER_OPTIONS = [
    ("angsuran", "Angsuran/penundaan"),
    ("keberatan", "Keberatan/koreksi"),
    ("petugas", "Hubungi petugas"),
    ("pengaduan", "Pengaduan"),
]


def stranger(office: Office, now: dt.datetime, *, asked_details: bool) -> Reply:
    """An unknown number: general information only, how to register a number, and an officer."""
    first = (
        "Mohon maaf, nomor WhatsApp ini belum terdaftar pada data kami, sehingga rincian tagihan pajak tidak "
        "dapat kami sampaikan melalui nomor ini (kerahasiaan data wajib pajak, Pasal 34 UU KUP)."
        if asked_details
        else f"Selamat datang di layanan WhatsApp resmi {wa(office.name)}."
    )
    lines = [
        first,
        "",
        "Untuk mendaftarkan atau memperbarui nomor WhatsApp Anda:",
        "• ajukan permohonan perubahan data di KPP, atau",
        "• perbarui profil di DJP Online/Coretax (kode OTP dikirim ke nomor baru).",
        "",
        "Informasi umum yang dapat kami berikan, balas dengan angka:",
        _numbered(STRANGER_OPTIONS),
    ]
    note = hours_note(office, now)
    if note:
        lines += ["", note]
    rows = [{"id": f"menu:{i}", "title": t} for i, t in STRANGER_OPTIONS]
    return Reply(
        "list",
        {
            "text": "\n".join(lines)[:1024],
            "button": "Pilih layanan",
            "sections": [{"title": "Informasi umum", "rows": rows}],
        },
        [i for i, _ in STRANGER_OPTIONS],
    )


def not_understood(office: Office, now: dt.datetime) -> Reply:
    return main_menu(
        office,
        now,
        intro="Mohon maaf, kami belum memahami pesan Anda. Silakan pilih salah satu menu "
        "berikut, atau ketik pertanyaan Anda dengan singkat.",
    )


# --- identity ---------------------------------------------------------------------------------------------------
def choose_taxpayer(taxpayers: list) -> Reply:
    """A number shared by several taxpayers: each shown masked (NPWP masked + initials)."""
    lines = ["Nomor ini terdaftar untuk lebih dari satu wajib pajak. Untuk wajib pajak mana Anda bertanya?", ""]
    rows = []
    for n, tp in enumerate(taxpayers[:10], 1):
        label = f"{wa(initials(tp.name))} {tp.npwp_masked}"
        lines.append(f"{n}. {label}")
        rows.append({"id": f"wp:{tp.pk}", "title": initials(tp.name)[:24], "description": tp.npwp_masked})
    lines += ["", "Balas dengan angka pilihan Anda."]
    return Reply(
        "list",
        {
            "text": "\n".join(lines)[:1024],
            "button": "Pilih wajib pajak",
            "sections": [{"title": "Wajib pajak", "rows": rows}],
        },
        [str(tp.pk) for tp in taxpayers[:10]],
    )


def challenge(question: str, *, retry: bool = False, left: int = 0) -> Reply:
    if retry:
        question = f"Jawaban belum sesuai (sisa {left} kali percobaan). {question}"
    return text(question + "\n\nKetik PETUGAS bila ingin dibantu petugas.")


def challenge_passed() -> str:
    return "Terima kasih, identitas Anda sudah kami konfirmasi."


def locked(office: Office) -> Reply:
    return text(
        "Demi keamanan data wajib pajak, rincian tagihan untuk nomor ini kami kunci sementara setelah tiga "
        "kali jawaban tidak sesuai. Petugas kami akan menghubungi Anda; Anda juga dapat datang ke "
        f"{wa(office.name)} dengan membawa kartu identitas, atau menghubungi Kring Pajak 1500200."
    )


def contact_inactive(status: str) -> Reply:
    if status == "opted_out":
        return buttons(
            "Nomor ini sedang berhenti menerima pesan dari kami, sehingga rincian tagihan tidak kami "
            "kirimkan. Balas MULAI bila ingin kembali menerima informasi tagihan.",
            [("mulai", "Mulai lagi"), ("petugas", "Hubungi petugas")],
        )
    return buttons(
        "Mohon maaf, nomor ini tidak tercatat sebagai nomor aktif wajib pajak pada data kami, sehingga "
        "rincian tagihan tidak dapat kami sampaikan. Silakan perbarui nomor melalui permohonan perubahan "
        "data di KPP atau profil DJP Online/Coretax, atau hubungi petugas.",
        [("petugas", "Hubungi petugas"), ("pengaduan", "Pengaduan")],
    )


# --- details ----------------------------------------------------------------------------------------------------
def _period(doc) -> str:
    if doc.period_start.month == 1 and doc.period_end.month == 12 and doc.period_start.year == doc.period_end.year:
        return f"Tahun {doc.period_start.year}"
    if doc.period_start.month == doc.period_end.month and doc.period_start.year == doc.period_end.year:
        return f"{MONTHS[doc.period_start.month - 1]} {doc.period_start.year}"
    return (
        f"{MONTHS[doc.period_start.month - 1]} {doc.period_start.year} – "
        f"{MONTHS[doc.period_end.month - 1]} {doc.period_end.year}"
    )


def rincian(taxpayer, documents: list, teguran: list, paksa: list) -> str:
    """Each document still owed (type, number, date, tax, period, amount, due date, and its state when collection
    is paused), the total still owed, the letters."""
    lines = [f"Rincian tunggakan pajak {wa(taxpayer.name)} (NPWP {taxpayer.npwp_masked}):", ""]
    for n, doc in enumerate(documents, 1):
        lines += [
            f"{n}. {doc.get_document_type_display()} No. {wa(doc.number)} tanggal {tanggal(doc.issue_date)}",
            f"   Pajak: {kap_name(doc.kap)} ({doc.kap}), masa {_period(doc)}",
            f"   Jumlah: {rupiah(doc.amount_due)}, jatuh tempo {tanggal(doc.due_date)}",
        ]
        if doc.state != DocumentState.OPEN:
            lines.append(f"   Status: {doc.get_state_display()}")
    lines += ["", f"*Total masih harus dibayar: {rupiah(sum(d.amount_due for d in documents))}*"]
    for st in teguran:
        line = f"Surat Teguran No. {wa(st.number)} tanggal {tanggal(st.issue_date)}"
        if st.delivered_date:
            line += f", diterima {tanggal(st.delivered_date)}"
        if st.surat_paksa_due_date and not paksa:
            line += f". Bila belum dilunasi, Surat Paksa dapat diterbitkan mulai {tanggal(st.surat_paksa_due_date)}"
        lines += ["", line + "."]
    for sp in paksa:
        lines += ["", f"Surat Paksa No. {wa(sp.number)} tanggal {tanggal(sp.issue_date)} telah diterbitkan."]
    lines += ["", "Bunga dapat terus berjalan setiap bulan sampai tagihan dilunasi."]
    return "\n".join(lines)


def after_details() -> Reply:
    return buttons(
        "Apa yang ingin Anda lakukan selanjutnya?",
        [("kode_billing", "Minta kode billing"), ("sudah_bayar", "Sudah bayar"), ("petugas", "Hubungi petugas")],
    )


def no_debt(taxpayer) -> Reply:
    return buttons(
        f"Saat ini tidak ada tunggakan pajak terbuka yang tercatat atas nama {wa(taxpayer.name)} "
        f"(NPWP {taxpayer.npwp_masked}). Bila Anda sudah membayar, terima kasih atas kepatuhan Anda.",
        [("petugas", "Hubungi petugas"), ("salam", "Menu")],
    )


def choose_documents(documents: list) -> Reply:
    lines = [
        "Anda memiliki beberapa tagihan. Pilih tagihan yang akan dibuatkan kode billing:",
        "",
        f"0. Semua tagihan ({rupiah(sum(d.amount_due for d in documents))})",
    ]
    rows = [
        {
            "id": "doc:all",
            "title": "Semua tagihan",
            "description": f"{len(documents)} dokumen, {rupiah(sum(d.amount_due for d in documents))}",
        }
    ]
    for n, doc in enumerate(documents, 1):
        lines.append(f"{n}. {doc.get_document_type_display()} {wa(doc.number)} – {rupiah(doc.amount_due)}")
        if len(rows) < 10:
            rows.append(
                {
                    "id": f"doc:{doc.pk}",
                    "title": f"{doc.get_document_type_display()} {doc.number}"[:24],
                    "description": f"{kap_name(doc.kap)}, {rupiah(doc.amount_due)}"[:72],
                }
            )
    lines += ["", "Balas dengan angka (0 untuk semua) atau pilih dari daftar."]
    return Reply(
        "list",
        {"text": "\n".join(lines)[:1024], "button": "Pilih tagihan", "sections": [{"title": "Tagihan", "rows": rows}]},
        ["all"] + [str(d.pk) for d in documents],
    )


def billing_failed(message: str, transient: bool) -> Reply:
    head = (
        "Mohon maaf, layanan pembuatan kode billing sedang sibuk. Silakan coba lagi beberapa saat lagi."
        if transient
        else f"Mohon maaf, kode billing belum dapat dibuat: {wa(message)}."
    )
    return buttons(head, [("kode_billing", "Coba lagi"), ("petugas", "Hubungi petugas")])


def ask_ntpn() -> Reply:
    return text(
        "Terima kasih. Mohon kirimkan *NTPN* (Nomor Transaksi Penerimaan Negara, 16 huruf/angka) yang "
        "tertera pada Bukti Penerimaan Negara (BPN) agar pembayaran Anda dapat kami periksa."
    )


def claim_found(message: str) -> Reply:
    return buttons(
        message + " Pengingat untuk tagihan yang telah lunas dihentikan. Terima kasih atas kepatuhan Anda.",
        [("rincian", "Rincian tagihan"), ("salam", "Menu")],
    )


def claim_pending(message: str) -> Reply:
    return text(message + " Anda tidak perlu membayar ulang selama pemeriksaan berlangsung.")


def unverified_claim() -> Reply:
    return buttons(
        "Terima kasih atas informasinya. Karena nomor ini belum terdaftar, pembayaran tidak dapat kami "
        "periksa melalui WhatsApp. Silakan sampaikan Bukti Penerimaan Negara (BPN) kepada petugas.",
        [("petugas", "Hubungi petugas"), ("pengaduan", "Pengaduan")],
    )


# --- procedures -------------------------------------------------------------------------------------------------
# The explanations of what the law allows (instalments, objections) are prose, kept in procedures.toml.
PROCEDURES: dict[str, str] = tomllib.loads(Path(__file__).resolve().with_name("procedures.toml").read_text("utf-8"))


def _procedure(name: str) -> Reply:
    return buttons(PROCEDURES[name], [("petugas", "Hubungi petugas"), ("salam", "Menu")])


def angsuran() -> Reply:
    return _procedure("angsuran")


def keberatan() -> Reply:
    return _procedure("keberatan")


def pengaduan(*, forwarded: bool = False) -> Reply:
    """The complaint channels; a complaint written out is also forwarded to the section head (never to the
    officers' queue, as it may be about one of them), and no "talk to an officer" button is offered then."""
    lines = ["Saluran pengaduan resmi Direktorat Jenderal Pajak:", COMPLAINT_CHANNELS, ""]
    if forwarded:
        lines += [
            "Pengaduan Anda juga telah kami catat dan teruskan kepada Kepala Seksi untuk ditindaklanjuti. "
            "Pengaduan tidak diteruskan kepada petugas yang Anda adukan.",
            "",
        ]
    lines.append("Pastikan nomor WhatsApp kami sesuai dengan yang tercantum di pajak.go.id/unit-kerja. " + ANTI_FRAUD)
    options = [("salam", "Menu")] if forwarded else [("petugas", "Hubungi petugas"), ("salam", "Menu")]
    return buttons("\n".join(lines), options)


def _office_call(office: Office) -> str:
    phone = f" di nomor {wa(office.phone)}" if office.phone else ""
    return (
        f"Bila ragu, telepon langsung {wa(office.name)}{phone} (nomor telepon kantor juga tercantum di "
        "pajak.go.id/unit-kerja), atau Kring Pajak 1500200."
    )


def fraud_worry(office: Office) -> Reply:
    """ "Is this a scam?": how to check, at once and without any identity question first."""
    return buttons(
        "Terima kasih sudah berhati-hati. Cara memastikan pesan ini resmi:\n"
        f"• Nomor WhatsApp resmi {wa(office.name)} tercantum di pajak.go.id/unit-kerja; cocokkan dengan nomor ini.\n"
        "• Pembayaran pajak *hanya* melalui kode billing ke Kas Negara (bank/pos persepsi, e-commerce resmi), "
        "tidak pernah ke rekening lain.\n"
        "• Petugas pajak tidak pernah meminta uang ke rekening pribadi, pulsa, password, PIN atau kode OTP.\n"
        "• " + _office_call(office),
        [("petugas", "Hubungi petugas"), ("lapor_penipuan", "Lapor penipuan"), ("salam", "Menu")],
    )


def scam_report(office: Office, *, named_number: bool = False) -> Reply:
    """A scam in the office's name: what the office never does, the official number, the channels. Never a
    payment prompt or billing code in this turn."""
    about = " beserta nomor yang Anda sebutkan" if named_number else ""
    return buttons(
        f"Terima kasih atas laporan Anda{about}. Laporan ini telah kami catat dan teruskan kepada petugas "
        f"{wa(office.name)} untuk ditindaklanjuti.\n\n"
        "Mohon diingat:\n"
        "• Kantor pajak tidak pernah meminta pembayaran selain melalui kode billing ke Kas Negara.\n"
        "• Kantor pajak tidak pernah meminta pulsa, transfer ke rekening pribadi, password, PIN atau kode OTP.\n"
        "• Jangan mengirim uang atau data apa pun kepada nomor tersebut.\n"
        f"• Nomor WhatsApp resmi {wa(office.name)} tercantum di pajak.go.id/unit-kerja.\n\n"
        "Anda juga dapat melapor melalui:\n" + COMPLAINT_CHANNELS + "\n\n" + _office_call(office),
        [("petugas", "Hubungi petugas"), ("salam", "Menu")],
    )


def clarify(intents: list[str]) -> Reply:
    """One short numbered question when the bot is not sure enough to act."""
    titles = {item.intent: item.title for item in MAIN_MENU} | dict(EXTRA_BUTTONS)
    return buttons(
        "Mohon maaf, agar tidak keliru: maksud Anda yang mana?",
        [(intent, titles.get(intent, intent)) for intent in intents],
    )


# --- handoff, stop, start, wrong number, thanks -------------------------------------------------------------
def handed_off(office: Office, now: dt.datetime, *, reason: str) -> Reply:
    lead = (
        "Mohon maaf, sepertinya kami belum dapat membantu melalui menu otomatis. " if reason == "not_understood" else ""
    )
    note = hours_note(office, now) or "Petugas kami akan segera membalas pesan Anda di sini."
    return text(f"{lead}Pesan Anda telah kami teruskan kepada petugas {wa(office.name)}. {note}")


def stopped() -> Reply:
    return buttons(
        "Baik, nomor ini tidak akan lagi menerima pesan pengingat tagihan dari kami. Kewajiban pajak "
        "tetap berlaku dan dapat ditagih melalui surat. Anda tetap dapat menghubungi kami kapan saja.",
        [("mulai", "Mulai lagi")],
    )


def stopped_unknown() -> Reply:
    return text("Baik. Nomor ini tidak terdaftar untuk menerima pesan pengingat dari kami.")


def started(office: Office, now: dt.datetime) -> Reply:
    return main_menu(office, now, intro="Terima kasih, nomor ini kembali menerima informasi tagihan pajak dari kami.")


def start_refused() -> Reply:
    return buttons(
        "Nomor ini tercatat sebagai bukan nomor wajib pajak yang bersangkutan, sehingga tidak dapat "
        "diaktifkan dari WhatsApp. Silakan perbarui data melalui permohonan perubahan data di KPP atau "
        "profil DJP Online/Coretax.",
        [("petugas", "Hubungi petugas")],
    )


def wrong_number() -> Reply:
    return text(
        "Terima kasih atas informasinya dan mohon maaf atas gangguan ini. Nomor ini tidak akan kami hubungi "
        "lagi, dan petugas kami akan memperbarui data."
    )


def thanks() -> Reply:
    return text("Sama-sama. Terima kasih telah menghubungi kami. Ketik MENU bila ada yang ingin ditanyakan lagi.")


def media_unsupported() -> Reply:
    return text(
        "Mohon maaf, layanan otomatis kami hanya dapat membaca pesan teks. Silakan ketik pesan Anda atau ketik MENU."
    )
