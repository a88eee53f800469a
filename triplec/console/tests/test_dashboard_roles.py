"""The home page per role: each role sees the figures it acts on, and every figure links to the list behind it."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from triplec.accounts.roles import Role
from triplec.campaigns.models import Campaign, CampaignState
from triplec.campaigns.services import campaign_create
from triplec.conversations.models import Conversation, ConversationState
from triplec.inbox.tests.factories import conversation
from triplec.tests.support import make_office, make_taxpayer, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return make_office("922")


def home(client, user) -> str:
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def figure(body: str, label: str) -> tuple[str, str]:
    """(href, value) of the figure tile with this label."""
    match = re.search(
        r'<a class="stat[^"]*" href="([^"]+)"><span class="label">'
        + re.escape(label)
        + r'</span><span class="value">([^<]+)</span>',
        body,
    )
    assert match, f"no linked figure {label!r}"
    return match.group(1), match.group(2)


def test_it_shows_the_section_head_approvals_backlog_and_sla_breaches_with_links(client, office):
    staff = make_user("staf", Role.COLLECTION_STAFF, office=office)
    kasi = make_user("kasi", Role.SECTION_HEAD, office=office)
    campaign = campaign_create(office=office, maker=staff, name="Teguran baru", criterion="a")
    Campaign.objects.filter(pk=campaign.pk).update(state=CampaignState.PENDING)
    conversation(office, wa_id="6281111111111")
    late = conversation(office, wa_id="6282222222222")
    long_ago = timezone.now() - dt.timedelta(days=30)
    Conversation.objects.filter(pk=late.pk).update(handed_off_at=long_ago, opened_at=long_ago)
    body = home(client, kasi)
    assert figure(body, "Kampanye menunggu persetujuan Anda") == ("/campaigns/#to-approve", "1")
    assert figure(body, "Antrean kotak masuk (belum ditugaskan)") == ("/inbox/?view=unassigned", "2")
    assert figure(body, "Percakapan melewati batas SLA") == ("/inbox/?view=office", "1")
    assert "Wajib pajak saya" not in body


def test_it_shows_the_account_representative_own_taxpayers_and_open_conversations(client, office):
    ar = make_user("ar1", Role.ACCOUNT_REPRESENTATIVE, office=office)
    other = make_user("ar2", Role.ACCOUNT_REPRESENTATIVE, office=office)
    make_taxpayer(office, name="Milik AR1", account_representative=ar)
    make_taxpayer(office, name="Milik AR2", account_representative=other)
    conversation(office, wa_id="6281111111111", state=ConversationState.OPEN, assigned_to=ar)
    conversation(office, wa_id="6282222222222", state=ConversationState.OPEN, assigned_to=other)
    body = home(client, ar)
    assert figure(body, "Wajib pajak saya") == (f"/debts/?ar={ar.pk}", "1")
    assert figure(body, "Percakapan saya yang terbuka") == ("/inbox/?view=mine", "1")
    assert "Kampanye menunggu persetujuan Anda" not in body and "Percakapan melewati batas SLA" not in body


def test_it_shows_the_office_head_the_office_overview(client, office):
    kakpp = make_user("kakpp", Role.OFFICE_HEAD, office=office)
    staff = make_user("staf", Role.COLLECTION_STAFF, office=office)
    campaign = campaign_create(office=office, maker=staff, name="Berjalan", criterion="a")
    Campaign.objects.filter(pk=campaign.pk).update(state=CampaignState.RUNNING)
    conversation(office, wa_id="6281111111111", state=ConversationState.OPEN)
    body = home(client, kakpp)
    assert figure(body, "Kampanye berjalan") == ("/campaigns/", "1")
    assert figure(body, "Percakapan terbuka di kantor") == ("/inbox/?view=office", "1")
    assert figure(body, "Percakapan melewati batas SLA")[0] == "/inbox/?view=office"
    assert "Kampanye menunggu persetujuan Anda" not in body


def test_it_links_every_office_figure_to_its_list(client, office):
    body = home(client, make_user("staf", Role.COLLECTION_STAFF, office=office))
    assert "data-role-figures" not in body
    stats = body[body.index('aria-label="Angka"') :]
    stats = stats[: stats.index("</section>")]
    assert stats.count('<a class="stat') == 6 and '<div class="stat' not in stats
    assert figure(body, "Wajib Pajak")[0] == "/taxpayers/"
    assert figure(body, "Pembayaran bulan ini")[0] == "/collect/payments/"
