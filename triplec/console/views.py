"""The console's own pages: the dashboard, the audit log and the import page. Thin: selectors and services
do the work."""

import os
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from triplec.accounts.permissions import allowed
from triplec.audit.services import audit_record
from triplec.core.exports import csv_response, export_filename, export_header, wants_codes, xlsx_response
from triplec.core.phrases import Phrase
from triplec.imports import services as imports
from triplec.imports.models import ImportRun
from triplec.imports.selectors import import_columns
from triplec.imports.services import REPORT_HEADER
from triplec.taxpayers.selectors import scoped_to_user

from . import selectors
from .forms import IMPORT_KINDS, AuditFilterForm, ImportForm


@login_required
def home(request: HttpRequest) -> HttpResponse:
    data = selectors.dashboard(request.user)
    kap_max = max((amount for _label, amount in data.by_kap), default=0)
    age_max = max((amount for _label, amount in data.by_age), default=0)
    age_labels = {"not_due": _("Not yet due")}
    by_age = [
        (age_labels.get(label, _("%(days)s days overdue") % {"days": label}), amount) for label, amount in data.by_age
    ]
    return render(
        request,
        "console/home.html",
        {
            "d": data,
            "kap_max": kap_max,
            "age_max": age_max,
            "by_age": by_age,
            "today": timezone.localdate(),
            "r": selectors.role_figures(request.user),
        },
    )


# The audit CSV: codes (`?headers=codes`) and the labels of the header row; action and channel stay codes, the
# summary is in the reader's language (docs/console.md, "Exports").
AUDIT_EXPORT_COLUMNS = [
    ("at", gettext_lazy("Time")),
    ("user", gettext_lazy("User")),
    ("channel", gettext_lazy("Channel")),
    ("action", gettext_lazy("Action")),
    ("office", gettext_lazy("Office")),
    ("npwp", "NPWP"),
    ("taxpayer", gettext_lazy("Taxpayer")),
    ("object_type", gettext_lazy("Object type")),
    ("object_id", gettext_lazy("Object id")),
    ("summary", gettext_lazy("Summary")),
]


def _may_see_audit(user) -> bool:
    return allowed(user, "audit.view")


@login_required
def audit(request: HttpRequest) -> HttpResponse:
    """Administrators, office heads and section heads read their office's audit log; others get 403."""
    if not _may_see_audit(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    entries = selectors.audit_entries(request.user, **form.filters())
    if form.malformed:
        return render(
            request, "console/audit.html", {"form": form, "page": Paginator(entries.none(), 50).get_page(1)}, status=400
        )
    if request.GET.get("format") == "csv":
        summary = Phrase("audit log exported as CSV")
        detail = {"filters": {k: str(v) for k, v in form.filters().items() if v}}
        audit_record(action="audit.export", actor=request.user, summary=summary, detail=detail)
        rows = (
            (
                timezone.localtime(e.at).strftime("%d/%m/%Y %H:%M:%S"),
                e.actor.username if e.actor else "",
                e.channel,
                e.action,
                e.office.code if e.office else "",
                e.taxpayer.npwp16 if e.taxpayer else "",
                e.taxpayer.name if e.taxpayer else "",
                e.object_type,
                e.object_id,
                e.shown_summary,
            )
            for e in entries.iterator(chunk_size=2000)
        )
        header = export_header(AUDIT_EXPORT_COLUMNS, codes=wants_codes(request))
        return csv_response(export_filename("audit", "csv"), header, rows)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "console/audit.html", {"form": form, "page": page})


IMPORT_PERMISSION = "imports.add_importrun"


def _import_runs(user):
    return scoped_to_user(ImportRun.objects.select_related("actor", "office"), user)


@login_required
@permission_required(IMPORT_PERMISSION, raise_exception=True)
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload a file and pick its kind; the same import service as `triplec import` does the work."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = imports.import_run(
            kind=form.cleaned_data["kind"],
            path_or_fileobj=upload,
            filename=upload.name,
            actor=request.user,
            channel="web",
        )
        if result.message:
            messages.error(request, _("The file was not imported: %(reason)s") % {"reason": result.message})
        elif result.rejected:
            messages.warning(request, _("Imported with rejected rows; see the report below."))
        else:
            messages.success(request, _("The file was imported."))
        return redirect("console:import_run", pk=result.run.pk)
    runs = _import_runs(request.user)[:20]
    formats = [(kind, label, import_columns(kind)) for kind, label in IMPORT_KINDS]
    return render(request, "console/import.html", {"available": True, "form": form, "runs": runs, "formats": formats})


@login_required
@permission_required(IMPORT_PERMISSION, raise_exception=True)
def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """An empty file of one kind, its column names in the first row, for an office to fill in."""
    try:
        header = [column.header for column in import_columns(kind)]
    except KeyError:
        raise Http404 from None
    name = f"templat-impor-{kind}.{fmt}"
    if fmt == "csv":
        return csv_response(name, header, [])
    if fmt == "xlsx":
        return xlsx_response(name, kind, header, [])
    raise Http404


@login_required
@permission_required(IMPORT_PERMISSION, raise_exception=True)
def import_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(_import_runs(request.user), pk=pk)
    return render(
        request, "console/import_run.html", {"run": run, "rows": run.report_lines(), "message": run.shown_message()}
    )


@login_required
@permission_required(IMPORT_PERMISSION, raise_exception=True)
def import_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The full report file when it is still on disk (in the language of the import), else the first lines kept
    with the run, in the reader's language."""
    run = get_object_or_404(_import_runs(request.user), pk=pk)
    name = f"{Path(run.file_name).stem}.errors.csv"
    if run.report_path and os.path.exists(run.report_path):
        return FileResponse(open(run.report_path, "rb"), as_attachment=True, filename=name, content_type="text/csv")
    if not run.report_csv:
        raise Http404
    return csv_response(
        name, REPORT_HEADER, ([r["row"], r["column"], r["value"], r["error"]] for r in run.report_lines())
    )
