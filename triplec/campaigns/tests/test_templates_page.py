"""The message-template page and the campaign page's template warning: a fresh office can get its campaign
template approved from the console alone, and the simulator keeps templates across restarts."""

import json

import pytest

from triplec.accounts.roles import Role
from triplec.campaigns import services
from triplec.campaigns.models import Criterion
from triplec.campaigns.templates_services import TemplateActionError, template_action
from triplec.messaging.models import Template, TemplateStatus
from triplec.messaging.registry import templates_sync
from triplec.simulator.config import DEFAULT_CONFIG, merge_config
from triplec.simulator.server import Simulator
from triplec.tests.support import make_user


def _campaign(office, staff):
    return services.campaign_create(office=office, maker=staff, name="Teguran baru", criterion=Criterion.NEW_TEGURAN)


def test_it_saves_the_campaign_template_pending_until_someone_submits_it(office, channel, staff):
    campaign = _campaign(office, staff)
    assert campaign.template.status == TemplateStatus.PENDING and not campaign.template.meta_id


def test_it_shows_the_unapproved_template_on_the_campaign_page_with_the_fixing_button_for_its_roles(
    client, office, channel, staff, head
):
    campaign = _campaign(office, staff)
    client.force_login(staff)
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert 'id="template-blocker"' in page and 'id="submit-template"' not in page
    client.force_login(head)
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert 'id="template-blocker"' in page and 'id="submit-template"' in page


def test_it_lists_templates_with_status_quality_version_and_the_campaigns_using_them(client, office, channel, staff):
    campaign = _campaign(office, staff)
    client.force_login(staff)
    page = client.get("/campaigns/templates/").content.decode()
    assert campaign.template.name in page and campaign.name in page and "v1" in page
    assert 'data-status="PENDING"' in page
    assert 'name="submit-' not in page  # collection staff see the page, not its actions


def test_it_refuses_template_actions_to_staff_and_to_another_office(office, channel, staff):
    template = _campaign(office, staff).template
    with pytest.raises(TemplateActionError):
        template_action(template=template, actor=staff, action="submit")
    from triplec.tests.support import make_office

    other_head = make_user("kasi2", Role.SECTION_HEAD, office=make_office(code="923"))
    with pytest.raises(TemplateActionError):
        template_action(template=template, actor=other_head, action="submit")
    from django.test import Client

    c = Client()
    c.force_login(staff)
    assert c.post(f"/campaigns/templates/{template.pk}/submit/").status_code == 403


def test_it_submits_the_template_to_whatsapp_and_the_campaign_can_start_once_approved(
    client, office, staff, head, simulator, letter_factory
):
    from triplec.messaging.tests.factories import make_channel

    make_channel(base_url=simulator.base_url, office=office)
    simulator.configure(template_approval_ms=0)
    names = [t["name"] for t in simulator.http.get("/_sim/templates").json()["data"]]
    assert "surat_teguran_rinci_pdf" in names  # the demo's seed
    campaign = _campaign(office, staff)
    template = campaign.template
    client.force_login(head)
    response = client.post(f"/campaigns/templates/{template.pk}/submit/", {"next": f"/campaigns/{campaign.pk}/"})
    assert response.status_code == 302 and response["Location"] == f"/campaigns/{campaign.pk}/"
    template.refresh_from_db()
    assert template.meta_id  # known to WhatsApp (created, or edited when the account already had it)
    simulator.wait_for(
        lambda: (
            next(t for t in simulator.http.get("/_sim/templates").json()["data"] if t["name"] == template.name)[
                "status"
            ]
            == "APPROVED"
        )
    )
    client.post(f"/campaigns/templates/{template.pk}/sync/")
    template.refresh_from_db()
    assert template.status == TemplateStatus.APPROVED
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert 'id="template-blocker"' not in page


def test_it_makes_a_new_version_pending_review_with_the_same_content(office, channel, staff, head):
    template = _campaign(office, staff).template
    template.status = TemplateStatus.REJECTED
    template.status_reason = "INVALID_FORMAT"
    template.save()
    new = template_action(template=template, actor=head, action="new_version")
    assert (new.version, new.status, new.body, new.is_current) == (2, TemplateStatus.PENDING, template.body, True)
    assert not Template.objects.get(pk=template.pk).is_current


def test_it_syncs_quality_and_rejection_reason_from_whatsapp(office, simulator):
    from triplec.messaging.tests.factories import make_channel

    channel = make_channel(base_url=simulator.base_url, office=office)
    item = next(t for t in simulator.http.get("/_sim/templates").json()["data"] if t["name"] == "kode_billing_v1")
    simulator.http.post(f"/_sim/templates/{item['id']}/quality", json={"new_quality_score": "YELLOW"})
    simulator.http.post(f"/_sim/templates/{item['id']}/status", json={"event": "REJECTED", "reason": "INVALID_FORMAT"})
    templates_sync(channel=channel)
    row = Template.objects.get(channel=channel, name="kode_billing_v1", is_current=True)
    assert (row.status, row.quality_rating, row.status_reason) == ("REJECTED", "YELLOW", "INVALID_FORMAT")


def test_it_seeds_the_simulator_with_the_campaign_templates_exactly_as_our_registry_defines_them():
    from triplec.campaigns import message as msg
    from triplec.messaging.registry import from_meta
    from triplec.simulator.templates import load_seed

    seed = {t["name"]: t for t in load_seed()}
    for with_pdf, name in ((False, msg.TEMPLATE_NAME), (True, msg.TEMPLATE_NAME_PDF)):
        fields = from_meta(seed[name])
        ours = msg.template_fields(with_pdf=with_pdf)
        assert {k: fields[k] for k in ours} == ours


def test_it_keeps_templates_and_their_states_across_simulator_restarts(tmp_path):
    path = tmp_path / "templates.json"
    config = merge_config(DEFAULT_CONFIG, {"templates_file": str(path)})
    first = Simulator(config)
    item = first.find_template("kode_billing_v1", "id")
    item["status"] = "PAUSED"
    first.save_templates()
    added = first._add_template(
        {"name": "baru_v1", "language": "id", "category": "UTILITY", "components": [{"type": "BODY", "text": "Halo"}]},
        status="PENDING",
    )
    second = Simulator(config)
    assert second.find_template("kode_billing_v1", "id")["status"] == "PAUSED"
    assert second.find_template("baru_v1", "id")["id"] == added["id"]
    assert json.loads(path.read_text())["templates"]
