"""Office hours in the office's own time zone: when bulk messages may go out, when officers are back."""

import datetime as dt
import zoneinfo

from django.db.models import Q

from triplec.core.dates import ZONE_NAMES

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


DAY_NAMES = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]


def hours_text(office: Office) -> str:
    """ "Senin–Jumat pukul 08.00–16.00 WITA": the office's days and hours in its own zone."""
    days = sorted(office.working_days)
    if not days:
        return "-"
    span = (
        f"{DAY_NAMES[days[0]]}–{DAY_NAMES[days[-1]]}"
        if len(days) > 1 and days == list(range(days[0], days[-1] + 1))
        else ", ".join(DAY_NAMES[d] for d in days)
    )
    zone = ZONE_NAMES.get(office.time_zone, office.time_zone)
    return f"{span} pukul {office.opens_at:%H.%M}–{office.closes_at:%H.%M} {zone}"
