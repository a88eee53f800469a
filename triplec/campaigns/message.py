"""The Surat Teguran message: the utility template's text and the parameter values for one letter.

WhatsApp refuses template parameters with newlines, tabs or more than four consecutive spaces (error 132018),
so every value is built on one line; the template body carries the line breaks and the fixed lines (how to pay,
the anti-fraud lines), which therefore pass Meta's review once and cannot be altered per message.
"""

import datetime as dt
import functools
import re
import zoneinfo
from dataclasses import dataclass, field

from django.utils import timezone

from triplec.core.dates import tanggal
from triplec.core.masking import mask_npwp
from triplec.core.money import rupiah
from triplec.core.whatsapp_markup import escape as wa
from triplec.ledger.kap import kap_name
from triplec.ledger.models import SURAT_PAKSA_DAYS_AFTER_DELIVERY

TEMPLATE_NAME = "surat_teguran_rinci"
TEMPLATE_NAME_PDF = "surat_teguran_rinci_pdf"
BUTTONS = [
    {"type": "QUICK_REPLY", "text": "Rincian tagihan"},
    {"type": "QUICK_REPLY", "text": "Minta kode billing"},
    {"type": "QUICK_REPLY", "text": "Hubungi petugas"},
]
# Payloads of the quick replies: the bot reads the campaign target from them (TEGURAN:<action>:<target uuid>).
BUTTON_ACTIONS = ("RINCIAN", "KODE_BILLING", "PETUGAS")

BODY = (
    "Yth. {{1}} (NPWP {{2}}),\n\n"
    "{{3}} telah menerbitkan Surat Teguran nomor {{4}} tanggal {{5}} atas utang pajak yang telah lewat jatuh tempo:\n"
    "{{6}}\n"
    "Jumlah: *{{7}}*\n\n"
    "{{8}}\n\n"
    'Cara membayar: tekan "Minta kode billing", lalu bayar dengan kode billing itu hanya ke Kas Negara melalui '
    "bank, kantor pos, atau layanan pembayaran resmi. Untuk angsuran, penundaan, atau pertanyaan, tekan "
    '"Hubungi petugas".\n\n'
    "Waspada penipuan: DJP tidak pernah meminta kata sandi, PIN, atau OTP, tidak mengirim file .apk, dan tidak "
    "meminta transfer ke rekening pribadi. Cek nomor resmi kami di pajak.go.id/unit-kerja. "
    "Pengaduan: Kring Pajak 1500200 atau pengaduan.pajak.go.id."
)
FOOTER = "Abaikan bila sudah membayar"


def template_fields(*, with_pdf: bool) -> dict:
    """The registry fields of the campaign template (for `template_save`)."""
    return {
        "category": "UTILITY",
        "parameter_format": "POSITIONAL",
        "header_type": "DOCUMENT" if with_pdf else "NONE",
        "header_text": "",
        "body": BODY,
        "footer": FOOTER,
        "buttons": BUTTONS,
    }


_SPACES = re.compile(r"\s+")


def one_line(value: object) -> str:
    """A value WhatsApp accepts as a template parameter: no newline or tab, no run of spaces, never empty."""
    text = str(value or "")
    # Most values are already clean; the regex is the slow part. Every whitespace character except the plain
    # space is non-printable, so a printable text without doubled or edge spaces is returned as is.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " " and text:
        return text
    text = _SPACES.sub(" ", text).strip()
    return text or "-"


@functools.lru_cache(maxsize=4096)
def _one_line_cached(value: str) -> str:
    return one_line(wa(value))


def masa(start: dt.date, end: dt.date) -> str:
    if start.year == end.year and start.month == end.month:
        return f"{start:%m}/{start.year}"
    if start.year == end.year and start.month == 1 and end.month == 12:
        return f"tahun {start.year}"
    return f"{start:%m}/{start.year}-{end:%m}/{end.year}"


DOC_LABELS = {
    "STP": "STP",
    "SKPKB": "SKPKB",
    "SKPKBT": "SKPKBT",
    "SK_PEMBETULAN": "SK Pembetulan",
    "SK_KEBERATAN": "SK Keberatan",
    "PUTUSAN_BANDING": "Putusan Banding",
    "PUTUSAN_PK": "Putusan PK",
}


@dataclass(slots=True)
class Doc:
    document_type: str
    number: str
    issue_date: dt.date
    kap: str
    period_start: dt.date
    period_end: dt.date
    amount_due: int
    due_date: dt.date


@dataclass(slots=True)
class Notice:
    """Everything the message and the PDF say about one letter, read in bulk by the selection."""

    name: str
    npwp16: str
    letter_number: str
    letter_date: dt.date
    delivered_date: dt.date | None
    office_name: str
    docs: list[Doc] = field(default_factory=list)
    # The last day (office calendar) the message may reach the taxpayer: its planned send time plus the grace
    # period. The Surat Paksa date is stated as a future date only when it is after this day. None: today.
    send_by: dt.date | None = None
    # The public verification page of this letter (verify.py), printed on the PDF as a QR code; "" for none.
    verify_url: str = ""

    @property
    def total(self) -> int:
        return sum(d.amount_due for d in self.docs)

    @property
    def paksa_date(self) -> dt.date | None:
        if self.delivered_date is None:
            return None
        return self.delivered_date + dt.timedelta(days=SURAT_PAKSA_DAYS_AFTER_DELIVERY)


def doc_line(index: int, doc: Doc) -> str:
    return _doc_line(index, doc, rupiah(doc.amount_due))


def _doc_line(index: int, doc: Doc, amount: str) -> str:
    label = DOC_LABELS.get(doc.document_type, doc.document_type)
    return (
        f"{index}) {label} {doc.number} tgl {_doc_terms(doc.issue_date, doc.kap, doc.period_start, doc.period_end)}, "
        f"{amount}, jatuh tempo {_tanggal(doc.due_date)}"
    )


# A campaign's documents share a few dates, tax types and periods: their words are written once per process.
_tanggal = functools.lru_cache(maxsize=4096)(tanggal)


@functools.lru_cache(maxsize=4096)
def _doc_terms(issue_date: dt.date, kap: str, period_start: dt.date, period_end: dt.date) -> str:
    return f"{tanggal(issue_date)}, {kap_name(kap)} masa {masa(period_start, period_end)}"


def paksa_passed(paksa_date: dt.date | None, send_by: dt.date | None) -> bool:
    """Whether the Surat Paksa date has come by the day the message may still reach the taxpayer: then no date
    is given, since a date in the past must never read as one to come."""
    if paksa_date is None:
        return False
    return paksa_date <= (send_by or timezone.localdate())


def paksa_warning(notice: Notice) -> str:
    return _paksa_warning(notice.paksa_date, paksa_passed(notice.paksa_date, notice.send_by))


@functools.lru_cache(maxsize=4096)
def _paksa_warning(paksa_date: dt.date | None, passed: bool = False) -> str:
    if paksa_date and passed:
        return (
            f"Batas {SURAT_PAKSA_DAYS_AFTER_DELIVERY} hari setelah Surat Teguran diterima telah lewat: bila belum "
            "dilunasi, Surat Paksa dapat diterbitkan sewaktu-waktu."
        )
    if paksa_date:
        return (
            f"Bila belum dilunasi, Surat Paksa dapat diterbitkan mulai {tanggal(paksa_date)} "
            f"({SURAT_PAKSA_DAYS_AFTER_DELIVERY} hari setelah Surat Teguran diterima)."
        )
    return (
        f"Bila belum dilunasi dalam {SURAT_PAKSA_DAYS_AFTER_DELIVERY} hari setelah Surat Teguran diterima, "
        "Surat Paksa dapat diterbitkan."
    )


def stamp_send_by(notices, send_after, grace: dt.timedelta, time_zone: str) -> int:
    """Give each notice the last day its message may go (planned time + grace, in the office's calendar);
    returns how many of them are past their Surat Paksa date by then."""
    tz = zoneinfo.ZoneInfo(time_zone)
    passed = 0
    for notice, at in zip(notices, send_after):
        if notice is None:
            continue
        notice.send_by = (at + grace).astimezone(tz).date()
        if notice.delivered_date is not None and paksa_passed(notice.paksa_date, notice.send_by):
            passed += 1
    return passed


# WhatsApp shows at most 1,024 characters of a template body; long letters list the first documents and say
# how many more there are ("Rincian tagihan" shows them all).
MAX_DOCS_LINE = 420


def params(notice: Notice) -> list[str]:
    """The eight body parameters, in order, each on one line."""
    docs = notice.docs
    if len(docs) == 1:  # most letters: the one document's amount is the total, formatted once
        total = rupiah(docs[0].amount_due)
        documents = _doc_line(1, docs[0], total)
    else:
        lines: list[str] = []
        used = 0
        for index, doc in enumerate(docs, 1):
            line = doc_line(index, doc)
            if lines and used + len(line) > MAX_DOCS_LINE:
                lines.append(f'dan {len(docs) - index + 1} dokumen lain (tekan "Rincian tagihan")')
                break
            lines.append(line)
            used += len(line) + 2
        documents = "; ".join(lines)
        total = rupiah(notice.total)
    # Values repeated across a campaign (office, dates, warning) are cleaned once (cached); the others each time.
    # Names, letter and document numbers are data: escaped, so that WhatsApp never reads them as formatting.
    return [
        one_line(wa(notice.name)),
        one_line(mask_npwp(notice.npwp16)),
        _one_line_cached(notice.office_name),
        one_line(wa(notice.letter_number)),
        _date_param(notice.letter_date),
        one_line(wa(documents)),
        total,
        warning_param(notice.paksa_date, notice.send_by),
    ]


WARNING_PARAM = 7  # the index of the Surat Paksa sentence among the body parameters


@functools.lru_cache(maxsize=4096)
def _date_param(day: dt.date | None) -> str:
    return one_line(tanggal(day))


def warning_param(paksa_date: dt.date | None, send_by: dt.date | None) -> str:
    return _warning_param(paksa_date, paksa_passed(paksa_date, send_by))


@functools.lru_cache(maxsize=4096)
def _warning_param(paksa_date: dt.date | None, passed: bool) -> str:
    return one_line(_paksa_warning(paksa_date, passed))


def button_payloads(public_id: str) -> list[str]:
    return [f"TEGURAN:{action}:{public_id}" for action in BUTTON_ACTIONS]


def render_text(notice: Notice, *, footer: str = FOOTER) -> str:
    """The text as the phone shows it, without the registry (same substitution as `render_template`)."""
    body = BODY
    for i, value in enumerate(params(notice), 1):
        body = body.replace("{{%d}}" % i, value)
    return f"{body}\n\n{footer}" if footer else body
