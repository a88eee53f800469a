"""REST endpoints of campaigns: bearer token, office scope, maker-checker, nothing started unapproved."""

import pytest
from django.utils import timezone

from triplec.accounts.roles import Role
from triplec.api.models import ApiToken
from triplec.campaigns.models import Campaign, CampaignState, Target
from triplec.messaging.models import OutboundMessage
from triplec.tests.support import make_office, make_user

BASE = "/api/v1/campaigns/"


def _auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=user, name='test')[1]}"}


def _create(client, headers, **body) -> dict:
    body = {"name": "Teguran Oktober", "criterion": "a", "frequency_cap_days": 0, **body}
    response = client.post(BASE, body, content_type="application/json", **headers)
    assert response.status_code == 201, response.content
    return response.json()


@pytest.mark.django_db
def test_it_refuses_requests_without_a_valid_token_or_from_another_office(client, office, staff, approved_templates):
    mine = _create(client, _auth(staff))
    assert client.get(BASE).status_code == 401
    assert client.get(BASE).json()["error"]["code"] == "unauthenticated"
    bad = client.get(BASE, HTTP_AUTHORIZATION="Bearer not-a-token")
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "invalid_token"
    other = make_office(code="923", name="KPP Pratama Atambua")
    outsider = _auth(make_user("luar", Role.SECTION_HEAD, office=other))
    assert client.get(BASE, **outsider).json()["results"] == []
    assert client.get(f"{BASE}{mine['id']}", **outsider).status_code == 404
    assert client.get(f"{BASE}{mine['id']}/preview", **outsider).status_code == 404
    assert client.post(f"{BASE}{mine['id']}/approve", **outsider).status_code == 404
    assert Campaign.objects.get(pk=mine["id"]).state == CampaignState.DRAFT


@pytest.mark.django_db
def test_it_creates_previews_approves_starts_and_reports_status(
    client, office, staff, head, approved_templates, letter_factory
):
    today = timezone.localdate()
    for _ in range(3):
        letter_factory(issued=today)
    letter_factory(issued=today, contact_status="opted_out")
    maker, checker = _auth(staff), _auth(head)
    created = _create(client, maker, holdout_percent=0)
    assert created["state"] == "draft" and created["maker"] == staff.username and created["template_version"] == 1
    url = f"{BASE}{created['id']}"
    preview = client.get(f"{url}/preview", **maker).json()
    assert preview["count"] == 3 and preview["excluded"] == 1 and len(preview["samples"]) == 3
    assert preview["by_reason"][0]["reason"] == "opted_out"
    # Unapproved: refused, nothing queued.
    refused = client.post(f"{url}/start", **checker)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_approved"
    assert not OutboundMessage.objects.exists()
    # The maker cannot approve, nor can staff; the section head can.
    other_staff = _auth(make_user("staf2", Role.COLLECTION_STAFF, office=office))
    assert client.post(f"{url}/approve", **other_staff).json()["error"]["code"] == "forbidden"
    assert client.post(f"{url}/submit", **maker).json()["state"] == "pending_approval"
    approved = client.post(f"{url}/approve", **checker)
    assert (
        approved.status_code == 200
        and approved.json()["approver"] == head.username
        and approved.json()["approval_valid"]
    )
    assert client.post(f"{url}/start", **maker).status_code == 403  # starting is the section head's
    assert not OutboundMessage.objects.exists()
    started = client.post(f"{url}/start", **checker)
    assert started.status_code == 200, started.content
    assert started.json()["result"]["queued"] == preview["count"] == OutboundMessage.objects.count()
    status = client.get(f"{url}/status", **maker).json()
    assert status["state"] == "running" and status["progress"]["queued"] == 3
    assert Target.objects.filter(campaign_id=created["id"]).count() == 4


@pytest.mark.django_db
def test_it_refuses_self_approval_and_a_changed_campaign_through_the_api(
    client, office, approved_templates, letter_factory
):
    letter_factory(issued=timezone.localdate())
    head_maker = make_user("kasi_maker", Role.SECTION_HEAD, office=office)
    head_checker = make_user("kasi_checker", Role.SECTION_HEAD, office=office)
    maker = _auth(head_maker)
    created = _create(client, maker)
    url = f"{BASE}{created['id']}"
    own = client.post(f"{url}/approve", **maker)
    assert own.status_code == 403 and own.json()["error"]["code"] == "maker_is_checker"
    assert client.post(f"{url}/approve", **_auth(head_checker)).json()["approval_valid"]
    changed = client.patch(url, {"minimum_amount": 5}, content_type="application/json", **maker).json()
    assert changed["state"] == "pending_approval" and not changed["approval_valid"]
    assert client.post(f"{url}/start", **maker).status_code == 403
    bad = client.post(BASE, {"name": "x", "criterion": "z"}, content_type="application/json", **maker)
    assert bad.status_code == 409 and bad.json()["error"]["code"] == "invalid_criterion"
    assert not OutboundMessage.objects.exists()
