"""The console page of message templates (Meta's status, quality, reason, version, the campaigns using each)
and its actions. Thin: reads in templates_selectors, writes in templates_services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from .templates_selectors import templates_page, visible_templates
from .templates_services import TemplateActionError, template_action

DONE = {
    "submit": gettext_noop("Template sent to WhatsApp for approval."),
    "sync": gettext_noop("Template synced from WhatsApp."),
    "new_version": gettext_noop("New template version made: submit it for approval."),
}


@login_required
def template_list(request):
    return render(request, "campaigns/templates.html", {"rows": templates_page(request.user)})


@login_required
@require_POST
def template_action_view(request, pk: int, action: str):
    template = get_object_or_404(visible_templates(request.user), pk=pk)
    try:
        template_action(template=template, actor=request.user, action=action)
    except TemplateActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _(DONE[action]))
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("campaigns:templates")
