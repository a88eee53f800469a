"""Service-level clocks that count office hours only: a message at 16:55 on Friday answered at 08:05 on Monday
took ten office minutes, not a weekend."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db.models import Q

from triplec.offices.models import Holiday, Office


def office_seconds(office: Office, start: dt.datetime, end: dt.datetime) -> int:
    """Seconds between start and end that fall inside the office's opening hours (working days, no holidays)."""
    if end <= start:
        return 0
    tz = zoneinfo.ZoneInfo(office.time_zone)
    a, b = start.astimezone(tz), end.astimezone(tz)
    holidays = (
        set(
            Holiday.objects.filter(
                Q(office=office) | Q(office__isnull=True), date__range=(a.date(), b.date())
            ).values_list("date", flat=True)
        )
        if (b.date() - a.date()).days or a.weekday() in office.working_days
        else set()
    )
    total = 0.0
    day = a.date()
    while day <= b.date():
        if day.weekday() in office.working_days and day not in holidays:
            opens = dt.datetime.combine(day, office.opens_at, tz)
            closes = dt.datetime.combine(day, office.closes_at, tz)
            lo, hi = max(opens, a), min(closes, b)
            if hi > lo:
                total += (hi - lo).total_seconds()
        day += dt.timedelta(days=1)
    return int(total)


def first_response_target() -> int:
    return settings.INBOX_FIRST_RESPONSE_MINUTES * 60


def resolution_target() -> int:
    return settings.INBOX_RESOLUTION_MINUTES * 60


def clocks(conversation, *, now: dt.datetime) -> dict:
    """The two clocks of a conversation as of `now` (a clock is passed in, never read here, so tests can move it).

    Both start when the conversation reached the inbox (handoff), or when it opened if it never went through
    the bot. First response stops at the officer's first reply; resolution at resolved_at.
    """
    start = conversation.handed_off_at or conversation.opened_at
    fr_end = conversation.first_response_at or now
    res_end = conversation.resolved_at or now
    fr = office_seconds(conversation.office, start, fr_end)
    res = office_seconds(conversation.office, start, res_end)
    return {
        "first_response_seconds": fr,
        "first_response_done": conversation.first_response_at is not None,
        "first_response_breached": fr > first_response_target(),
        "resolution_seconds": res,
        "resolution_done": conversation.resolved_at is not None,
        "resolution_breached": res > resolution_target(),
    }
