"""The minute job: scheduled campaigns start by themselves, progress reaches the targets, finished ones complete."""

import datetime as dt

import pytest
from django.utils import timezone

from triplec.campaigns import tasks
from triplec.campaigns.models import Campaign, CampaignState, Target, TargetStatus
from triplec.campaigns.services import campaign_approve, campaign_create, campaigns_tick
from triplec.messaging.models import OutboundMessage, State

from .conftest import NOW


def _scheduled(office, staff, name: str, start: dt.datetime):
    return campaign_create(
        office=office, maker=staff, name=name, criterion="a", frequency_cap_days=0, scheduled_start=start
    )


@pytest.mark.django_db
def test_it_starts_due_campaigns_syncs_progress_and_completes_them(
    office, staff, head, approved_templates, letter_factory
):
    letter_factory()
    letter_factory()
    due = _scheduled(office, staff, "Terjadwal", NOW - dt.timedelta(minutes=5))
    later = _scheduled(office, staff, "Nanti", NOW + dt.timedelta(days=1))
    unapproved = _scheduled(office, staff, "Belum", NOW - dt.timedelta(minutes=5))
    campaign_approve(campaign=due, approver=head)
    campaign_approve(campaign=later, approver=head)

    result = campaigns_tick(now=NOW)
    assert result["started"] == [due.pk] and result["synced"] == 1
    assert Campaign.objects.get(pk=later.pk).state == CampaignState.APPROVED
    assert Campaign.objects.get(pk=unapproved.pk).state == CampaignState.DRAFT
    assert Campaign.objects.get(pk=due.pk).state == CampaignState.RUNNING
    first, second = OutboundMessage.objects.order_by("id")
    OutboundMessage.objects.filter(pk=first.pk).update(
        state=State.DELIVERED, sent_at=timezone.now(), delivered_at=timezone.now()
    )
    assert campaigns_tick(now=NOW)["started"] == []
    statuses = dict(Target.objects.filter(campaign=due).values_list("outbound_id", "status"))
    assert statuses == {first.pk: TargetStatus.DELIVERED, second.pk: TargetStatus.QUEUED}
    assert Campaign.objects.get(pk=due.pk).state == CampaignState.RUNNING
    OutboundMessage.objects.filter(pk=second.pk).update(state=State.FAILED, error_reason="Nomor WhatsApp salah")
    campaigns_tick(now=NOW)
    assert Campaign.objects.get(pk=due.pk).state == CampaignState.COMPLETED
    assert Target.objects.get(outbound_id=second.pk).status == TargetStatus.FAILED


def test_it_registers_the_tick_as_a_periodic_task():
    task = tasks.campaigns_every_minute.task_class()
    assert all(task.validate_datetime(dt.datetime(2026, 10, 6, 9, minute)) for minute in range(60))
