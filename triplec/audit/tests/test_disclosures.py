"""Every view that discloses taxpayer data writes one audit entry, under the office (and taxpayer) whose data was
shown: detail pages, search results, lists, previews, timelines, the JSON endpoints and the API."""

import pytest
from django.test import Client
from django.urls import reverse

from triplec.accounts.roles import Role
from triplec.accounts.tests.world import seed_office
from triplec.api.models import ApiToken
from triplec.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    users, kwargs = seed_office()
    return users, kwargs["objects"]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _one_entry(action: str, **fields) -> AuditEntry:
    entries = list(AuditEntry.objects.filter(action=action))
    assert len(entries) == 1, (action, entries)
    for key, value in fields.items():
        assert getattr(entries[0], key) == value, (action, key)
    return entries[0]


def test_it_audits_the_taxpayer_billing_page_and_the_billing_preview_under_the_taxpayers_office(world):
    users, o = world
    client = _client(users[Role.SECTION_HEAD])
    assert client.get(reverse("billing:taxpayer", args=[o["taxpayer"].pk])).status_code == 200
    _one_entry("billing.view", taxpayer=o["taxpayer"], office=o["office"])
    assert client.get(reverse("billing:preview", args=[o["code"].pk])).status_code == 200
    _one_entry("billing.preview", taxpayer=o["taxpayer"], office=o["office"])


def test_it_audits_the_inbox_timeline_and_the_conversation_json(world):
    users, o = world
    client = _client(users[Role.SERVICE_OFFICER])
    assert client.get(reverse("inbox:timeline_fragment", args=[o["chat"].pk])).status_code == 200
    assert client.get(reverse("inbox:conversation_json", args=[o["chat"].pk])).status_code == 200
    entries = AuditEntry.objects.filter(action="inbox.view")
    assert entries.count() == 2
    assert all(e.taxpayer == o["taxpayer"] and e.office == o["office"] for e in entries)


def test_it_audits_search_results_with_names_and_the_debt_list_once_per_page(world):
    users, o = world
    client = _client(users[Role.COLLECTION_STAFF])
    assert "Budi Santoso" in client.get(reverse("taxpayers:search")).content.decode()
    entry = _one_entry("taxpayer.search", office=o["office"])
    assert entry.detail["rows"] == 1 and "Budi" not in str(entry.detail)
    assert "Budi Santoso" in client.get(reverse("ledger:debts")).content.decode()
    _one_entry("ledger.list", office=o["office"])
    for name, action in (("collect:payments", "payment.list"), ("collect:claims", "payment.claims")):
        client.get(reverse(name))
        _one_entry(action, office=o["office"])


def test_it_audits_the_campaign_preview_in_the_api(world):
    users, o = world
    raw = ApiToken.issue(user=users[Role.SECTION_HEAD], name="t")[1]
    Client().get(f"/api/v1/campaigns/{o['campaign'].pk}/preview", HTTP_AUTHORIZATION=f"Bearer {raw}")
    _one_entry("campaign.preview", office=o["office"], channel="api")
