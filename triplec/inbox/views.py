"""Thin views of the live inbox. Every URL goes through `access.conversation_for` / `visible_conversations`:
what a user may not see answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from triplec.accounts.models import User
from triplec.accounts.permissions import allowed
from triplec.audit.services import audit_record
from triplec.conversations.models import TaskQueue
from triplec.conversations.services import staff_task_done
from triplec.core.inputs import search_text
from triplec.core.phrases import Phrase
from triplec.events.bus import latest_event_id
from triplec.messaging.models import Template
from triplec.messaging.registry import placeholders
from triplec.taxpayers.models import ContactStatus

from . import selectors, services
from .access import OFFICER_ROLES, conversation_for, is_head, may_use_inbox
from .models import OfficerStatus, QuickReply
from .sla import clocks, first_response_target, resolution_target


def _inbox_user(request: HttpRequest):
    if not may_use_inbox(request.user):
        raise Http404
    return request.user


def _queue_context(request: HttpRequest) -> dict:
    user = _inbox_user(request)
    name = request.GET.get("view") or "mine"
    if name not in selectors.QUEUES or (name == "office" and not is_head(user)):
        name = "mine"
    query = search_text(request.GET.get("q"))
    rows = list(selectors.queue(user, name, query)[:200])
    now = timezone.now()
    items = [(c, clocks(c, now=now), selectors.display_name(c)) for c in rows]
    return {
        "view": name,
        "q": query,
        "items": items,
        "head": is_head(user),
        "queues": [(q, label) for q, label in _queue_labels() if q != "office" or is_head(user)],
    }


def _queue_labels():
    return [
        ("mine", _("Mine")),
        ("unassigned", _("Unassigned")),
        ("office", _("All of my office")),
        ("open", _("Open")),
        ("waiting_taxpayer", _("Waiting for taxpayer")),
        ("resolved", _("Resolved")),
    ]


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    since = latest_event_id()  # read before the data: an event after this is replayed, never lost
    ctx = _queue_context(request)
    ctx["status"] = OfficerStatus.objects.filter(user=request.user).first()
    ctx["officer"] = allowed(request.user, "inbox.duty")
    ctx["since"] = since
    return render(request, "inbox/inbox.html", ctx)


@login_required
@require_GET
def queue_fragment(request: HttpRequest) -> HttpResponse:
    return render(request, "inbox/_queue.html", _queue_context(request))


def _conversation_context(request: HttpRequest, conversation) -> dict:
    now = timezone.now()
    closes = selectors.window_closes_at(conversation)
    return {
        "c": conversation,
        "lines": selectors.timeline(conversation, request.user),
        "window_open": conversation.peer.window_open(now),
        "window_closes_at": closes,
        "window_seconds": max(0, int((closes - now).total_seconds())) if closes else 0,
        "clocks": clocks(conversation, now=now),
        "fr_target": first_response_target() // 60,
        "res_target": resolution_target() // 60,
    }


@login_required
@require_GET
def conversation(request: HttpRequest, pk: int) -> HttpResponse:
    since = latest_event_id()  # read before the data: an event after this is replayed, never lost
    c = conversation_for(_inbox_user(request), pk)
    ctx = _conversation_context(request, c)
    ctx["panel"] = selectors.taxpayer_panel(c)
    ctx["title"] = selectors.display_name(c)
    ctx["handoff_lines"] = c.handoff_summary.splitlines()  # "Alasan: …", who, what is owed, what was asked
    ctx["since"] = since
    ctx["templates"] = selectors.templates_for(c)
    ctx["quick_replies"] = QuickReply.objects.filter(office=c.office)
    ctx["head"] = allowed(request.user, "inbox.manage")
    ctx["officers"] = (
        User.objects.filter(office=c.office, is_active=True, groups__name__in=list(OFFICER_ROLES))
        .distinct()
        .order_by("username")
        if ctx["head"]
        else []
    )
    # Showing the taxpayer panel discloses the taxpayer's affairs to this member of staff: recorded.
    _audit_view(request, c, Phrase("conversation and taxpayer panel viewed"), taxpayer=ctx["panel"]["taxpayer"])
    return render(request, "inbox/conversation.html", ctx)


def _audit_view(request: HttpRequest, c, summary: Phrase, taxpayer=False) -> None:
    """One entry per disclosure, under the conversation's office and the taxpayer whose data was shown."""
    shown = selectors.conversation_taxpayer(c) if taxpayer is False else taxpayer
    audit_record(
        action="inbox.view", actor=request.user, obj=c, taxpayer=shown, office=c.office, channel="web", summary=summary
    )


@login_required
@require_GET
def timeline_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    c = conversation_for(_inbox_user(request), pk)
    _audit_view(request, c, Phrase("timeline refreshed"))
    return render(request, "inbox/_timeline.html", _conversation_context(request, c))


@login_required
@require_GET
def conversation_json(request: HttpRequest, pk: int) -> JsonResponse:
    c = conversation_for(_inbox_user(request), pk)
    ctx = _conversation_context(request, c)
    _audit_view(request, c, Phrase("conversation read through the JSON API"))
    return JsonResponse(
        {
            "id": c.pk,
            "state": c.state,
            "assigned_to": c.assigned_to_id,
            "window_open": ctx["window_open"],
            "window_seconds": ctx["window_seconds"],
            "clocks": ctx["clocks"],
            "messages": [
                {
                    "direction": ln.direction,
                    "kind": ln.kind,
                    "state": ln.state,
                    "text": ln.text,
                    "reason": ln.reason,
                    "at": ln.at.isoformat(),
                }
                for ln in ctx["lines"]
            ],
        }
    )


@login_required
@require_GET
def queue_json(request: HttpRequest) -> JsonResponse:
    ctx = _queue_context(request)
    return JsonResponse(
        {
            "view": ctx["view"],
            "conversations": [
                {
                    "id": c.pk,
                    "state": c.state,
                    "assigned_to": c.assigned_to_id,
                    "last_message_at": c.last_message_at.isoformat(),
                    "breached": k["first_response_breached"],
                }
                for c, k, _label in ctx["items"]
            ],
        }
    )


def _act(request: HttpRequest, pk: int, service, ok: str, **fields) -> HttpResponse:
    """Run one inbox service on the conversation, as the user: `service(conversation=, actor=, **fields)`. Its
    InboxError is shown as the error message, success as `ok`; back to the conversation either way."""
    c = conversation_for(_inbox_user(request), pk)
    try:
        service(conversation=c, actor=request.user, **fields)
    except services.InboxError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, str(ok))  # translated now, in the request's language
    return redirect("inbox:conversation", pk=c.pk)


def _action_view(service, ok: str, *text_fields: str):
    """A POST view that runs `service` on the conversation as the user (through _act), with the named POST
    fields passed as text."""

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        return _act(request, pk, service, ok, **{f: request.POST.get(f, "") for f in text_fields})

    return view


reply = _action_view(services.inbox_reply_send, gettext_lazy("Message queued."), "text")
note = _action_view(services.inbox_note_add, gettext_lazy("Note saved."), "text")
resolve = _action_view(services.inbox_resolve, gettext_lazy("Conversation resolved."))
reopen = _action_view(services.inbox_reopen, gettext_lazy("Conversation reopened."))


@login_required
@require_POST
def send_template(request: HttpRequest, pk: int) -> HttpResponse:
    def go(*, conversation, actor):
        template = Template.objects.filter(pk=request.POST.get("template") or 0, channel=conversation.channel).first()
        if template is None:
            raise services.InboxError("Pilih template")
        names = [n for n in request.POST.getlist("param_names")]
        values = request.POST.getlist("params")
        if any(not v.strip() for v in values):
            raise services.InboxError("Isi semua parameter template")
        if template.parameter_format == "NAMED":
            params = dict(zip(names, values))
        else:
            nh = len(placeholders(template.header_text)) if template.header_type == "TEXT" else 0
            params = {"header": values[:nh], "body": values[nh:]}
        services.inbox_template_send(conversation=conversation, actor=actor, template=template, params=params)

    return _act(request, pk, go, _("Template queued."))


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    def go(*, conversation, actor):
        officer_id = request.POST.get("officer") or ""
        if officer_id == "me":
            officer = actor
        elif allowed(actor, "inbox.manage"):
            chosen = int(officer_id) if officer_id.isdigit() else 0
            officer = User.objects.filter(pk=chosen, office=conversation.office).first()
        else:
            raise services.InboxError("Hanya kepala seksi yang dapat mengalihkan percakapan")
        if officer is None:
            raise services.InboxError("Petugas tidak ditemukan")
        if not allowed(actor, "inbox.manage") and conversation.assigned_to_id not in (None, actor.pk):
            raise Http404
        services.inbox_assign(conversation=conversation, officer=officer, actor=actor)

    return _act(request, pk, go, _("Conversation assigned."))


@login_required
@require_POST
def billing(request: HttpRequest, pk: int) -> HttpResponse:
    ids = [int(x) for x in request.POST.getlist("documents") if x.isdigit()]
    return _act(
        request,
        pk,
        services.inbox_billing_code_send,
        _("Billing code issued and queued."),
        document_ids=ids,
        amount=request.POST.get("amount"),
    )


@login_required
@require_POST
def contact_status(request: HttpRequest, pk: int) -> HttpResponse:
    status = {"wrong_number": ContactStatus.WRONG_NUMBER, "opt_out": ContactStatus.OPTED_OUT}.get(
        request.POST.get("status", ""), ""
    )
    reason = request.POST.get("reason", "").strip()[:300] or (
        "Nomor salah (dari kotak masuk)" if status == ContactStatus.WRONG_NUMBER else "Menolak pesan WhatsApp"
    )
    return _act(
        request, pk, services.inbox_contact_status_set, _("Contact status changed."), status=status, reason=reason
    )


@login_required
@require_GET
def quick_reply_fill(request: HttpRequest, pk: int, reply_pk: int) -> JsonResponse:
    c = conversation_for(_inbox_user(request), pk)
    reply_obj = get_object_or_404(QuickReply, pk=reply_pk, office=c.office)
    return JsonResponse({"text": services.quick_reply_fill(reply_obj, conversation=c, actor=request.user)})


@login_required
def quick_replies(request: HttpRequest) -> HttpResponse:
    user = _inbox_user(request)
    if user.office_id is None:
        raise Http404
    if request.method == "POST":
        if not allowed(user, "inbox.manage"):
            raise Http404
        existing = None
        if request.POST.get("id", "").isdigit():
            existing = get_object_or_404(QuickReply, pk=int(request.POST["id"]), office_id=user.office_id)
        if request.POST.get("delete") and existing is not None:
            services.quick_reply_delete(reply=existing, actor=user)
            messages.success(request, _("Quick reply deleted."))
        else:
            try:
                services.quick_reply_save(
                    office=user.office,
                    title=request.POST.get("title", ""),
                    body=request.POST.get("body", ""),
                    actor=user,
                    reply=existing,
                )
                messages.success(request, _("Quick reply saved."))
            except services.InboxError as exc:
                messages.error(request, str(exc))
        return redirect("inbox:quick_replies")
    return render(
        request,
        "inbox/quick_replies.html",
        {"replies": QuickReply.objects.filter(office_id=user.office_id), "head": allowed(user, "inbox.manage")},
    )


@login_required
@require_POST
def availability(request: HttpRequest) -> HttpResponse:
    user = _inbox_user(request)
    if not allowed(user, "inbox.duty"):
        raise Http404
    capacity = request.POST.get("capacity", "")
    try:
        services.officer_availability_set(
            user=user,
            available=request.POST.get("available") == "1",
            capacity=int(capacity) if capacity.isdigit() else None,
        )
        if request.POST.get("available") == "1":
            services.inbox_assign_waiting(office_id=user.office_id)
    except services.InboxError as exc:
        messages.error(request, str(exc))
    return redirect("inbox:inbox")


@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    """Staff tasks the bot left (wrong numbers, scam reports, locked contacts; complaints for section heads), by
    queue."""
    user = _inbox_user(request)
    allowed = selectors.task_queues_for(user)
    queue = request.GET.get("queue") or ""
    if queue not in allowed:
        queue = ""
    labels = dict(TaskQueue.choices)
    return render(
        request,
        "inbox/tasks.html",
        {
            "tasks": list(selectors.tasks_for(user, queue or None)[:200]),
            "queue": queue,
            "queues": [(q, labels[q]) for q in allowed],
        },
    )


@require_POST
def task_done(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a task; one outside the user's queues answers 404 (a refusal never confirms what exists)."""
    user = _inbox_user(request)
    task = selectors.task_of(user, pk)
    if task is None:
        raise Http404
    staff_task_done(task=task, actor=user)
    messages.success(request, _("Task marked done."))
    return redirect(f"{reverse('inbox:tasks')}?queue={task.queue}")
