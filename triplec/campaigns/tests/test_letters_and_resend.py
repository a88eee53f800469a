"""Letters served from storage, a document WhatsApp could not fetch counted as failed with its reason, and the
failed messages of a campaign: their letters free again, and resent by the section head."""

import asyncio

import pytest

from triplec.accounts.roles import Role
from triplec.audit.models import AuditEntry
from triplec.campaigns import letters
from triplec.campaigns.asgi_letters import LetterFastPath, record_fetches
from triplec.campaigns.links import sign_public_id
from triplec.campaigns.models import CampaignState, Target, TargetStatus
from triplec.campaigns.resend import campaign_resend_failed
from triplec.campaigns.selectors import campaign_progress
from triplec.campaigns.services import CampaignError, campaign_approve, campaign_create, campaign_start, campaign_sync
from triplec.messaging.models import OutboundMessage, State, TemplateStatus
from triplec.messaging.providers.base import ERRORS
from triplec.simulator.testing import document_header, template_send
from triplec.tests.support import make_user

from .conftest import NOW

PDF_FAILED = ERRORS[131053][1]


@pytest.fixture(autouse=True)
def letters_in_tmp(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def _started(office, staff, head, n=1, letter_factory=None, **fields):
    for _ in range(n):
        letter_factory()
    campaign = campaign_create(
        office=office, maker=staff, name="Teguran baru", criterion="a", frequency_cap_days=0, **fields
    )
    campaign = campaign_approve(campaign=campaign, approver=head)
    campaign_start(campaign=campaign, actor=head, now=NOW)
    campaign.refresh_from_db()
    return campaign


def _fail(campaign, reason=PDF_FAILED, targets=None):
    ids = [t.outbound_id for t in (targets or Target.objects.filter(campaign=campaign, outbound__isnull=False))]
    OutboundMessage.objects.filter(pk__in=ids).update(
        state=State.FAILED, error_code=131053, error_reason=reason, failed_at=NOW
    )


@pytest.mark.django_db
def test_it_renders_a_letter_once_and_serves_it_from_storage(
    client, monkeypatch, office, staff, head, approved_templates, letter_factory
):
    campaign = _started(office, staff, head, letter_factory=letter_factory)
    target = Target.objects.get(campaign=campaign, status=TargetStatus.QUEUED)
    calls = []
    from triplec.campaigns import pdf

    real = pdf.render_notice_pdf
    monkeypatch.setattr(pdf, "render_notice_pdf", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    url = f"/campaigns/notice/{sign_public_id(target.public_id)}/surat-teguran.pdf"
    first, second = client.get(url), client.get(url)
    assert first.status_code == second.status_code == 200 and second.content.startswith(b"%PDF")
    assert first.content == second.content and len(calls) == 1
    assert letters.letter_path(target.public_id).read_bytes() == first.content
    assert AuditEntry.objects.filter(action="campaign.pdf_fetch").count() == 2


@pytest.mark.django_db
def test_it_renders_a_campaigns_letters_ahead_in_sending_order(office, staff, head, approved_templates, letter_factory):
    campaign = _started(office, staff, head, n=2, letter_factory=letter_factory)
    assert letters.render_campaign_letters(campaign.pk) == 2
    assert letters.render_campaign_letters(campaign.pk) == 0  # stored: never rendered twice
    for target in Target.objects.filter(campaign=campaign):
        assert letters.letter_path(target.public_id).read_bytes().startswith(b"%PDF")


@pytest.mark.django_db
def test_it_serves_stored_letters_before_django_and_audits_each_fetch(
    office, staff, head, approved_templates, letter_factory
):
    campaign = _started(office, staff, head, letter_factory=letter_factory)
    target = Target.objects.get(campaign=campaign, status=TargetStatus.QUEUED)
    letters.render_campaign_letters(campaign.pk)
    passed_on = []

    async def django_app(scope, receive, send):
        passed_on.append(scope["path"])

    async def fetch(path):
        sent = []

        async def send(message):
            sent.append(message)

        app = LetterFastPath(django_app)
        app._audit_later = lambda token: None  # the batch writer is tested below, on this thread's connection
        await app({"type": "http", "method": "GET", "path": path}, None, send)
        return sent

    token = sign_public_id(target.public_id)
    sent = asyncio.run(fetch(f"/campaigns/notice/{token}/surat-teguran.pdf"))
    assert sent[0]["status"] == 200 and sent[1]["body"].startswith(b"%PDF") and not passed_on
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert asyncio.run(fetch(f"/campaigns/notice/{forged}/surat-teguran.pdf")) == [] and len(passed_on) == 1
    assert record_fetches([str(target.public_id)] * 2) == 2
    assert AuditEntry.objects.filter(action="campaign.pdf_fetch", taxpayer=target.taxpayer).count() == 2


@pytest.mark.django_db
def test_it_counts_a_message_whose_document_was_not_fetched_as_failed_with_its_reason(
    office, staff, head, approved_templates, letter_factory
):
    from triplec.messaging.tests.factories import status_payload
    from triplec.messaging.webhooks import process_payload

    campaign = _started(office, staff, head, letter_factory=letter_factory)
    message = OutboundMessage.objects.get()
    OutboundMessage.objects.filter(pk=message.pk).update(state=State.SENT, wamid="wamid.PDF1", sent_at=NOW)
    process_payload(
        status_payload(
            "wamid.PDF1",
            "failed",
            errors=[
                {
                    "code": 131053,
                    "title": "Media upload error",
                    "error_data": {"details": "Unable to download the media from the link: ReadTimeout"},
                }
            ],
        )
    )
    progress = campaign_progress(campaign)
    assert progress["failed"] == 1 and progress["failed_by_reason"] == {PDF_FAILED: 1}


def test_it_fails_a_message_in_the_simulator_when_its_document_cannot_be_fetched(simulator):
    payload = template_send(
        "surat_teguran_v1",
        ("Budi", "ST-1", "1 Okt", "Rp1"),
        header=document_header("http://127.0.0.1:9/nothing.pdf", "surat-teguran.pdf"),
    )
    wamid = simulator.send(payload).json()["messages"][0]["id"]
    message = simulator.wait_for(
        lambda: next((m for m in simulator.messages() if m["wamid"] == wamid and m["status"] == "failed"), None)
    )
    assert message["statuses"][-1]["errors"][0]["code"] == 131053
    assert [s["status"] for s in message["statuses"]] == ["failed"] and message["media_error"]


@pytest.mark.django_db
def test_it_never_counts_a_failed_message_as_already_messaged(office, staff, head, approved_templates, letter_factory):
    first = _started(office, staff, head, letter_factory=letter_factory)
    _fail(first, reason="Template tidak ada (nama atau bahasa salah)")
    second = _started(office, staff, head, n=0, letter_factory=letter_factory)
    assert Target.objects.get(campaign=second).status == TargetStatus.QUEUED  # not "already messaged"
    assert Target.objects.get(campaign=first).messaged is False


@pytest.mark.django_db
def test_it_frees_the_letter_of_a_failed_message_when_the_campaign_syncs(
    office, staff, head, approved_templates, letter_factory
):
    campaign = _started(office, staff, head, letter_factory=letter_factory)
    _fail(campaign)
    campaign_sync(campaign=campaign)
    target = Target.objects.get(campaign=campaign)
    assert (target.status, target.messaged) == (TargetStatus.FAILED, False)
    assert Campaign_state(campaign) == CampaignState.COMPLETED


def Campaign_state(campaign):
    campaign.refresh_from_db()
    return campaign.state


@pytest.mark.django_db
def test_it_resends_failed_messages_all_or_by_reason_for_the_section_head_only(
    office, staff, head, approved_templates, letter_factory
):
    campaign = _started(office, staff, head, n=3, letter_factory=letter_factory)
    targets = list(Target.objects.filter(campaign=campaign).order_by("id"))
    _fail(campaign, reason=PDF_FAILED, targets=targets[:2])
    _fail(campaign, reason="Template tidak ada (nama atau bahasa salah)", targets=targets[2:])
    campaign_sync(campaign=campaign)
    with pytest.raises(CampaignError):
        campaign_resend_failed(campaign=campaign, actor=staff)
    counts = campaign_resend_failed(campaign=campaign, actor=head, reason=PDF_FAILED, now=NOW)
    assert counts == {"resent": 2, "skipped": 0}
    resent = [Target.objects.get(pk=t.pk) for t in targets]
    assert [(t.status, t.messaged) for t in resent] == [(TargetStatus.QUEUED, True)] * 2 + [
        (TargetStatus.FAILED, False)
    ]
    assert all(
        t.outbound.state == State.QUEUED and t.outbound_id != old.outbound_id for t, old in zip(resent[:2], targets)
    )
    assert resent[0].outbound.body["template"]["name"] == targets[0].outbound.body["template"]["name"]
    assert Campaign_state(campaign) == CampaignState.RUNNING
    assert campaign_resend_failed(campaign=campaign, actor=head, now=NOW) == {"resent": 1, "skipped": 0}
    assert AuditEntry.objects.filter(action="campaign.resend").count() == 2


@pytest.mark.django_db
def test_it_resends_from_the_progress_page_and_refuses_while_the_template_is_not_approved(
    client, office, staff, head, approved_templates, letter_factory
):
    campaign = _started(office, staff, head, letter_factory=letter_factory)
    _fail(campaign)
    client.force_login(head)
    page = client.get(f"/campaigns/{campaign.pk}/progress/").content.decode()
    assert 'id="resend-failed"' in page and PDF_FAILED in page
    campaign.template.status = TemplateStatus.REJECTED
    campaign.template.save()
    client.post(f"/campaigns/{campaign.pk}/resend/", {"reason": PDF_FAILED})
    assert Target.objects.get(campaign=campaign).outbound.state == State.FAILED
    campaign.template.status = TemplateStatus.APPROVED
    campaign.template.save()
    response = client.post(f"/campaigns/{campaign.pk}/resend/", {"reason": PDF_FAILED})
    assert response.status_code == 302 and Target.objects.get(campaign=campaign).outbound.state == State.QUEUED
    client.force_login(make_user("staf2", Role.COLLECTION_STAFF, office=office))
    assert client.post(f"/campaigns/{campaign.pk}/resend/").status_code == 403
