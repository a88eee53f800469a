"""The debt list of the staff console: filters, sorting, pages, and CSV/XLSX exports (audited)."""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from triplec.audit.services import audit_listing, audit_record
from triplec.core.exports import csv_response, export_filename, export_header, wants_codes, xlsx_response
from triplec.core.phrases import Phrase
from triplec.taxpayers.presentation import shown_npwp
from triplec.taxpayers.selectors import scoped_to_user

from .columns import export_columns
from .forms import DebtFilterForm
from .kap import kap_name
from .models import DebtDocument, SuratTeguran
from .selectors import owed_and_collectible

# The debt export's columns, whose Indonesian headers the debts import reads too.
EXPORT_COLUMNS = export_columns(
    "office_code npwp taxpayer document_type document_number document_date kap kap_name kjs tax_period_start"
    " tax_period_end tax_year principal sanctions amount_due due_date state account_representative"
    " teguran_delivered_date"
)


def filtered_documents(request: HttpRequest) -> tuple[DebtFilterForm, QuerySet[DebtDocument]]:
    form = DebtFilterForm(request.GET or None, user=request.user)
    delivered = SuratTeguran.objects.filter(documents=OuterRef("pk"), delivered_date__isnull=False).order_by(
        "-delivered_date"
    )
    # A document joined to another office's taxpayer (data from before imports refused it) is never listed.
    qs = (
        scoped_to_user(DebtDocument.objects.filter(taxpayer__office_id=F("office_id")), request.user)
        .select_related("taxpayer", "office", "taxpayer__account_representative")
        .annotate(teguran_delivered_date=Subquery(delivered.values("delivered_date")[:1]))
    )
    return form, form.filter(qs)


@login_required
@permission_required("ledger.view_debtdocument", raise_exception=True)
def debts(request: HttpRequest) -> HttpResponse:
    form, qs = filtered_documents(request)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx") and not form.malformed:
        return _export(request, form, qs, fmt)
    # The listed rows may be in any state (paid, cancelled...): the figures count only what their labels say.
    owed, collectible = owed_and_collectible(qs)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    sort = form.valid_data().get("sort") or "-amount"
    if page.object_list:
        summary = Phrase("debt list viewed (%(n)s rows)", n=len(page.object_list))
        detail = {
            "page": page.number,
            "filters": {k: str(v) for k, v in form.valid_data().items() if v not in (None, "")},
        }
        audit_listing(
            action="ledger.list", actor=request.user, rows=len(page.object_list), summary=summary, detail=detail
        )
    # A wrong filter is shown with its reason (and the others still apply), answered as the client error it is.
    return render(
        request,
        "ledger/debts.html",
        {
            "form": form,
            "page": page,
            "listed": page.paginator.count,
            "owed": owed,
            "collectible": collectible,
            "sort": sort,
            "today": timezone.localdate(),
        },
        status=400 if form.malformed else 200,
    )


def _export(request: HttpRequest, form: DebtFilterForm, qs, fmt: str) -> HttpResponse:
    """The filtered list, whole. A disclosure of debt detail: audited with the filters used and the row count."""
    filters = {k: str(v) for k, v in (form.valid_data().items()) if v not in (None, "")}
    count = qs.count()
    summary = Phrase("debt list exported as %(format)s (%(n)s rows)", format=fmt.upper(), n=count)
    detail = {"format": fmt, "rows": count, "filters": filters}
    audit_record(action="ledger.export", actor=request.user, summary=summary, detail=detail)
    rows = (_row(d, request.user) for d in qs.iterator(chunk_size=2000))
    header = export_header(EXPORT_COLUMNS, codes=wants_codes(request))
    if fmt == "csv":
        return csv_response(export_filename("tunggakan", "csv"), header, rows)
    return xlsx_response(export_filename("tunggakan", "xlsx"), "Tunggakan", header, rows)


def _row(d: DebtDocument, user) -> list:
    ar = d.taxpayer.account_representative
    return [
        d.office.code,
        shown_npwp(user, d.taxpayer.npwp16, formatted=False),
        d.taxpayer.name,
        d.document_type,
        d.number,
        d.issue_date,
        d.kap,
        kap_name(d.kap),
        d.kjs,
        d.period_start,
        d.period_end,
        d.tax_year,
        d.principal,
        d.sanctions,
        d.amount_due,
        d.due_date,
        d.state,
        ar.username if ar else "",
        d.teguran_delivered_date or "",
    ]
