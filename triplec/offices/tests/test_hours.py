import datetime as dt
import zoneinfo

import pytest

from triplec.offices.hours import is_open, next_opening
from triplec.offices.models import Holiday, Office

WITA = zoneinfo.ZoneInfo("Asia/Makassar")
pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return Office.objects.create(code="922", name="KPP Pratama Kupang")


def test_it_is_open_on_weekdays_between_eight_and_four_wita(office):
    monday = dt.datetime(2026, 11, 30, 8, 0, tzinfo=WITA)
    assert is_open(office, monday)
    assert is_open(office, monday.replace(hour=15, minute=59))
    assert not is_open(office, monday.replace(hour=16))
    assert not is_open(office, monday.replace(hour=7, minute=59))


def test_it_judges_hours_in_the_office_zone_not_utc(office):
    # 00:30 UTC is 08:30 WITA
    assert is_open(office, dt.datetime(2026, 11, 30, 0, 30, tzinfo=dt.UTC))
    # 08:30 UTC is 16:30 WITA
    assert not is_open(office, dt.datetime(2026, 11, 30, 8, 30, tzinfo=dt.UTC))


def test_it_is_closed_on_weekends_and_holidays(office):
    Holiday.objects.create(date=dt.date(2026, 12, 25), name="Hari Raya Natal")
    assert not is_open(office, dt.datetime(2026, 11, 28, 10, tzinfo=WITA))  # Saturday
    assert not is_open(office, dt.datetime(2026, 12, 25, 10, tzinfo=WITA))  # national holiday, a Friday


def test_it_finds_the_next_opening_across_a_weekend_and_a_holiday(office):
    Holiday.objects.create(office=office, date=dt.date(2026, 12, 28), name="Cuti bersama (kantor)")
    friday_evening = dt.datetime(2026, 12, 25, 17, tzinfo=WITA)
    assert next_opening(office, friday_evening) == dt.datetime(2026, 12, 29, 8, tzinfo=WITA)


def test_it_returns_now_when_the_office_is_open(office):
    now = dt.datetime(2026, 11, 30, 10, 15, tzinfo=WITA)
    assert next_opening(office, now) == now


def test_an_office_holiday_does_not_close_other_offices(office):
    other = Office.objects.create(code="923", name="KPP Pratama Atambua")
    Holiday.objects.create(office=office, date=dt.date(2026, 11, 30), name="Local")
    at = dt.datetime(2026, 11, 30, 10, tzinfo=WITA)
    assert not is_open(office, at) and is_open(other, at)
