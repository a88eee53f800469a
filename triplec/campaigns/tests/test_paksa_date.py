"""The Surat Paksa sentence of the message: a date only while it is still to come when the message may go.

The process clock is NOW (conftest: time-machine), so every date below is relative to it."""

import datetime as dt

import pytest

from triplec.campaigns import message as msg
from triplec.campaigns.models import Target
from triplec.campaigns.selectors import campaign_preview
from triplec.campaigns.services import (
    campaign_approve,
    campaign_create,
    campaign_pause,
    campaign_resume,
    campaign_start,
)
from triplec.core.dates import tanggal
from triplec.messaging.models import OutboundMessage

from .conftest import NOW

ANY_TIME = "Surat Paksa dapat diterbitkan sewaktu-waktu"
TODAY = NOW.date()


def _campaign(office, staff, criterion="b", **fields):
    fields.setdefault("frequency_cap_days", 0)
    return campaign_create(office=office, maker=staff, name="Uji", criterion=criterion, **fields)


def _warning(outbound: OutboundMessage) -> str:
    return outbound.payload[3 + msg.WARNING_PARAM]


def _warnings_by_letter(campaign) -> dict[int, str]:
    return {
        t.letter_id: _warning(t.outbound)
        for t in Target.objects.filter(campaign=campaign, outbound__isnull=False).select_related("outbound")
    }


@pytest.mark.django_db
def test_it_never_gives_a_past_surat_paksa_date_as_a_future_one(
    office, staff, head, approved_templates, letter_factory
):
    past = letter_factory(issued=TODAY - dt.timedelta(days=50), delivered=TODAY - dt.timedelta(days=45))
    # Its date is the day after tomorrow: within the days the message may still go, so no date either.
    close = letter_factory(issued=TODAY - dt.timedelta(days=25), delivered=TODAY - dt.timedelta(days=19))
    future = letter_factory(issued=TODAY - dt.timedelta(days=6), delivered=TODAY - dt.timedelta(days=5))
    campaign = _campaign(office, staff, only_before_paksa=False)
    preview = campaign_preview(campaign)
    assert preview["count"] == 3
    assert preview["past_paksa_date"] == 2
    campaign_approve(campaign=campaign, approver=head)
    campaign_start(campaign=campaign, actor=head)
    warnings = _warnings_by_letter(campaign)
    assert ANY_TIME in warnings[past.pk] and "mulai" not in warnings[past.pk]
    assert ANY_TIME in warnings[close.pk]
    future_date = future.delivered_date + dt.timedelta(days=21)
    assert warnings[future.pk].startswith(
        f"Bila belum dilunasi, Surat Paksa dapat diterbitkan mulai {tanggal(future_date)}"
    )
    campaign.refresh_from_db()
    assert campaign.plan["past_paksa_date"] == 2


@pytest.mark.django_db
def test_it_shows_in_the_criterion_b_and_c_previews_how_many_letters_are_past_their_surat_paksa_date(
    client, office, staff, approved_templates, letter_factory
):
    past = letter_factory(issued=TODAY - dt.timedelta(days=50), delivered=TODAY - dt.timedelta(days=45))
    letter_factory(issued=TODAY - dt.timedelta(days=6), delivered=TODAY - dt.timedelta(days=5))
    client.force_login(staff)
    b = _campaign(office, staff, only_before_paksa=False)
    page = client.get(f"/campaigns/{b.pk}/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert 'id="past-paksa-date"' in page and "lewat tanggal Surat Paksa: 1." in page
    assert ANY_TIME in page  # the sample message of the past letter
    # The samples read as the phone shows them: the total in bold, not wrapped in raw asterisks.
    assert "Jumlah: <strong>Rp" in page and "*Rp" not in page
    c = _campaign(office, staff, criterion="c", npwp_list=past.taxpayer.npwp16)
    page = client.get(f"/campaigns/{c.pk}/").content.decode()
    assert 'id="past-paksa-date"' in page
    a = _campaign(office, staff, criterion="a", days=60)
    assert 'id="past-paksa-date"' not in client.get(f"/campaigns/{a.pk}/").content.decode()


@pytest.mark.django_db
def test_it_rewrites_the_sentence_when_a_paused_campaign_resumes_after_the_date(
    clock, office, staff, head, approved_templates, letter_factory
):
    letter = letter_factory(issued=TODAY - dt.timedelta(days=12), delivered=TODAY - dt.timedelta(days=10))
    campaign = _campaign(office, staff, only_before_paksa=False)
    campaign_approve(campaign=campaign, approver=head)
    campaign_start(campaign=campaign, actor=head)
    assert "mulai" in _warnings_by_letter(campaign)[letter.pk]
    campaign_pause(campaign=campaign, actor=head)
    clock.move_to(NOW + dt.timedelta(days=14))
    campaign_resume(campaign=campaign, actor=head)
    assert ANY_TIME in _warnings_by_letter(campaign)[letter.pk]


def test_it_compares_with_today_when_no_sending_day_is_known(clock):
    notice = msg.Notice(
        name="Budi",
        npwp16="0" * 16,
        letter_number="ST-1",
        letter_date=TODAY - dt.timedelta(days=40),
        delivered_date=TODAY - dt.timedelta(days=30),
        office_name="KPP",
    )
    assert ANY_TIME in msg.paksa_warning(notice)
    notice.delivered_date = TODAY - dt.timedelta(days=1)
    assert "mulai" in msg.paksa_warning(notice)
