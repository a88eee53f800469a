"""The Surat Teguran notice as an A4 PDF (WeasyPrint): KPP letterhead, the letter's fields, the total in words."""

from django.template.loader import render_to_string

from triplec.core.masking import mask_npwp
from triplec.core.dates import tanggal
from triplec.core.money import rupiah, terbilang
from triplec.ledger.models import DocumentState

from . import message as msg
from .models import Target


def notice_for_target(target: Target) -> msg.Notice:
    """The notice as the message carried it: the letter's documents still payable."""
    letter = target.letter
    docs = [msg.Doc(d.document_type, d.number, d.issue_date, d.kap, d.period_start, d.period_end, d.amount_due, d.due_date)
            for d in letter.documents.filter(state=DocumentState.OPEN, amount_due__gt=0).order_by("issue_date", "number")]
    taxpayer = target.taxpayer
    return msg.Notice(name=taxpayer.name, npwp16=taxpayer.npwp16, letter_number=letter.number, letter_date=letter.issue_date,
                      delivered_date=letter.delivered_date, office_name=target.campaign.office.name, docs=docs)


def render_notice_pdf(notice: msg.Notice, *, office) -> bytes:
    from weasyprint import HTML

    rows = [{"index": i, "label": msg.DOC_LABELS.get(d.document_type, d.document_type), "number": d.number,
             "date": tanggal(d.issue_date), "kap": msg.kap_name(d.kap), "kap_code": d.kap,
             "period": msg.masa(d.period_start, d.period_end), "amount": rupiah(d.amount_due),
             "due": tanggal(d.due_date)} for i, d in enumerate(notice.docs, 1)]
    html = render_to_string("campaigns/notice_pdf.html", {
        "office": office, "notice": notice, "npwp": mask_npwp(notice.npwp16), "rows": rows,
        "letter_date": tanggal(notice.letter_date), "total": rupiah(notice.total),
        "total_words": terbilang(notice.total), "warning": msg.paksa_warning(notice),
    })
    return HTML(string=html).write_pdf()
