"""The console's webhook quarantine: administrators only. Thin: selectors read, quarantine.py writes and audits."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from triplec.accounts.permissions import allowed

from . import selectors
from .models import EventState, WebhookEvent
from .quarantine import webhook_discard, webhook_reprocess
from .services import MessagingError


def may_see_quarantine(user) -> bool:
    return allowed(user, "webhook.quarantine")


def _event(request: HttpRequest, pk: int) -> WebhookEvent:
    if not may_see_quarantine(request.user):
        raise PermissionDenied
    try:
        return selectors.quarantined_event(pk)
    except WebhookEvent.DoesNotExist:
        raise Http404 from None


@login_required
def quarantine_list(request: HttpRequest) -> HttpResponse:
    if not may_see_quarantine(request.user):
        raise PermissionDenied
    page = Paginator(selectors.quarantined_events(), 50).get_page(request.GET.get("page"))
    return render(request, "messaging/quarantine.html", {"page": page})


@login_required
def quarantine_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    return render(
        request, "messaging/quarantine_event.html", {"event": event, "body": selectors.masked_body(event.body)}
    )


@login_required
@require_POST
def quarantine_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    event = _event(request, pk)
    try:
        if action == "reprocess":
            event = webhook_reprocess(event=event, actor=request.user)
            if event.state == EventState.PROCESSED:
                messages.success(request, _("Webhook event %(id)s processed.") % {"id": event.pk})
            elif event.state == EventState.QUARANTINED:
                messages.warning(
                    request,
                    _("Webhook event %(id)s is quarantined again: %(reason)s")
                    % {"id": event.pk, "reason": event.reason[:300]},
                )
            else:
                messages.info(request, _("Webhook event %(id)s is waiting to be processed again.") % {"id": event.pk})
        elif action == "discard":
            webhook_discard(event=event, actor=request.user)
            messages.success(request, _("Webhook event %(id)s discarded.") % {"id": event.pk})
        else:
            raise Http404
    except MessagingError as exc:
        messages.error(request, str(exc))
    return redirect("messaging:quarantine")
