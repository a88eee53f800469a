"""Office settings in the console: hours, working days and holidays. Section heads and administrators change
them (the same role check as the rest of the console); the services apply a change to queued messages at once."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from triplec.accounts.permissions import allowed
from triplec.offices.hours import hours_text
from triplec.offices.models import Holiday, Office
from triplec.offices.services import (
    CalendarError,
    holiday_add,
    holiday_delete,
    holidays_load_national,
    office_update_hours,
)

from .forms_office import HolidayForm, OfficeHoursForm


def may_edit_calendar(user) -> bool:
    return allowed(user, "office.calendar")


def _office(request) -> Office:
    """The user's own office; an administrator without one picks it with ?office=<id>."""
    if not may_edit_calendar(request.user):
        raise PermissionDenied
    if request.user.office_id:
        return request.user.office
    if not request.user.is_administrator:
        raise PermissionDenied
    pk = request.GET.get("office") or request.POST.get("office")
    office = (
        Office.objects.filter(pk=pk).first() if pk and str(pk).isdigit() else Office.objects.order_by("code").first()
    )
    if office is None:
        raise Http404
    return office


def _back(office: Office) -> str:
    return f"{reverse('console:office_calendar')}?office={office.pk}"


@login_required
def office_calendar(request):
    office = _office(request)
    hours_form = OfficeHoursForm(
        request.POST or None,
        initial={"opens_at": office.opens_at, "closes_at": office.closes_at, "working_days": office.working_days},
    )
    if request.method == "POST" and hours_form.is_valid():
        try:
            office_update_hours(office=office, actor=request.user, **hours_form.cleaned_data)
        except CalendarError as exc:
            hours_form.add_error(exc.field or None, exc.message)
        else:
            messages.success(request, _("Office hours saved. Queued messages follow them at once."))
            return redirect(_back(office))
    today = timezone.localdate()
    holidays = (
        Holiday.objects.filter(Q(office=office) | Q(office__isnull=True), date__gte=dt.date(today.year, 1, 1))
        .select_related("office")
        .order_by("date")
    )
    return render(
        request,
        "console/office_calendar.html",
        {
            "office": office,
            "hours_form": hours_form,
            "holiday_form": HolidayForm(),
            "holidays": holidays,
            "hours_text": hours_text(office),
            "offices": Office.objects.all() if request.user.office_id is None else [],
            "today": today,
        },
    )


@login_required
@require_POST
def office_holiday_add(request):
    office = _office(request)
    form = HolidayForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Holiday not added: give its date and name."))
    else:
        try:
            holiday_add(office=office, actor=request.user, **form.cleaned_data)
        except CalendarError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Holiday added."))
    return redirect(_back(office))


@login_required
@require_POST
def office_holiday_delete(request, pk: int):
    office = _office(request)
    holiday = get_object_or_404(Holiday.objects.filter(Q(office=office) | Q(office__isnull=True)), pk=pk)
    if holiday.office_id is None and not request.user.is_administrator:
        raise PermissionDenied  # a national holiday closes every office: only an administrator removes it
    holiday_delete(holiday=holiday, actor=request.user)
    messages.success(request, _("Holiday removed."))
    return redirect(_back(office))


@login_required
@require_POST
def office_national_holidays(request):
    office = _office(request)
    added = holidays_load_national(actor=request.user, channel="web")
    messages.success(request, _("National holidays of this year and next loaded: %(n)s new days.") % {"n": added})
    return redirect(_back(office))
