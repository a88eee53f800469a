"""Console pages of campaigns. Thin: every change goes through services, every read through selectors."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseForbidden, HttpResponseGone, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from triplec.accounts.permissions import allowed

from . import services
from .forms import CampaignForm
from .letters import render_letter
from .links import LinkExpired, LinkInvalid, unsign_token
from .models import Campaign, CampaignState, Target
from .resend import campaign_resend_failed
from .selectors import (
    campaign_preview,
    campaign_progress,
    campaigns_to_approve,
    exclusion_breakdown,
    sending_window,
    visible_campaigns,
)
from .templates_selectors import template_blocker


def _campaign(request, pk: int) -> Campaign:
    return get_object_or_404(visible_campaigns(request.user), pk=pk)


@login_required
def campaign_list(request):
    return render(
        request,
        "campaigns/list.html",
        {
            "campaigns": visible_campaigns(request.user)[:200],
            "to_approve": campaigns_to_approve(request.user) if allowed(request.user, "campaign.approve") else [],
        },
    )


@login_required
def campaign_new(request):
    office = request.user.office
    if office is None:
        raise PermissionDenied
    form = CampaignForm(request.POST or None, request.FILES or None, office=office)
    create = partial(services.campaign_create, office=office, maker=request.user)
    return _form_page(request, form, create, _("Campaign created. Check the preview, then submit it for approval."))


@login_required
def campaign_edit(request, pk: int):
    campaign = _campaign(request, pk)
    form = CampaignForm(
        request.POST or None, request.FILES or None, instance=Campaign.objects.get(pk=pk), office=campaign.office
    )
    update = partial(services.campaign_update, campaign=campaign, actor=request.user)
    return _form_page(request, form, update, _("Campaign saved."), campaign)


def _form_page(request, form: CampaignForm, save, ok: str, campaign: Campaign | None = None):
    """The campaign form; a valid POST goes to `save` (a campaign service) and, accepted, to the campaign's page."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(**form.service_fields())
        except services.CampaignError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, ok)
            return redirect("campaigns:detail", pk=saved.pk)
    return render(request, "campaigns/form.html", {"form": form, "campaign": campaign})


@login_required
def campaign_detail(request, pk: int):
    campaign = _campaign(request, pk)
    context = {
        "campaign": campaign,
        "approval_valid": campaign.approval_valid,
        "States": CampaignState,
        "template_blocker": template_blocker(campaign),
    }
    if campaign.is_editable:
        preview = context["preview"] = campaign_preview(campaign)
        context["window"] = sending_window(campaign, first=preview["first_send"], last=preview["last_send"])
        services.campaign_preview_seen(campaign=campaign, actor=request.user, preview=preview)
    else:
        context["progress"] = campaign_progress(campaign)
        context["exclusions"] = exclusion_breakdown(campaign)
        context["window"] = sending_window(campaign)
    return render(request, "campaigns/detail.html", context)


ACTIONS = {
    "submit": lambda c, u: services.campaign_submit(campaign=c, actor=u),
    "approve": lambda c, u: services.campaign_approve(campaign=c, approver=u),
    "start": lambda c, u: services.campaign_start(campaign=c, actor=u),
    "pause": lambda c, u: services.campaign_pause(campaign=c, actor=u),
    "resume": lambda c, u: services.campaign_resume(campaign=c, actor=u),
    "cancel": lambda c, u: services.campaign_cancel(campaign=c, actor=u),
    "resend": None,  # with the reason chosen: campaign_resend_failed below
}
# What the flash message says after each action (the action's name is a code, never shown).
DONE = {
    "submit": gettext_lazy("Campaign submitted for approval."),
    "approve": gettext_lazy("Campaign approved."),
    "start": gettext_lazy("Campaign started."),
    "pause": gettext_lazy("Campaign paused."),
    "resume": gettext_lazy("Campaign resumed."),
    "cancel": gettext_lazy("Campaign cancelled."),
}


@login_required
@require_POST
def campaign_action(request, pk: int, action: str):
    campaign = _campaign(request, pk)
    if action not in ACTIONS:
        raise Http404
    try:
        if action == "resend":
            counts = campaign_resend_failed(
                campaign=campaign, actor=request.user, reason=request.POST.get("reason", "")[:300]
            )
        else:
            ACTIONS[action](campaign, request.user)
    except services.CampaignError as exc:
        messages.error(request, exc.message)
    else:
        if action == "resend":
            messages.success(
                request,
                _(
                    "%(resent)d failed messages queued again; %(skipped)d skipped (their letter "
                    "was messaged by another campaign since)."
                )
                % counts,
            )
        else:
            messages.success(request, DONE[action])
    if action in ("start", "resume", "pause", "resend"):
        return redirect("campaigns:progress", pk=pk)
    return redirect("campaigns:detail", pk=pk)


@login_required
def campaign_progress_page(request, pk: int):
    campaign = _campaign(request, pk)
    return render(
        request,
        "campaigns/progress.html",
        {
            "campaign": campaign,
            "progress": campaign_progress(campaign),
            "exclusions": exclusion_breakdown(campaign),
            "window": sending_window(campaign),
        },
    )


@login_required
def campaign_progress_json(request, pk: int):
    """Polled every 2 s by the progress page. A read only: the counts come live from the outbox, and the minute
    job (tasks.py) copies them onto the targets and completes the campaign."""
    campaign = _campaign(request, pk)
    return JsonResponse(campaign_progress(campaign))


def notice_pdf(request, token: str):
    """The PDF header of a campaign message, fetched by WhatsApp (or the simulator) from the signed link. A
    stored letter is served before Django by the ASGI fast path (asgi_letters.py); this view answers the rest:
    invalid or expired links, cancelled targets, and a letter not yet rendered (rendered and stored now)."""
    try:
        public_id = unsign_token(token)
    except LinkExpired:
        return HttpResponseGone("Tautan sudah kedaluwarsa.")
    except LinkInvalid:
        return HttpResponseForbidden("Tautan tidak sah.")
    target = (
        Target.objects.select_related("campaign__office", "letter", "taxpayer")
        .filter(public_id=public_id, messaged=True, letter__isnull=False)
        .first()
    )
    if target is None:
        return HttpResponseGone("Dokumen tidak tersedia.")
    data = render_letter(target).read_bytes()
    services.letter_fetched(target=target)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="surat-teguran.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
