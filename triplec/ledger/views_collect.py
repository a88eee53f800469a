"""Console pages of Collect and Clear: the unmatched-payment queue, payment claims, the bailiff's list."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from triplec.accounts.models import User
from triplec.accounts.permissions import allowed
from triplec.accounts.roles import Role
from triplec.audit.services import audit_listing, audit_record
from triplec.core.exports import export_filename, export_header, wants_codes, xlsx_response
from triplec.core.inputs import search_text
from triplec.core.phrases import Phrase
from triplec.taxpayers.selectors import scoped_to_user

from . import bailiff
from .kap import KAP_NAMES, kap_label
from .models import ClaimStatus, DebtDocument, Payment, PaymentClaim, SuratPaksa, SuratTeguran
from .payments import AssignmentError, assign_payment, resolve_claim
from .selectors import owed_documents, unmatched_payments

# --- unmatched payments ------------------------------------------------------------------------------


@login_required
@permission_required("ledger.view_payment", raise_exception=True)
def unmatched(request: HttpRequest) -> HttpResponse:
    qs = unmatched_payments(request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    _audit_page(request, "payment.unmatched", page)
    return render(request, "ledger/collect/unmatched.html", {"page": page, "total": qs.count()})


class AssignForm(forms.Form):
    documents = forms.ModelMultipleChoiceField(
        queryset=DebtDocument.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Documents of this taxpayer"),
    )
    other_numbers = forms.CharField(
        required=False,
        label=_("Other document numbers"),
        help_text=_("Separated by commas, in the order the payment should settle them."),
    )
    note = forms.CharField(
        required=True,
        max_length=300,
        label=_("Reason"),
        help_text=_("What you checked, e.g. the BPN sent by the taxpayer. Kept in the audit log."),
    )

    def __init__(self, *args, user, payment: Payment, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.payment = user, payment
        owed = owed_documents(user=user)
        self.fields["documents"].queryset = (
            owed.filter(taxpayer_id=payment.taxpayer_id) if payment.taxpayer_id else owed.none()
        )

    def clean(self):
        data = super().clean()
        chosen = list(data.get("documents") or [])
        numbers = [n.strip() for n in (data.get("other_numbers") or "").split(",") if n.strip()]
        if numbers:
            found = {d.number: d for d in scoped_to_user(DebtDocument.objects.filter(number__in=numbers), self.user)}
            missing = [n for n in numbers if n not in found]
            if missing:
                self.add_error(
                    "other_numbers", _t("Not found in your office: %(numbers)s") % {"numbers": ", ".join(missing)}
                )
            chosen += [found[n] for n in numbers if n in found and found[n] not in chosen]
        if not chosen and not self.errors:
            raise forms.ValidationError(_t("Choose at least one document."))
        data["chosen"] = chosen
        return data


@login_required
@permission_required("ledger.change_payment", raise_exception=True)
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    payment = get_object_or_404(scoped_to_user(Payment.objects.select_related("taxpayer"), request.user), pk=pk)
    form = AssignForm(request.POST or None, user=request.user, payment=payment)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = assign_payment(
                payment=payment,
                documents=form.cleaned_data["chosen"],
                actor=request.user,
                note=form.cleaned_data["note"],
            )
        except AssignmentError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _t("Payment %(ntpn)s assigned.") % {"ntpn": payment.ntpn}
                + (" " + "; ".join(outcome.warnings) if outcome.warnings else ""),
            )
            return redirect("collect:unmatched")
    return render(request, "ledger/collect/assign.html", {"payment": payment, "form": form})


# --- claims ----------------------------------------------------------------------------------------------


@login_required
@permission_required("ledger.view_payment", raise_exception=True)
def claims(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or ClaimStatus.PENDING
    if status not in ClaimStatus.values:
        status = ClaimStatus.PENDING
    qs = scoped_to_user(PaymentClaim.objects.filter(status=status), request.user).select_related(
        "taxpayer", "payment", "resolved_by"
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    _audit_page(request, "payment.claims", page)
    return render(
        request, "ledger/collect/claims.html", {"page": page, "status": status, "statuses": ClaimStatus.choices}
    )


@login_required
@permission_required("ledger.change_payment", raise_exception=True)
@require_POST
def claim_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(scoped_to_user(PaymentClaim.objects.all(), request.user), pk=pk)
    accept = request.POST.get("decision") == "accept"
    note = (request.POST.get("note") or "").strip()
    if not note:
        messages.error(request, _t("Write what you checked before deciding."))
        return redirect("collect:claims")
    claim = resolve_claim(claim=claim, actor=request.user, accept=accept, note=note)
    messages.success(
        request, _t("Claim %(ntpn)s: %(status)s.") % {"ntpn": claim.ntpn, "status": claim.get_status_display()}
    )
    return redirect("collect:claims")


# --- the bailiff's list ---------------------------------------------------------------------------------


class PaksaForm(forms.Form):
    refused = _("Surat Paksa not recorded: %(errors)s")
    number = forms.CharField(max_length=60, label=_("Surat Paksa number"))
    issue_date = forms.DateField(label=_("Surat Paksa date"), widget=forms.DateInput(attrs={"type": "date"}))


class ServedForm(forms.Form):
    refused = _("Service not recorded: %(errors)s")
    served_date = forms.DateField(label=_("Served on"), widget=forms.DateInput(attrs={"type": "date"}))


class BailiffFilterForm(forms.Form):
    """Filters of the Surat Paksa list; every field optional, a wrong one reported and left out."""

    label_suffix = ""
    due_from = forms.DateField(
        label=_("Surat Paksa due from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_to = forms.DateField(
        label=_("Surat Paksa due to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ar = forms.ModelChoiceField(label=_("Account representative"), required=False, queryset=None, empty_label=_("All"))
    amount_min = forms.IntegerField(label=_("Amount from (Rp)"), required=False, min_value=0)
    amount_max = forms.IntegerField(label=_("Amount to (Rp)"), required=False, min_value=0)
    kap = forms.ChoiceField(label=_("Tax type"), required=False)
    sort = forms.ChoiceField(
        required=False, choices=[(k, k) for k in bailiff.SORTS] + [(f"-{k}", k) for k in bailiff.SORTS]
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        ars = User.objects.filter(groups__name=Role.ACCOUNT_REPRESENTATIVE, is_active=True)
        if not user.is_administrator:
            ars = ars.filter(office_id=user.office_id)
        self.fields["ar"].queryset = ars.order_by("username")
        self.fields["kap"].choices = [("", _("All"))] + [(k, kap_label(k)) for k in sorted(KAP_NAMES)]

    def valid_data(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


PAGE_SIZE = 50


@login_required
@permission_required("ledger.view_suratteguran", raise_exception=True)
def bailiff_list(request: HttpRequest) -> HttpResponse:
    """The Surat Paksa list: filtered, sorted and paged in the database; a page reads only its 50 letters. The
    export streams the whole filtered list."""
    issued = request.GET.get("tab") == "issued"
    form = BailiffFilterForm(request.GET or None, user=request.user)
    data = form.valid_data()
    sort = data.pop("sort", bailiff.DEFAULT_SORT)
    letters = bailiff.ripe_letters(request.user, issued=issued, filters=data, sort=sort)
    if request.GET.get("format") == "xlsx":
        count = letters.count()
        summary = Phrase("Surat Paksa list exported as XLSX (%(n)s rows)", n=count)
        detail = {
            "rows": count,
            "tab": "issued" if issued else "candidates",
            "filters": {k: str(v) for k, v in data.items()},
        }
        audit_record(action="paksa.export", actor=request.user, summary=summary, detail=detail)
        return xlsx_response(
            export_filename("calon-surat-paksa" if not issued else "surat-paksa-terbit", "xlsx"),
            "Surat Paksa",
            export_header(bailiff.EXPORT_COLUMNS, codes=wants_codes(request)),
            bailiff.export_rows(letters, request.user),
        )
    # The page as ids first: the database sorts and slices without computing each letter's amount unless the
    # sort or a filter needs it; then only these 50 letters are read.
    paginator = Paginator(letters.values_list("pk", flat=True), PAGE_SIZE)
    totals = bailiff.list_totals(letters)
    paginator.count = totals["n"]  # already counted with the total amount: one query fewer
    page = paginator.get_page(request.GET.get("page"))
    rows = bailiff.letters_in_order(list(page.object_list))
    if rows:
        summary = Phrase("Surat Paksa list viewed (%(n)s rows)", n=len(rows))
        detail = {"tab": "issued" if issued else "candidates", "page": page.number}
        audit_listing(action="paksa.list", actor=request.user, rows=len(rows), summary=summary, detail=detail)
    return render(
        request,
        "ledger/collect/bailiff.html",
        {
            "form": form,
            "page": page,
            "candidates": bailiff.candidates_for(rows),
            "issued": issued,
            "total": totals["amount"],
            "count": totals["n"],
            "sort": sort,
            "can_record": allowed(request.user, "paksa.record"),
        },
    )


def bailiff_post(permission: str) -> Callable:
    """A bailiff's step is a signed-in POST by a user holding the model `permission`."""

    def decorate(view: Callable) -> Callable:
        return login_required(permission_required(permission, raise_exception=True)(require_POST(view)))

    return decorate


def _back_to_list(request: HttpRequest) -> str:
    """The page of the list the form was sent from (its filters, sort and page), else the list."""
    target = request.POST.get("next") or ""
    if (
        target
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
        and target.startswith("/")
    ):
        return target
    return _reverse("collect:bailiff")


@bailiff_post("ledger.add_suratpaksa")
def paksa_issue(request: HttpRequest, pk: int) -> HttpResponse:
    teguran = get_object_or_404(scoped_to_user(SuratTeguran.objects.all(), request.user), pk=pk)
    if paksa := _recorded(request, PaksaForm, bailiff.record_surat_paksa, teguran=teguran):
        done = _t("Surat Paksa %(number)s recorded for %(teguran)s.")
        messages.success(request, done % {"number": paksa.number, "teguran": teguran.number})
    return redirect(_back_to_list(request))


@bailiff_post("ledger.change_suratpaksa")
def paksa_served(request: HttpRequest, pk: int) -> HttpResponse:
    paksa = get_object_or_404(scoped_to_user(SuratPaksa.objects.all(), request.user), pk=pk)
    if _recorded(request, ServedForm, bailiff.record_served, paksa=paksa):
        messages.success(request, _t("Surat Paksa %(number)s recorded as served.") % {"number": paksa.number})
    return redirect(request.POST.get("next") and _back_to_list(request) or f"{_reverse('collect:bailiff')}?tab=issued")


LIST_PHRASES = {
    "payment.unmatched": gettext_noop("unmatched payments viewed (%(n)s rows)"),
    "payment.claims": gettext_noop("payment claims viewed (%(n)s rows)"),
    "payment.list": gettext_noop("payment list viewed (%(n)s rows)"),
}


def _audit_page(request: HttpRequest, action: str, page) -> None:
    """A page of a list with taxpayers' names and amounts is a disclosure: one audit entry."""
    if page.object_list:
        summary = Phrase(LIST_PHRASES[action], n=len(page.object_list))
        detail = {"page": page.number}
        audit_listing(action=action, actor=request.user, rows=len(page.object_list), summary=summary, detail=detail)


def _recorded(request: HttpRequest, form_class: type[forms.Form], record: Callable, **objects):
    """A bailiff's step: check the form and `record` its data for `objects`, or flash why nothing was recorded
    (the form's `refused` with its errors, or the service's reason). The service's result, or None."""
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, form_class.refused % {"errors": _errors(form)})
        return None
    try:
        return record(actor=request.user, **objects, **form.cleaned_data)
    except bailiff.BailiffError as exc:
        messages.error(request, exc.message)
        return None


def _reverse(name: str) -> str:
    return reverse(name)


def _errors(form: forms.Form) -> str:
    return "; ".join(
        f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}".lstrip(": ")
        for f, e in form.errors.items()
    )


# --- payments of a taxpayer ---------------------------------------------------------------------------


@login_required
@permission_required("ledger.view_payment", raise_exception=True)
def payments_list(request: HttpRequest) -> HttpResponse:
    qs = scoped_to_user(Payment.objects.select_related("taxpayer"), request.user).prefetch_related(
        "allocations__document"
    )
    q = search_text(request.GET.get("q")).upper()
    if q:
        qs = qs.filter(ntpn__startswith=q) | qs.filter(billing_code__startswith=q) | qs.filter(npwp__startswith=q)
    if request.GET.get("overpaid"):
        qs = qs.filter(overpaid_amount__gt=0)
    page = Paginator(qs.order_by("-paid_at", "-id"), 50).get_page(request.GET.get("page"))
    _audit_page(request, "payment.list", page)
    return render(
        request, "ledger/collect/payments.html", {"page": page, "q": q, "overpaid": bool(request.GET.get("overpaid"))}
    )
