"""Office hours in the office's own time zone: when bulk messages may go out, when officers are back."""

import datetime as dt
import zoneinfo

from django.db.models import Q

from .models import Holiday, Office


def _holidays(office: Office, start: dt.date, end: dt.date) -> set[dt.date]:
    return set(
        Holiday.objects.filter(Q(office=office) | Q(office__isnull=True), date__range=(start, end)).values_list(
            "date", flat=True
        )
    )


def is_open(office: Office, at: dt.datetime) -> bool:
    local = at.astimezone(zoneinfo.ZoneInfo(office.time_zone))
    if local.weekday() not in office.working_days or local.date() in _holidays(office, local.date(), local.date()):
        return False
    return office.opens_at <= local.time() < office.closes_at


def next_opening(office: Office, at: dt.datetime) -> dt.datetime:
    """The first moment at or after `at` when the office is open (aware, in the office's zone)."""
    tz = zoneinfo.ZoneInfo(office.time_zone)
    local = at.astimezone(tz)
    holidays = _holidays(office, local.date(), local.date() + dt.timedelta(days=60))
    day = local.date()
    for _ in range(60):
        if day.weekday() in office.working_days and day not in holidays:
            opens = dt.datetime.combine(day, office.opens_at, tz)
            closes = dt.datetime.combine(day, office.closes_at, tz)
            if local < opens:
                return opens
            if local < closes:
                return local
        day += dt.timedelta(days=1)
    raise ValueError(f"office {office.code} has no working day in the next 60 days")
