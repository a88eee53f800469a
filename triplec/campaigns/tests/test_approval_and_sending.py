import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from triplec.accounts.roles import Role
from triplec.campaigns.forms import CampaignForm
from triplec.campaigns.links import sign_public_id
from triplec.campaigns.models import Campaign, CampaignState, Target, TargetStatus
from triplec.campaigns.pdf import notice_for_target, render_notice_pdf
from triplec.campaigns.selectors import campaign_preview, campaign_progress
from triplec.campaigns.services import (
    CampaignError,
    campaign_approve,
    campaign_cancel,
    campaign_create,
    campaign_pause,
    campaign_resume,
    campaign_start,
    campaign_update,
)
from triplec.messaging.models import OutboundMessage, State
from triplec.offices.models import Holiday
from triplec.tests.support import make_user

from .conftest import NOW, WITA


def _campaign(office, staff, **fields):
    fields.setdefault("frequency_cap_days", 0)
    return campaign_create(office=office, maker=staff, name="Teguran baru", criterion="a", **fields)


@pytest.mark.django_db
def test_it_refuses_approval_by_the_maker_or_by_someone_not_a_section_head(
    office, staff, head, approved_templates, letter_factory
):
    letter_factory()
    maker_head = make_user("kasi2", Role.SECTION_HEAD, office=office)
    own = campaign_create(office=office, maker=maker_head, name="Sendiri", criterion="a")
    with pytest.raises(CampaignError) as exc:
        campaign_approve(campaign=own, approver=maker_head)
    assert exc.value.code == "maker_is_checker"
    other_staff = make_user("staf2", Role.COLLECTION_STAFF, office=office)
    campaign = _campaign(office, staff)
    with pytest.raises(CampaignError) as exc:
        campaign_approve(campaign=campaign, approver=other_staff)
    assert exc.value.code == "not_section_head"
    approved = campaign_approve(campaign=campaign, approver=head)
    assert approved.state == CampaignState.APPROVED and approved.approver == head and approved.approval_valid


@pytest.mark.django_db
def test_it_needs_approval_again_after_any_change(office, staff, head, approved_templates, letter_factory):
    letter_factory()
    campaign = campaign_approve(campaign=_campaign(office, staff), approver=head)
    changed = campaign_update(campaign=campaign, actor=staff, minimum_amount=10)
    assert changed.state == CampaignState.PENDING and not changed.approval_valid
    with pytest.raises(CampaignError):
        campaign_start(campaign=changed, actor=head, now=NOW)
    # A change behind the services' back (admin, SQL) is caught by the content hash at start.
    campaign = campaign_approve(campaign=changed, approver=head)
    type(campaign).objects.filter(pk=campaign.pk).update(holdout_percent=20)
    with pytest.raises(CampaignError) as exc:
        campaign_start(campaign=campaign, actor=head, now=NOW)
    assert exc.value.code == "not_approved"
    assert not OutboundMessage.objects.exists()


@pytest.mark.django_db
def test_it_sends_nothing_unapproved_through_console_cli_and_api(
    client, office, staff, head, approved_templates, letter_factory
):
    from django.core.management import call_command

    from triplec.api.models import ApiToken

    letter_factory()
    campaign = _campaign(office, staff)
    client.force_login(head)
    client.post(f"/campaigns/{campaign.pk}/start/")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not_approved"):
        call_command("campaign", "start", str(campaign.pk), "--as", head.username)
    _token, raw = ApiToken.issue(user=head, name="uji")
    response = client.post(f"/api/v1/campaigns/{campaign.pk}/start", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_approved"
    assert not OutboundMessage.objects.exists() and not Target.objects.exists()


@pytest.mark.django_db
def test_it_queues_exactly_what_the_preview_counted(office, staff, head, approved_templates, letter_factory):
    for i in range(12):
        letter_factory(amounts=(1_000_000 + i, 250_000), contact_status="opted_out" if i % 5 == 0 else "active")
    campaign = campaign_approve(campaign=_campaign(office, staff, holdout_percent=20), approver=head)
    preview = campaign_preview(campaign, now=NOW)
    counts = campaign_start(campaign=campaign, actor=head, now=NOW)
    assert preview["count"] == counts["queued"] == OutboundMessage.objects.count() == 7
    assert preview["held_out"] == counts["held_out"] == 2
    assert {r["reason"]: r["count"] for r in preview["by_reason"]} == {"opted_out": 3}
    queued = Target.objects.filter(status=TargetStatus.QUEUED)
    assert preview["total_amount"] == sum(t.amount for t in queued)
    assert len(preview["samples"]) == 5
    sample = preview["samples"][0]["text"]
    for needle in (
        "Surat Teguran nomor ST-",
        "NPWP 01.",
        "•••",
        "PPh Pasal 25/29 OP",
        "Jumlah: *Rp",
        "Surat Paksa",
        "Kas Negara",
        "kata sandi, PIN, atau OTP",
        "KPP Pratama Kupang",
    ):
        assert needle in sample
    assert preview["samples"][0]["buttons"] == ["Rincian tagihan", "Minta kode billing", "Hubungi petugas"]
    message = OutboundMessage.objects.first()
    params = message.body["template"]["components"][1]["parameters"]
    assert all("\n" not in p["text"] and "\t" not in p["text"] and "     " not in p["text"] for p in params)
    assert message.lane == 1 and message.idempotency_key.startswith(f"campaign:{campaign.pk}:")


@pytest.mark.django_db
def test_it_never_messages_twice_about_the_same_letter_across_campaigns(
    office, staff, head, approved_templates, letter_factory
):
    letter = letter_factory()
    first = campaign_approve(campaign=_campaign(office, staff), approver=head)
    second = campaign_approve(campaign=_campaign(office, staff), approver=head)
    campaign_start(campaign=first, actor=head, now=NOW)
    counts = campaign_start(campaign=second, actor=head, now=NOW)
    assert counts["queued"] == 0
    assert Target.objects.get(campaign=second).reason == "already_messaged"
    # The database itself refuses a second (letter, criterion a) message, whatever the code path.
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(
            campaign=second,
            taxpayer=letter.taxpayer,
            letter=letter,
            criterion="a",
            messaged=True,
            status=TargetStatus.QUEUED,
        ) if False else Target.objects.filter(campaign=second).update(messaged=True)
    assert OutboundMessage.objects.count() == 1


@pytest.mark.django_db
def test_it_draws_a_reproducible_holdout_that_is_never_messaged(
    office, staff, head, approved_templates, letter_factory
):
    from triplec.campaigns.selection import build_selection

    for _ in range(20):
        letter_factory()
    campaign = _campaign(office, staff, holdout_percent=25, holdout_seed=4242)
    draws = [sorted(c.letter_id for c in build_selection(campaign, now=NOW).held_out) for _ in range(2)]
    assert draws[0] == draws[1] and len(draws[0]) == 5
    campaign_approve(campaign=campaign, approver=head)
    campaign_start(campaign=campaign, actor=head, now=NOW)
    held = Target.objects.filter(campaign=campaign, status=TargetStatus.HELD_OUT)
    assert sorted(held.values_list("letter_id", flat=True)) == draws[0]
    assert not held.filter(outbound__isnull=False).exists()
    assert not OutboundMessage.objects.filter(taxpayer_id__in=held.values("taxpayer_id")).exists()


@pytest.mark.django_db
def test_it_plans_bulk_sends_in_office_hours_in_makassar_skipping_holidays_and_weekends(
    office, staff, head, approved_templates, letter_factory
):
    for _ in range(3):
        letter_factory()
    Holiday.objects.create(date=dt.date(2026, 10, 12), name="Libur uji")  # Monday
    friday_evening = dt.datetime(2026, 10, 9, 17, 30, tzinfo=WITA)
    campaign = campaign_approve(campaign=_campaign(office, staff), approver=head)
    campaign_start(campaign=campaign, actor=head, now=friday_evening)
    times = [m.next_attempt_at.astimezone(WITA) for m in OutboundMessage.objects.all()]
    assert {t.date() for t in times} == {dt.date(2026, 10, 13)}  # Tuesday: weekend and holiday skipped
    assert all(dt.time(8, 0) <= t.time() < dt.time(16, 0) for t in times)


@pytest.mark.django_db
def test_it_spreads_a_campaign_over_days_within_the_tier_and_spaces_shared_numbers(
    settings, office, staff, head, approved_templates, letter_factory
):
    settings.CAMPAIGN_MESSAGING_TIER = 250
    shared = "+6281299990000"
    for _ in range(3):
        letter_factory(phone=shared)
    for _ in range(260):
        letter_factory()
    campaign = campaign_approve(campaign=_campaign(office, staff), approver=head)
    assert campaign_preview(campaign, now=NOW)["over_tier"] is True
    campaign_start(campaign=campaign, actor=head, now=NOW)
    days = {m.next_attempt_at.astimezone(WITA).date() for m in OutboundMessage.objects.all()}
    assert days == {dt.date(2026, 10, 6), dt.date(2026, 10, 7)}
    to_shared = sorted(m.next_attempt_at for m in OutboundMessage.objects.filter(to=shared.lstrip("+")))
    assert len(to_shared) == 3
    assert all((b - a).total_seconds() >= 6 for a, b in zip(to_shared, to_shared[1:]))


@pytest.mark.django_db
def test_it_pauses_resumes_and_cancels_without_losing_messages(office, staff, head, approved_templates, letter_factory):
    for _ in range(4):
        letter_factory()
    campaign = campaign_approve(campaign=_campaign(office, staff), approver=head)
    campaign_start(campaign=campaign, actor=head, now=NOW)
    assert campaign_pause(campaign=campaign, actor=head) == 4
    assert all(m.next_attempt_at.year == 2999 for m in OutboundMessage.objects.all())
    assert campaign_resume(campaign=campaign, actor=head, now=NOW) == 4
    assert all(m.next_attempt_at.year == 2026 for m in OutboundMessage.objects.all())
    OutboundMessage.objects.filter(pk=OutboundMessage.objects.first().pk).update(state=State.SENT, wamid="wamid.1")
    assert campaign_cancel(campaign=campaign, actor=head) == 3
    progress = campaign_progress(campaign)
    assert progress["state"] == CampaignState.CANCELLED and progress["sent"] == 1 and progress["cancelled"] == 3


@pytest.mark.django_db
def test_it_renders_the_notice_pdf_at_a_signed_url_that_expires(
    client, office, staff, head, approved_templates, letter_factory, clock, settings
):
    letter_factory(amounts=(1_234_000,))
    campaign = campaign_approve(campaign=_campaign(office, staff), approver=head)
    campaign_start(campaign=campaign, actor=head, now=NOW)
    target = Target.objects.get(status=TargetStatus.QUEUED)
    link = OutboundMessage.objects.get().body["template"]["components"][0]["parameters"][0]["document"]["link"]
    assert target.taxpayer.npwp16 not in link and target.taxpayer.name.split()[0] not in link
    assert link.split("/notice/")[1].split(":")[0] == str(target.public_id)  # only the random id
    response = client.get(link.split("127.0.0.1:8000")[-1] if "127.0.0.1:8000" in link else link)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    pdf = render_notice_pdf(notice_for_target(target), office=office)
    assert pdf.startswith(b"%PDF")
    token = sign_public_id(target.public_id)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(f"/campaigns/notice/{forged}/surat-teguran.pdf").status_code == 403
    clock.shift(dt.timedelta(days=settings.CAMPAIGN_PDF_LINK_DAYS + 1))
    assert client.get(f"/campaigns/notice/{token}/surat-teguran.pdf").status_code == 410


@pytest.mark.django_db
def test_it_runs_create_preview_approve_start_status_from_the_command_line(
    office, staff, head, approved_templates, letter_factory
):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from triplec.campaigns.models import Campaign

    letter_factory()
    call_command(
        "campaign",
        "create",
        "--as",
        "staf",
        "--name",
        "CLI",
        "--criterion",
        "a",
        "--days",
        "400",
        "--frequency-cap-days",
        "0",
        stdout=StringIO(),
    )
    campaign = Campaign.objects.get(name="CLI")
    out = StringIO()
    call_command("campaign", "preview", str(campaign.pk), stdout=out)
    assert "messages: 1" in out.getvalue()
    with pytest.raises(CommandError, match="maker_is_checker|not_section_head"):
        call_command("campaign", "approve", str(campaign.pk), "--as", "staf")
    call_command("campaign", "approve", str(campaign.pk), "--as", "kasi", stdout=StringIO())
    out = StringIO()
    with pytest.raises(CommandError, match="forbidden"):  # starting is the section head's
        call_command("campaign", "start", str(campaign.pk), "--as", "staf", stdout=out)
    call_command("campaign", "start", str(campaign.pk), "--as", "kasi", stdout=out)
    assert "queued=1" in out.getvalue()
    out = StringIO()
    call_command("campaign", "status", str(campaign.pk), "--json", stdout=out)
    assert '"queued": 1' in out.getvalue()


@pytest.mark.django_db
def test_it_prices_a_campaign_made_in_the_console_like_one_made_through_the_api(
    client, settings, office, staff, approved_templates
):
    settings.CAMPAIGN_PRICE_PER_MESSAGE = 356
    client.force_login(staff)
    form = client.get("/campaigns/new/").content.decode()
    assert 'name="price_per_message" value="356"' in form
    unbound = CampaignForm(office=office)
    data = {name: unbound[name].value() for name in unbound.fields if unbound[name].value() not in (None, "")}
    response = client.post("/campaigns/new/", {**data, "name": "Dari konsol", "criterion": "a"})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert Campaign.objects.get(name="Dari konsol").price_per_message == 356
    assert _campaign(office, staff).price_per_message == 356  # the service's default, for the API and the CLI
