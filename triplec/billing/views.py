"""Staff issue a billing code from the taxpayer page (or a conversation) and send it to the taxpayer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_POST

from triplec.accounts.permissions import allowed
from triplec.audit.services import audit_record
from triplec.core.phrases import Phrase
from triplec.ledger.selectors import owed_documents
from triplec.taxpayers.selectors import scoped_to_user, visible_taxpayers

from .messages import MessageNotSent, render_billing_message, send_billing_code
from .models import BillingCode
from .services import BillingError, amount_from_form, billing_code_issue

# Who may issue: the permission matrix, "billing.issue" (accounts/permissions.py), the same on every screen.


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else default


@login_required
@permission_required("ledger.view_debtdocument", raise_exception=True)
def taxpayer_billing(request: HttpRequest, taxpayer_id: int) -> HttpResponse:
    taxpayer = get_object_or_404(visible_taxpayers(request.user).select_related("office", "contact"), pk=taxpayer_id)
    owed = owed_documents(taxpayer=taxpayer)
    if request.method == "POST":
        if not allowed(request.user, "billing.issue"):
            messages.error(request, _t("You may not issue billing codes."))
            return redirect(request.path)
        chosen = list(owed.filter(pk__in=request.POST.getlist("documents")))
        try:
            result = billing_code_issue(
                taxpayer=taxpayer,
                documents=chosen,
                actor=request.user,
                channel="web",
                amount=amount_from_form(request.POST.get("amount")),
            )
        except BillingError as exc:
            messages.error(request, exc.message)
        else:
            code = result.billing_code
            if result.created:
                messages.success(request, _t("Billing code %(code)s issued.") % {"code": code.code_display})
            else:
                messages.info(
                    request,
                    _t("Billing code %(code)s is still valid for these documents.") % {"code": code.code_display},
                )
        return redirect(_next(request, request.path))
    codes = BillingCode.objects.filter(taxpayer=taxpayer).prefetch_related("items").order_by("-issued_at")[:20]
    audit_record(action="billing.view", actor=request.user, obj=taxpayer, summary=Phrase("billing page viewed"))
    return render(
        request,
        "billing/taxpayer.html",
        {"taxpayer": taxpayer, "owed": owed, "codes": codes, "can_issue": allowed(request.user, "billing.issue")},
    )


@login_required
@require_POST
def send(request: HttpRequest, pk: int) -> HttpResponse:
    code = get_object_or_404(
        scoped_to_user(BillingCode.objects.select_related("taxpayer", "office"), request.user), pk=pk
    )
    back = _next(request, reverse("billing:taxpayer", args=[code.taxpayer_id]))
    if code.is_expired() or code.paid_at:
        messages.error(request, _t("This code is expired or paid; issue a new one."))
        return redirect(back)
    try:
        send_billing_code(billing_code=code, actor=request.user)
    except MessageNotSent as exc:
        messages.error(request, _t("Not sent: %(reason)s") % {"reason": exc})
    else:
        summary = Phrase("billing code %(code)s sent by WhatsApp", code=code.code)
        audit_record(action="billing.send", actor=request.user, obj=code, channel="web", summary=summary)
        messages.success(request, _t("Billing code queued for WhatsApp."))
    return redirect(back)


@login_required
@permission_required("ledger.view_debtdocument", raise_exception=True)
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The message exactly as the taxpayer would read it, so staff can read it aloud on the phone too."""
    code = get_object_or_404(
        scoped_to_user(BillingCode.objects.select_related("taxpayer", "office"), request.user), pk=pk
    )
    audit_record(action="billing.preview", actor=request.user, obj=code, summary=Phrase("billing message previewed"))
    return render(request, "billing/preview.html", {"code": code, "text": render_billing_message(code).text})
