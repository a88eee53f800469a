"""Campaign roles, written as the attacks were made: the bailiff starting an approved campaign through the API,
a service officer through the console, anyone but the section-head level pausing or cancelling, and roles
outside collection reading previews with names and amounts."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from triplec.accounts.roles import Role
from triplec.api.models import ApiToken
from triplec.audit.models import AuditEntry
from triplec.campaigns.models import CampaignState
from triplec.campaigns.services import CampaignError, campaign_approve, campaign_create, campaign_start
from triplec.messaging.models import OutboundMessage
from triplec.tests.support import make_user

from .conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(office, staff, head, approved_templates, letter_factory):
    letter_factory(name="Yohanes Rahasia")
    campaign = campaign_create(office=office, maker=staff, name="Teguran", criterion="a", frequency_cap_days=0)
    return campaign_approve(campaign=campaign, approver=head)


def test_it_refuses_the_bailiff_starting_an_approved_campaign_through_the_api(client, office, approved):
    jurusita = make_user("jurusita", Role.BAILIFF, office=office)
    raw = ApiToken.issue(user=jurusita, name="t")[1]
    response = client.post(f"/api/v1/campaigns/{approved.pk}/start", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    approved.refresh_from_db()
    assert approved.state == CampaignState.APPROVED and not OutboundMessage.objects.exists()


def test_it_refuses_a_service_officer_starting_an_approved_campaign_in_the_console(client, office, approved):
    client.force_login(make_user("petugas1", Role.SERVICE_OFFICER, office=office))
    assert client.post(f"/campaigns/{approved.pk}/start/").status_code == 403
    approved.refresh_from_db()
    assert approved.state == CampaignState.APPROVED and not OutboundMessage.objects.exists()


@pytest.mark.parametrize(
    "role",
    [
        Role.COLLECTION_STAFF,
        Role.OFFICE_HEAD,
        Role.ACCOUNT_REPRESENTATIVE,
        Role.SERVICE_OFFICER,
        Role.BAILIFF,
        Role.ADMINISTRATOR,
    ],
)
def test_it_lets_only_the_section_head_level_start_pause_resume_or_cancel(office, approved, head, role):
    actor = make_user(f"u_{role}", role, office=office)
    with pytest.raises(CampaignError) as exc:
        campaign_start(campaign=approved, actor=actor, now=NOW)
    assert exc.value.code == "forbidden" and not OutboundMessage.objects.exists()
    with pytest.raises(CommandError, match="forbidden"):
        call_command("campaign", "start", str(approved.pk), "--as", actor.username)
    campaign_start(campaign=approved, actor=head, now=NOW)
    from triplec.campaigns.services import campaign_cancel, campaign_pause

    for action in (campaign_pause, campaign_cancel):
        with pytest.raises(CampaignError, match="Kepala Seksi"):
            action(campaign=approved, actor=actor)


@pytest.mark.parametrize("role", [Role.ACCOUNT_REPRESENTATIVE, Role.SERVICE_OFFICER])
def test_it_hides_campaigns_and_their_previews_from_roles_outside_collection(client, office, approved, role):
    user = make_user(f"u_{role}", role, office=office)
    client.force_login(user)
    for url in ("/campaigns/", f"/campaigns/{approved.pk}/", f"/campaigns/{approved.pk}/progress/"):
        response = client.get(url)
        assert response.status_code == 403 and "Yohanes Rahasia" not in response.content.decode(), url
    raw = ApiToken.issue(user=user, name="t")[1]
    preview = client.get(f"/api/v1/campaigns/{approved.pk}/preview", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert preview.status_code == 403 and "Yohanes" not in preview.content.decode()
    with pytest.raises(CommandError, match="forbidden"):
        call_command("campaign", "preview", str(approved.pk), "--as", user.username)
    assert not AuditEntry.objects.filter(action="campaign.preview").exists()


def test_it_audits_every_campaign_preview_in_the_console_the_api_and_the_command_line(client, office, approved, head):
    client.force_login(head)
    assert client.get(f"/campaigns/{approved.pk}/").context["preview"] is not None
    raw = ApiToken.issue(user=head, name="t")[1]
    assert client.get(f"/api/v1/campaigns/{approved.pk}/preview", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    from io import StringIO

    call_command("campaign", "preview", str(approved.pk), "--as", head.username, stdout=StringIO())
    entries = AuditEntry.objects.filter(action="campaign.preview", office=office, actor=head)
    assert sorted(entries.values_list("channel", flat=True)) == ["api", "cli", "web"]
