"""Taxpayer pages of the staff console: search, the taxpayer page, and the WhatsApp contact forms.

Scoping: a taxpayer of another office is a 404, never a 403, so the console does not confirm that a taxpayer
exists. Every view of the page is audited (Pasal 34 KUP: tax secrecy).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from triplec.accounts.permissions import allowed
from triplec.audit.services import audit_listing, audit_record
from triplec.core.inputs import search_text
from triplec.core.phrases import Phrase
from triplec.ledger.models import DebtDocument, Payment, SuratPaksa, SuratTeguran
from triplec.ledger.selectors import owed_and_collectible, owed_q
from triplec.taxpayers.forms import ContactNumberForm, ContactStatusForm
from triplec.taxpayers.models import Contact, ContactChange, ContactSource, Taxpayer
from triplec.taxpayers.selectors import search_taxpayers, visible_taxpayers
from triplec.taxpayers.services import contact_set_number, contact_set_status


@login_required
@permission_required("taxpayers.view_taxpayer", raise_exception=True)
def search(request: HttpRequest) -> HttpResponse:
    query = search_text(request.GET.get("q"))
    qs = (
        search_taxpayers(request.user, query)
        .select_related("account_representative")
        .annotate(owed=Sum("documents__amount_due", filter=owed_q("documents__")))
        .order_by("name", "id")
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    if query and page.paginator.count == 1 and request.GET.get("page") is None:
        return redirect("taxpayers:detail", pk=page.object_list[0].pk)
    if page.object_list:
        # The query itself may be an NPWP or NIK: only its length is kept.
        summary = Phrase("taxpayer search: %(n)s names shown", n=len(page.object_list))
        detail = {"query_length": len(query), "page": page.number}
        audit_listing(
            action="taxpayer.search", actor=request.user, rows=len(page.object_list), summary=summary, detail=detail
        )
    return render(request, "taxpayers/search.html", {"query": query, "page": page})


def _taxpayer_for(request: HttpRequest, pk: int) -> Taxpayer:
    return get_object_or_404(visible_taxpayers(request.user).select_related("office", "account_representative"), pk=pk)


@login_required
@permission_required("taxpayers.view_taxpayer", raise_exception=True)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    taxpayer = _taxpayer_for(request, pk)
    audit_record(action="taxpayer.view", actor=request.user, obj=taxpayer, summary=Phrase("taxpayer page viewed"))
    contact = Contact.objects.filter(taxpayer=taxpayer).first()
    changes = list(ContactChange.objects.filter(contact=contact).select_related("changed_by")) if contact else []
    # Only this office's taxpayers: the same number at another office is another relationship, never hinted at.
    sharing = (
        list(
            visible_taxpayers(request.user)
            .filter(contact__phone=contact.phone, office_id=taxpayer.office_id)
            .exclude(pk=taxpayer.pk)
            .order_by("name")
        )
        if contact and contact.phone
        else []
    )
    documents = list(DebtDocument.objects.filter(taxpayer=taxpayer).order_by("-issue_date", "number"))
    teguran = list(
        SuratTeguran.objects.filter(taxpayer=taxpayer).prefetch_related(
            Prefetch("documents", queryset=DebtDocument.objects.only("id", "number", "document_type")), "paksa"
        )
    )
    paksa = list(SuratPaksa.objects.filter(taxpayer=taxpayer).select_related("teguran"))
    payments = list(Payment.objects.filter(taxpayer=taxpayer).prefetch_related("allocations__document"))
    owed, collectible = owed_and_collectible(DebtDocument.objects.filter(taxpayer=taxpayer))
    user = request.user
    return render(
        request,
        "taxpayers/detail.html",
        {
            "t": taxpayer,
            "contact": contact,
            "changes": changes,
            "sharing": sharing,
            "documents": documents,
            "teguran": teguran,
            "paksa": paksa,
            "payments": payments,
            "owed": owed,
            "collectible": collectible,
            "flags": taxpayer.active_flags(),
            "can_change_number": allowed(user, "contact.change_number"),
            "can_change_status": allowed(user, "contact.change_status"),
            "number_form": ContactNumberForm(),
            "status_form": ContactStatusForm(initial={"status": contact.status if contact else ""}),
        },
    )


@login_required
@require_POST
def contact_number(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff enter a new number (after a data-change request, say): kept in the history and audited."""
    taxpayer = _taxpayer_for(request, pk)
    form = ContactNumberForm(request.POST)
    if form.is_valid():
        _contact, changed = contact_set_number(
            taxpayer=taxpayer,
            phone=form.cleaned_data["phone"],
            source=ContactSource.STAFF,
            actor=request.user,
            channel="web",
            note=form.cleaned_data["note"],
        )
        if changed:
            messages.success(request, _("The WhatsApp number was changed. The change is kept in the contact history."))
        else:
            messages.info(request, _("That is already the registered number; nothing was changed."))
        return redirect("taxpayers:detail", pk=taxpayer.pk)
    for field_errors in form.errors.values():
        for error in field_errors:
            messages.error(request, error)
    return redirect("taxpayers:detail", pk=taxpayer.pk)


@login_required
@require_POST
def contact_status(request: HttpRequest, pk: int) -> HttpResponse:
    taxpayer = _taxpayer_for(request, pk)
    contact = get_object_or_404(Contact, taxpayer=taxpayer)
    form = ContactStatusForm(request.POST)
    if form.is_valid():
        if form.cleaned_data["status"] == contact.status:
            messages.info(request, _("The contact already has that status; nothing was changed."))
        else:
            contact_set_status(
                contact=contact,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
                channel="web",
                source=ContactSource.STAFF,
            )
            messages.success(request, _("The contact status was changed."))
    else:
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, error)
    return redirect("taxpayers:detail", pk=taxpayer.pk)
