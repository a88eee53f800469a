"""Service-level clocks count office hours only (Mon–Fri 08:00–16:00 WITA, holidays off); the clock is passed."""

import datetime as dt
import zoneinfo

import pytest

from triplec.conversations.models import ConversationState
from triplec.inbox import services
from triplec.inbox.models import SlaRecord
from triplec.inbox.sla import clocks, office_seconds
from triplec.offices.models import Holiday
from triplec.tests.support import make_office

from .factories import conversation, officer

pytestmark = pytest.mark.django_db
WITA = zoneinfo.ZoneInfo("Asia/Makassar")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=WITA)  # 2026-11-27 is a Friday


def test_it_counts_only_office_hours_across_a_weekend():
    office = make_office()
    assert office_seconds(office, at(27, 15, 55), at(30, 8, 5)) == 10 * 60
    assert office_seconds(office, at(28, 9), at(29, 12)) == 0  # Saturday to Sunday
    assert office_seconds(office, at(26, 7), at(26, 17)) == 8 * 3600


def test_it_skips_holidays():
    office = make_office()
    Holiday.objects.create(date=dt.date(2026, 11, 30), name="Libur")
    assert office_seconds(office, at(27, 15), dt.datetime(2026, 12, 1, 9, tzinfo=WITA)) == 2 * 3600


def test_it_flags_a_breached_first_response_and_stores_the_officers_figures(settings):
    settings.INBOX_FIRST_RESPONSE_MINUTES = 30
    office = make_office()
    a = officer("petugas_a", office)
    c = conversation(office, assigned_to=a, state=ConversationState.OPEN)
    c.handed_off_at = c.opened_at = at(27, 15, 50)
    c.save()
    assert not clocks(c, now=at(27, 15, 59))["first_response_breached"]
    assert not clocks(c, now=at(30, 8, 15))["first_response_breached"]  # 10 + 15 office minutes
    assert clocks(c, now=at(30, 8, 30))["first_response_breached"]
    c.first_response_at = at(30, 8, 25)
    c.resolved_at = at(30, 9, 0)
    c.state = ConversationState.RESOLVED
    c.save()
    record = services.inbox_sla_record(conversation=c, now=at(30, 9, 0))
    assert (record.first_response_seconds, record.first_response_breached) == (35 * 60, True)
    assert (record.resolution_seconds, record.resolution_breached) == (70 * 60, False)
    assert SlaRecord.objects.get(officer=a) == record
