"""The office calendar in the console: working days as checkboxes with Indonesian names, holidays, and the
national holidays (libur nasional and cuti bersama) loaded for this year and next."""

import datetime as dt

import pytest
from django.utils import timezone

from triplec.accounts.roles import Role
from triplec.offices.models import Holiday
from triplec.offices.services import holidays_load_national, national_holidays
from triplec.tests.support import make_office, make_user

pytestmark = pytest.mark.django_db


def test_it_knows_indonesian_national_holidays_and_cuti_bersama():
    days = dict(national_holidays([2026]))
    assert days[dt.date(2026, 8, 17)] == "Hari Kemerdekaan Republik Indonesia"
    assert "Cuti Bersama" in days[dt.date(2026, 12, 24)]


def test_it_loads_this_year_and_next_once():
    make_office()
    this_year = timezone.localdate().year
    added = holidays_load_national()
    assert added > 20
    assert set(Holiday.objects.filter(office__isnull=True).values_list("date__year", flat=True)) == {
        this_year,
        this_year + 1,
    }
    assert holidays_load_national() == 0


def test_it_shows_working_days_as_checkboxes_with_indonesian_names(client):
    office = make_office()
    client.force_login(make_user("kasi", Role.SECTION_HEAD, office=office))
    page = client.get("/office/calendar/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert page.count('type="checkbox" name="working_days"') == 7
    for name in ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"):
        assert name in page
    assert "[0, 1, 2, 3, 4]" not in page
    assert "Muat hari libur nasional" in page


def test_it_loads_national_holidays_and_adds_an_office_holiday_from_the_console(client):
    office = make_office()
    client.force_login(make_user("kasi", Role.SECTION_HEAD, office=office))
    before = office.updated_at
    assert client.post("/office/calendar/national/").status_code == 302
    assert Holiday.objects.filter(office__isnull=True).exists()
    day = timezone.localdate() + dt.timedelta(days=40)
    client.post("/office/calendar/holidays/", {"date": day.isoformat(), "name": "Hari Jadi Kota Kupang"})
    assert Holiday.objects.get(office=office).date == day
    office.refresh_from_db()
    assert office.updated_at > before
    page = client.get("/office/calendar/").content.decode()
    assert "Hari Jadi Kota Kupang" in page


def test_it_refuses_hours_that_close_before_they_open(client):
    office = make_office()
    client.force_login(make_user("kasi", Role.SECTION_HEAD, office=office))
    response = client.post("/office/calendar/", {"opens_at": "16:00", "closes_at": "08:00", "working_days": ["0"]})
    assert response.status_code == 200
    office.refresh_from_db()
    assert office.opens_at == dt.time(8)
