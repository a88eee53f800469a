"""The Surat Teguran notice as an A4 PDF (WeasyPrint): KPP letterhead with its emblem, the letter's fields, the total
in words, the electronically signing official, and a QR code to the public verification page (verify.py)."""

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from triplec.core.dates import tanggal
from triplec.core.masking import mask_npwp
from triplec.core.money import rupiah, terbilang
from triplec.ledger.models import DocumentState

from . import message as msg
from .models import Target
from .verify import verification_url


def notice_for_target(target: Target) -> msg.Notice:
    """The notice as the message carried it: the letter's documents still payable."""
    letter = target.letter
    docs = [
        msg.Doc(d.document_type, d.number, d.issue_date, d.kap, d.period_start, d.period_end, d.amount_due, d.due_date)
        for d in letter.documents.filter(state=DocumentState.OPEN, amount_due__gt=0).order_by("issue_date", "number")
    ]
    taxpayer = target.taxpayer
    return msg.Notice(
        name=taxpayer.name,
        npwp16=taxpayer.npwp16,
        letter_number=letter.number,
        letter_date=letter.issue_date,
        delivered_date=letter.delivered_date,
        office_name=target.campaign.office.name,
        docs=docs,
        verify_url=verification_url(target.public_id),
    )


def qr_svg(url: str) -> str:
    """The QR code of `url` as an SVG data URI (segno: pure Python, no image library)."""
    import segno  # lazy for start-up time: only QR codes need segno

    return segno.make(url, error="m").svg_data_uri(scale=4, border=1)


def emblem_uri(office) -> str:
    """The office's emblem as a file URI WeasyPrint reads from disk; "" when the office has none."""
    if not office.emblem:
        return ""
    try:
        return Path(office.emblem.path).resolve().as_uri()
    except (ValueError, OSError):
        return ""


def preload() -> None:
    """Import WeasyPrint and lay out one tiny page (its fonts loaded), so that the first letter a web process
    renders on request does not also pay for that (about a second). The web entry points run this in their
    warm-up thread at start."""
    from weasyprint import HTML  # lazy, as in render_notice_pdf: this is the import done ahead of time

    HTML(string="<p>.</p>").write_pdf()


def render_notice_pdf(notice: msg.Notice, *, office) -> bytes:
    from weasyprint import HTML  # lazy for start-up time: WeasyPrint takes about a second to import

    rows = [
        {
            "index": i,
            "label": msg.DOC_LABELS.get(d.document_type, d.document_type),
            "number": d.number,
            "date": tanggal(d.issue_date),
            "kap": msg.kap_name(d.kap),
            "kap_code": d.kap,
            "period": msg.masa(d.period_start, d.period_end),
            "amount": rupiah(d.amount_due),
            "due": tanggal(d.due_date),
        }
        for i, d in enumerate(notice.docs, 1)
    ]
    html = render_to_string(
        "campaigns/notice_pdf.html",
        {
            "office": office,
            "notice": notice,
            "npwp": mask_npwp(notice.npwp16),
            "rows": rows,
            "letter_date": tanggal(notice.letter_date),
            "total": rupiah(notice.total),
            "total_words": terbilang(notice.total),
            "warning": msg.paksa_warning(notice),
            "qr": qr_svg(notice.verify_url) if notice.verify_url else "",
            "emblem": emblem_uri(office),
        },
    )
    return HTML(string=html, base_url=str(settings.MEDIA_ROOT)).write_pdf()
