"""Changes to an office's calendar: hours, working days, its own holidays and the national ones.

Every change touches the office's `updated_at` (the dispatcher compares it to drop what it holds) and sends
`calendar_changed`, on which the campaigns plan their queued messages again (campaigns/receivers.py): a change
applies to messages already queued, at once.
"""

import datetime as dt

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from triplec.audit.services import audit_record
from triplec.core.phrases import Phrase

from .models import Holiday, Office

# Sent after the calendar of `office` changed (hours, working days or holidays), inside the transaction.
calendar_changed = Signal()

DAY_NAMES = [
    Phrase("Monday"),
    Phrase("Tuesday"),
    Phrase("Wednesday"),
    Phrase("Thursday"),
    Phrase("Friday"),
    Phrase("Saturday"),
    Phrase("Sunday"),
]


class CalendarError(Exception):
    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message, self.field = message, field


def _changed(offices, *, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    offices = list(offices)
    Office.objects.filter(pk__in=[o.pk for o in offices]).update(updated_at=now)
    for office in offices:
        office.updated_at = now
        calendar_changed.send(sender=Office, office=office)


@transaction.atomic
def office_update_hours(
    *, office: Office, opens_at: dt.time, closes_at: dt.time, working_days: list[int], actor, channel: str = "web"
) -> Office:
    """Opening hours and working days (0 = Monday … 6 = Sunday), in the office's own zone. Audited."""
    days = sorted({int(d) for d in working_days})
    if not days or any(d < 0 or d > 6 for d in days):
        raise CalendarError("Pilih sedikitnya satu hari kerja.", "working_days")
    if opens_at >= closes_at:
        raise CalendarError("Jam buka harus lebih awal daripada jam tutup.", "closes_at")
    office = Office.objects.select_for_update().get(pk=office.pk)
    before = {
        "opens_at": office.opens_at.isoformat(timespec="minutes"),
        "closes_at": office.closes_at.isoformat(timespec="minutes"),
        "working_days": office.working_days,
    }
    office.opens_at, office.closes_at, office.working_days = opens_at, closes_at, days
    office.save(update_fields=["opens_at", "closes_at", "working_days", "updated_at"])
    after = {
        "opens_at": opens_at.isoformat(timespec="minutes"),
        "closes_at": closes_at.isoformat(timespec="minutes"),
        "working_days": days,
    }
    summary = Phrase(
        "office hours of %(office)s: %(opens)s–%(closes)s, days %(days)s",
        office=office.code,
        opens=after["opens_at"],
        closes=after["closes_at"],
        days=[DAY_NAMES[d] for d in days],
    )
    detail = {"before": before, "after": after}
    audit_record(
        action="office.hours", actor=actor, obj=office, office=office, channel=channel, summary=summary, detail=detail
    )
    _changed([office], now=office.updated_at)
    return office


@transaction.atomic
def holiday_add(*, office: Office, date: dt.date, name: str, actor, channel: str = "web") -> Holiday:
    """A day this office is closed (its own, e.g. a local holiday)."""
    name = (name or "").strip()
    if not name:
        raise CalendarError("Nama hari libur wajib diisi.", "name")
    holiday, created = Holiday.objects.get_or_create(office=office, date=date, defaults={"name": name[:200]})
    if not created:
        raise CalendarError(f"Tanggal {date:%d/%m/%Y} sudah tercatat sebagai hari libur kantor ini.", "date")
    summary = Phrase("holiday %(date)s %(name)s added", date=f"{date:%d/%m/%Y}", name=name)
    detail = {"date": date.isoformat(), "name": name}
    audit_record(action="office.holiday_add", actor=actor, obj=holiday, channel=channel, summary=summary, detail=detail)
    _changed([office])
    return holiday


@transaction.atomic
def holiday_delete(*, holiday: Holiday, actor, channel: str = "web") -> None:
    """Remove a holiday. A national one (no office) reopens that day for every office."""
    offices = [holiday.office] if holiday.office_id else list(Office.objects.all())
    summary = Phrase("holiday %(date)s %(name)s removed", date=f"{holiday.date:%d/%m/%Y}", name=holiday.name)
    detail = {"date": holiday.date.isoformat(), "name": holiday.name, "national": holiday.office_id is None}
    audit_record(
        action="office.holiday_delete", actor=actor, obj=holiday, channel=channel, summary=summary, detail=detail
    )
    holiday.delete()
    _changed(offices)


def national_holidays(years: list[int]) -> list[tuple[dt.date, str]]:
    """Indonesia's national holidays (libur nasional) and collective leave (cuti bersama, the government
    category) for these years, with their Indonesian names, from the `holidays` package."""
    import holidays  # lazy for start-up time: only loading the national holidays needs the package

    days = holidays.country_holidays("ID", years=years, language="id", categories=("public", "government"))
    return sorted(days.items())


@transaction.atomic
def holidays_load_national(*, years: list[int] | None = None, actor=None, channel: str = "cli") -> int:
    """Load the national holidays of this year and next (or `years`) for every office; idempotent. Returns how
    many days were added."""
    if years is None:
        this_year = timezone.localdate().year
        years = [this_year, this_year + 1]
    existing = set(Holiday.objects.filter(office__isnull=True, date__year__in=years).values_list("date", flat=True))
    new = [
        Holiday(office=None, date=day, name=name[:200]) for day, name in national_holidays(years) if day not in existing
    ]
    if not new:
        return 0
    Holiday.objects.bulk_create(new)
    summary = Phrase("national holidays %(years)s loaded: %(n)s new days", years=", ".join(map(str, years)), n=len(new))
    detail = {"years": years, "added": [h.date.isoformat() for h in new]}
    audit_record(action="office.national_holidays", actor=actor, channel=channel, summary=summary, detail=detail)
    _changed(Office.objects.all())
    return len(new)
