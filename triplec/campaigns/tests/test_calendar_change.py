"""Office hours changed in the console apply to queued campaign messages at once, and the campaign page says
when sending starts and ends in the office's zone. The process clock is moved by time-machine (conftest)."""

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from triplec.accounts.roles import Role
from triplec.campaigns.selectors import sending_window
from triplec.campaigns.services import campaign_approve, campaign_create, campaign_start
from triplec.messaging.dispatcher import Dispatcher
from triplec.messaging.models import OutboundMessage
from triplec.offices.services import office_update_hours
from triplec.tests.support import make_user

from .conftest import WITA

# A Tuesday, 23:53 in Kupang: the office is closed until Wednesday 08:00.
LATE = dt.datetime(2026, 10, 6, 23, 53, tzinfo=WITA)


def _start_late(clock, office, staff, head, letter_factory, n=3):
    for _ in range(n):
        letter_factory()
    clock.move_to(LATE, tick=False)
    campaign = campaign_create(office=office, maker=staff, name="Malam", criterion="a", days=30, frequency_cap_days=0)
    campaign_approve(campaign=campaign, approver=head)
    campaign_start(campaign=campaign, actor=head)
    return campaign


@pytest.mark.django_db
def test_it_says_when_sending_starts_and_ends_in_wita_when_started_after_hours(
    client, clock, office, staff, head, approved_templates, letter_factory
):
    campaign = _start_late(clock, office, staff, head, letter_factory)
    client.force_login(staff)
    page = client.get(f"/campaigns/{campaign.pk}/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    # Three messages go in the first minute of the morning: one moment, not "starts 08.00 and ends by 08.00".
    assert "Semua pesan dikirim Rabu, 7 Oktober 2026 pukul 08.00 WITA." in page
    assert "selesai paling lambat" not in page
    assert "Kantor sedang tutup" in page
    progress = client.get(f"/campaigns/{campaign.pk}/progress/").content.decode()
    assert "Semua pesan dikirim Rabu, 7 Oktober 2026 pukul 08.00 WITA." in progress


@pytest.mark.django_db
def test_it_moves_queued_messages_at_once_when_the_hours_change(
    client, clock, office, staff, head, approved_templates, letter_factory
):
    campaign = _start_late(clock, office, staff, head, letter_factory)
    assert {m.next_attempt_at.astimezone(WITA).strftime("%d %H:%M") for m in OutboundMessage.objects.all()} == {
        "07 08:00"
    }
    client.force_login(head)
    response = client.post(
        "/office/calendar/", {"opens_at": "06:30", "closes_at": "16:00", "working_days": ["0", "1", "2", "3", "4"]}
    )
    assert response.status_code == 302
    times = [m.next_attempt_at.astimezone(WITA) for m in OutboundMessage.objects.all()]
    assert {t.strftime("%d %H:%M") for t in times} == {"07 06:30"}
    page = client.get(f"/campaigns/{campaign.pk}/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Semua pesan dikirim Rabu, 7 Oktober 2026 pukul 06.30 WITA." in page
    # Wednesday off: the messages wait for Thursday.
    office_update_hours(
        office=office, opens_at=dt.time(8), closes_at=dt.time(16), working_days=[0, 1, 3, 4], actor=head
    )
    assert {m.next_attempt_at.astimezone(WITA).date() for m in OutboundMessage.objects.all()} == {dt.date(2026, 10, 8)}


@pytest.mark.django_db
def test_it_makes_a_running_dispatcher_read_the_new_hours_without_a_restart(clock, office, channel, head):
    clock.move_to(dt.datetime(2026, 10, 6, 17, 0, tzinfo=WITA), tick=False)  # Tuesday 17:00, after closing
    dispatcher = Dispatcher(threads=1)
    try:
        assert not dispatcher._office_open(dispatcher._channel(channel.pk))
        office_update_hours(
            office=office, opens_at=dt.time(8), closes_at=dt.time(18), working_days=[0, 1, 2, 3, 4], actor=head
        )
        dispatcher._last_office_check = 0.0  # the check runs at most once a second
        dispatcher._refresh_offices()
        assert dispatcher._office_open(dispatcher._channel(channel.pk))
    finally:
        dispatcher.pool.shutdown()


@pytest.mark.django_db
def test_it_lets_only_section_heads_and_administrators_change_the_calendar(client, office, staff):
    client.force_login(staff)
    assert client.get("/office/calendar/").status_code == 403
    assert client.post("/office/calendar/national/").status_code == 403
    client.force_login(make_user("admin9", Role.ADMINISTRATOR, office=office))
    assert client.get("/office/calendar/").status_code == 200


@pytest.mark.django_db
def test_it_says_what_happens_when_a_campaign_not_yet_started_is_started_in_office_hours(
    client, office, staff, head, approved_templates, letter_factory
):
    """Tuesday 09:00, the office open: a campaign awaiting approval is not "under way"; started now, it sends at
    once. Each action's message names what was done, in Indonesian."""
    letter_factory()
    campaign = campaign_create(office=office, maker=staff, name="Pagi", criterion="a", days=30, frequency_cap_days=0)
    client.force_login(staff)
    page = client.post(f"/campaigns/{campaign.pk}/submit/", follow=True).content.decode()
    assert "Kampanye diajukan untuk persetujuan." in page
    assert "Bila dimulai, semua pesan langsung dikirim." in page  # one message: nothing to end later
    assert "sedang berjalan" not in page and "Selesai:" not in page
    assert "pesan per detik)" in page and "(waktu " not in page
    client.force_login(head)
    assert "Kampanye disetujui." in client.post(f"/campaigns/{campaign.pk}/approve/", follow=True).content.decode()
    progress = client.post(f"/campaigns/{campaign.pk}/start/", follow=True).content.decode()
    assert "Kampanye dimulai." in progress
    assert "Pengiriman sedang berjalan dan selesai paling lambat Selasa, 6 Oktober 2026" in progress


@pytest.mark.django_db
def test_it_names_a_start_and_an_end_when_sending_takes_longer_than_a_minute(office, staff):
    campaign = campaign_create(office=office, maker=staff, name="Besar", criterion="a", days=30, frequency_cap_days=0)
    first, last = dt.datetime(2026, 10, 7, 9, 0, tzinfo=WITA), dt.datetime(2026, 10, 7, 11, 30, tzinfo=WITA)
    window = sending_window(campaign, first=first, last=last, now=LATE)
    assert not window["one_minute"]
    with translation.override("id"):
        html = render_to_string("campaigns/_window.html", {"window": window})
    assert "Pengiriman dimulai Rabu, 7 Oktober 2026 pukul 09.00 WITA dan selesai paling lambat" in html
    assert "Rabu, 7 Oktober 2026 pukul 11.30 WITA." in html
