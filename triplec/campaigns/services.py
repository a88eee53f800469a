"""Writes of a campaign: create, change, submit, approve (maker != checker, a section head), start, pause, resume,
cancel, and follow the sending. Views, the CLI, the API and jobs all call these; the approval check lives here,
so nothing leaves unapproved whatever the path."""

import datetime as dt
import logging
import zoneinfo
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from triplec.accounts.permissions import allowed
from triplec.audit.services import audit_record, changes_between
from triplec.core.phrases import Phrase
from triplec.messaging.models import OutboundMessage, State
from triplec.messaging.registry import template_save, template_submit
from triplec.messaging.services import channel_for_office

from . import message as msg
from .bulk import collector_paused, foreign_keys_trusted, write_start
from .guards import (
    CampaignError,
    approved_template,
    lock_campaign,
    require_approved,
    require_runner,
    require_staff,
)
from .letters import forget_letters, hold_for_letter, letter_missing, render_ahead, resume_stalled_renders
from .links import BulkSigner
from .models import CONTENT_FIELDS, Campaign, CampaignState, Criterion, Target, TargetStatus
from .payload import restamped, rewarned
from .planning import FAR_FUTURE, plan_campaign_sends
from .resend import release_failed_targets
from .selection import build_selection
from .selectors import live_target_statuses

log = logging.getLogger(__name__)

CANCELLED_REASON = "Kampanye dibatalkan"


# --- the template --------------------------------------------------------------------------------------------
def campaign_template(*, channel, with_pdf: bool, submit: bool = False):
    """The current version of the Surat Teguran template in the channel's registry (saved, and sent to Meta for
    review when `submit`); a change of our text makes a new version there."""
    name = msg.TEMPLATE_NAME_PDF if with_pdf else msg.TEMPLATE_NAME
    template, new_version = template_save(
        channel=channel, name=name, language="id", **msg.template_fields(with_pdf=with_pdf)
    )
    if submit and (new_version or not template.meta_id):
        template = template_submit(template=template)
    return template


def _channel(office):
    return channel_for_office(office)


# --- create and change ---------------------------------------------------------------------------------------
NON_NEGATIVE_FIELDS = (
    "days",
    "reminder_interval_days",
    "reminder_max_count",
    "frequency_cap_days",
    "minimum_amount",
    "price_per_message",
)
CHECKED_FIELDS = (  # what _check_fields looks at
    "name",
    "criterion",
    "holdout_percent",
    "amount_min",
    "amount_max",
    "npwp_list",
    "saved_filter",
    *NON_NEGATIVE_FIELDS,
)


def _check_fields(fields: dict[str, Any]) -> None:
    if fields.get("criterion") not in Criterion.values:
        raise CampaignError("invalid_criterion", "Kriteria harus a, b, atau c.")
    if not str(fields.get("name") or "").strip():
        raise CampaignError("invalid_name", "Nama kampanye wajib diisi.")
    if not 0 <= int(fields.get("holdout_percent") or 0) <= 50:
        raise CampaignError("invalid_holdout", "Porsi kelompok kontrol harus 0–50%.")
    lo, hi = fields.get("amount_min"), fields.get("amount_max")
    if lo is not None and hi is not None and int(lo) > int(hi):
        raise CampaignError("invalid_amount_range", "Batas bawah jumlah lebih besar dari batas atas.")
    if fields.get("criterion") == Criterion.LIST and not (
        str(fields.get("npwp_list") or "").strip() or fields.get("saved_filter")
    ):
        raise CampaignError("missing_list", "Kriteria (c) memerlukan daftar NPWP atau filter tersimpan.")
    for key in NON_NEGATIVE_FIELDS:
        if fields.get(key) is not None and int(fields[key]) < 0:
            raise CampaignError("invalid_number", f"Nilai {key} tidak boleh negatif.")


@transaction.atomic
def campaign_create(*, office, maker, name: str, criterion: str, channel: str = "web", **fields: Any) -> Campaign:
    """A draft campaign of `office`; the template is the office channel's current Surat Teguran template."""
    require_staff(maker, office)
    _check_fields({"name": name, "criterion": criterion, **fields})
    campaign = Campaign(office=office, maker=maker, name=name.strip(), criterion=criterion, **fields)
    if campaign.template_id is None:
        campaign.template = campaign_template(channel=_channel(office), with_pdf=campaign.attach_pdf)
    if not campaign.price_per_message and "price_per_message" not in fields:
        campaign.price_per_message = settings.CAMPAIGN_PRICE_PER_MESSAGE
    campaign.full_clean(exclude=["template", "maker", "holdout_seed"])
    campaign.save()
    summary = Phrase("campaign %(name)s created (criterion %(criterion)s)", name=campaign.name, criterion=criterion)
    audit_record(action="campaign.create", actor=maker, obj=campaign, channel=channel, summary=summary)
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, actor, channel: str = "web", **fields: Any) -> Campaign:
    """Change a campaign not yet started. A change after approval withdraws the approval: the section head
    must approve again (the content hash no longer matches)."""
    campaign = lock_campaign(campaign)
    require_staff(actor, campaign.office)
    if not campaign.is_editable:
        raise CampaignError("not_editable", "Kampanye yang sudah berjalan tidak dapat diubah.")
    before = {f: getattr(campaign, f) for f in CONTENT_FIELDS}
    for key, value in fields.items():
        setattr(campaign, key, value)
    if "attach_pdf" in fields and "template" not in fields and "template_id" not in fields:
        campaign.template = campaign_template(channel=_channel(campaign.office), with_pdf=campaign.attach_pdf)
    _check_fields({f: getattr(campaign, f) for f in CHECKED_FIELDS})
    campaign.full_clean(exclude=["template", "maker", "holdout_seed"])
    changes = changes_between(before, {f: getattr(campaign, f) for f in CONTENT_FIELDS})
    if changes and campaign.state == CampaignState.APPROVED:
        campaign.state = CampaignState.PENDING
    campaign.save()
    if changes:
        summary = (
            Phrase("campaign %(name)s changed (needs approval again)", name=campaign.name)
            if campaign.approved_at
            else Phrase("campaign %(name)s changed", name=campaign.name)
        )
        detail = {"changes": {k: [str(a), str(b)] for k, (a, b) in changes.items()}}
        audit_record(
            action="campaign.update", actor=actor, obj=campaign, channel=channel, summary=summary, detail=detail
        )
    return campaign


@transaction.atomic
def campaign_submit(*, campaign: Campaign, actor, channel: str = "web") -> Campaign:
    campaign = lock_campaign(campaign)
    require_staff(actor, campaign.office)
    if not campaign.is_editable:
        raise CampaignError("bad_state", "Kampanye ini tidak dapat diajukan.")
    if campaign.state == CampaignState.APPROVED and campaign.approval_valid:
        return campaign
    summary = Phrase("campaign %(name)s submitted for approval", name=campaign.name)
    _move(campaign, CampaignState.PENDING, "campaign.submit", summary, actor=actor, channel=channel)
    return campaign


@transaction.atomic
def campaign_approve(*, campaign: Campaign, approver, channel: str = "web", now: dt.datetime | None = None) -> Campaign:
    """The checker's approval: a section head of the office, never the maker. Records the content approved."""
    campaign = lock_campaign(campaign, "template")
    if approver is None or not getattr(approver, "is_authenticated", False):
        raise CampaignError("forbidden", "Anda harus masuk terlebih dahulu.")
    if not allowed(approver, "campaign.approve"):
        raise CampaignError("not_section_head", "Hanya Kepala Seksi yang dapat menyetujui kampanye.")
    if approver.office_id != campaign.office_id:
        raise CampaignError("forbidden", "Kepala Seksi hanya menyetujui kampanye kantornya sendiri.")
    if approver.pk == campaign.maker_id:
        raise CampaignError("maker_is_checker", "Penyusun kampanye tidak boleh menyetujui kampanyenya sendiri.")
    if not campaign.is_editable:
        raise CampaignError("bad_state", "Kampanye ini tidak dapat disetujui dalam status sekarang.")
    if campaign.state == CampaignState.APPROVED and campaign.approval_valid:
        return campaign
    campaign.approver = approver
    campaign.approved_at = now or timezone.now()
    campaign.approved_hash = campaign.content_hash()
    _move(
        campaign,
        CampaignState.APPROVED,
        "campaign.approve",
        Phrase("campaign %(name)s approved", name=campaign.name),
        actor=approver,
        channel=channel,
        fields=("approver", "approved_at", "approved_hash"),
        detail={"hash": campaign.approved_hash},
    )
    return campaign


def _move(campaign: Campaign, state: str, action: str, summary: Phrase, *, actor, channel: str, fields=(), detail=None):
    """The campaign saved in its new state (with the other `fields` changed alongside), and the step audited."""
    campaign.state = state
    campaign.save(update_fields=["state", *fields, "updated_at"])
    audit_record(action=action, actor=actor, obj=campaign, channel=channel, summary=summary, detail=detail)


# --- start ---------------------------------------------------------------------------------------------------
def campaign_start(*, campaign: Campaign, actor=None, channel: str = "web", now: dt.datetime | None = None) -> dict:
    """Freeze the targets and queue the approved messages in the outbox (lane bulk), planned within office hours.
    Atomic: either every target and message is written, or none. A concurrent campaign that took a letter first
    (unique constraint) makes us select again."""
    for attempt in range(3):
        try:
            with collector_paused(), foreign_keys_trusted():
                return _start(campaign=campaign, actor=actor, channel=channel, now=now)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def _start(*, campaign: Campaign, actor, channel: str, now: dt.datetime | None) -> dict:
    now = now or timezone.now()
    campaign = lock_campaign(campaign, "office", "template")
    require_runner(actor, campaign.office)
    require_approved(campaign)
    if campaign.state != CampaignState.APPROVED:
        raise CampaignError("bad_state", "Kampanye sudah dimulai.")
    template = approved_template(campaign)
    wa_channel = template.channel
    if wa_channel.office_id != campaign.office_id or not wa_channel.is_active:
        raise CampaignError("no_channel", "Kantor ini belum memiliki nomor WhatsApp aktif.")
    release_failed_targets(office_id=campaign.office_id)  # letters whose message failed are free again
    selection = build_selection(campaign, now=now)
    queued = selection.queued
    recipients = [c.phone.lstrip("+") or c.recipient for c in queued]
    start = max(now, campaign.scheduled_start or now)
    plan, grace = plan_campaign_sends(
        office=campaign.office, recipients=recipients, start=start, rate=wa_channel.messages_per_second
    )
    past_paksa_date = msg.stamp_send_by([c.notice for c in queued], plan.send_after, grace, campaign.office.time_zone)
    created_by = actor if getattr(actor, "is_authenticated", False) else None
    with_letters = template.header_type == "DOCUMENT"
    # Targets and outbox rows in bulk (bulk.py); the disclosure record is the target row itself (who, which
    # letter, which message) plus the one audit entry of the start below, not one audit row per message. A
    # message with a letter waits for it: the worker renders the letters and releases them (letters.py).
    counts = write_start(
        campaign=campaign,
        template=template,
        wa_channel=wa_channel,
        selection=selection,
        send_after=plan.send_after,
        grace=grace,
        created_by_id=created_by.pk if created_by else None,
        now=now,
        hold=with_letters and hold_for_letter(),
    )
    messages = counts["queued"]
    campaign.started_at = now
    campaign.finished_at = None if messages else now
    campaign.plan = {
        **plan.as_json(),
        "counts": counts,
        "template_version": template.version,
        "unknown_npwps": len(selection.unknown_npwps),
        "past_paksa_date": past_paksa_date,
    }
    _move(
        campaign,
        CampaignState.RUNNING if messages else CampaignState.COMPLETED,
        "campaign.start",
        Phrase("campaign %(name)s started: %(n)s messages", name=campaign.name, n=messages),
        actor=actor,
        channel=channel,
        fields=("started_at", "finished_at", "plan"),
        detail={**counts, "template": template.name, "template_version": template.version},
    )
    if messages and with_letters:
        render_ahead(campaign.pk)
    return counts


# --- pause, resume, cancel -----------------------------------------------------------------------------------
def _queued_messages(campaign: Campaign):
    return OutboundMessage.objects.filter(
        pk__in=Target.objects.filter(campaign=campaign, outbound__isnull=False).values("outbound_id"),
        state=State.QUEUED,
    )


@transaction.atomic
def campaign_pause(*, campaign: Campaign, actor, channel: str = "web") -> int:
    """Hold every message not yet claimed by a dispatcher (those in flight finish). Returns how many are held."""
    campaign = lock_campaign(campaign)
    require_runner(actor, campaign.office)
    if campaign.state != CampaignState.RUNNING:
        raise CampaignError("bad_state", "Hanya kampanye yang berjalan yang dapat dijeda.")
    held = _queued_messages(campaign).update(next_attempt_at=FAR_FUTURE, not_after=FAR_FUTURE)
    summary = Phrase("campaign %(name)s paused (%(n)s messages held)", name=campaign.name, n=held)
    _move(campaign, CampaignState.PAUSED, "campaign.pause", summary, actor=actor, channel=channel)
    return held


@transaction.atomic
def campaign_resume(*, campaign: Campaign, actor, channel: str = "web", now: dt.datetime | None = None) -> int:
    """Plan the held messages again from now, within office hours and the tier; those whose letter is not stored
    yet wait for it (the worker renders it and releases them)."""
    now = now or timezone.now()
    campaign = lock_campaign(campaign, "office", "template__channel")
    require_runner(actor, campaign.office)
    if campaign.state != CampaignState.PAUSED:
        raise CampaignError("bad_state", "Hanya kampanye yang dijeda yang dapat dilanjutkan.")
    require_approved(campaign)
    held, waiting = _replan_queued(campaign, now=now)
    summary = Phrase("campaign %(name)s resumed (%(n)s messages)", name=campaign.name, n=held)
    _move(campaign, CampaignState.RUNNING, "campaign.resume", summary, actor=actor, channel=channel)
    if waiting:
        render_ahead(campaign.pk)
    return held


def _replan_queued(campaign: Campaign, *, now: dt.datetime) -> tuple[int, int]:
    """Plan the campaign's queued messages again from now (office hours, holidays, rate, tier), with their PDF
    links and Surat Paksa sentences written for the days they now go. A message whose letter is not stored yet
    keeps waiting for it (planned, but never due until the worker releases it: the caller hands the campaign to
    `render_ahead`). Returns how many were planned, and how many of them wait for their letter."""
    held = list(_queued_messages(campaign).order_by("id").only("id", "to", "recipient", "shape", "payload"))
    plan, grace = plan_campaign_sends(
        office=campaign.office,
        recipients=[m.to or m.recipient for m in held],
        start=now,
        rate=campaign.template.channel.messages_per_second,
    )
    signer = BulkSigner()
    delivered, public_ids = {}, {}
    for outbound_id, delivered_date, public_id in Target.objects.filter(
        campaign=campaign, outbound__isnull=False
    ).values_list("outbound_id", "letter__delivered_date", "public_id"):
        delivered[outbound_id], public_ids[outbound_id] = delivered_date, public_id
    with_letters = campaign.template.header_type == "DOCUMENT" and hold_for_letter()
    waiting = 0
    tz = zoneinfo.ZoneInfo(campaign.office.time_zone)
    for m, at in zip(held, plan.send_after):
        m.next_attempt_at, m.not_after = at, at + grace
        if with_letters and letter_missing(public_ids.get(m.pk)):
            m.next_attempt_at = FAR_FUTURE  # waits for its letter; goes at `at` once released
            waiting += 1
        if m.shape_id:  # its PDF link, if any, stays valid for as long after the day it now goes
            m.payload = restamped(m.payload, signer, at)
            # The Surat Paksa sentence as of the new send days: a date that has passed by then is not given.
            m.payload = rewarned(m.payload, delivered.get(m.pk), (at + grace).astimezone(tz).date())
    OutboundMessage.objects.bulk_update(held, ["next_attempt_at", "not_after", "payload"], batch_size=1000)
    return len(held), waiting


def office_campaigns_replan(*, office, now: dt.datetime | None = None) -> int:
    """The office's calendar changed: every running campaign's queued messages follow the new hours at once."""
    now = now or timezone.now()
    moved = 0
    for campaign in Campaign.objects.filter(office=office, state=CampaignState.RUNNING).select_related(
        "office", "template__channel"
    ):
        planned, waiting = _replan_queued(campaign, now=now)
        moved += planned
        if waiting:
            render_ahead(campaign.pk)
    return moved


@transaction.atomic
def campaign_cancel(*, campaign: Campaign, actor, channel: str = "web", reason: str = "") -> int:
    """Stop for good: messages not yet claimed fail as "campaign cancelled" and their letters are free again."""
    campaign = lock_campaign(campaign)
    require_runner(actor, campaign.office)
    if campaign.state in (CampaignState.COMPLETED, CampaignState.CANCELLED):
        raise CampaignError("bad_state", "Kampanye ini sudah selesai atau dibatalkan.")
    now = timezone.now()
    queued = list(_queued_messages(campaign).values_list("pk", flat=True))
    stopped = 0
    if queued:
        stopped = OutboundMessage.objects.filter(pk__in=queued, state=State.QUEUED).update(
            state=State.FAILED, error_reason=CANCELLED_REASON, failed_at=now
        )
        Target.objects.filter(
            campaign=campaign, outbound__state=State.FAILED, outbound__error_reason=CANCELLED_REASON
        ).update(status=TargetStatus.CANCELLED, messaged=False)
        forget_letters(
            Target.objects.filter(campaign=campaign, status=TargetStatus.CANCELLED).values_list("public_id", flat=True)
        )  # their links answer "not available" from now
    campaign.finished_at = now
    _move(
        campaign,
        CampaignState.CANCELLED,
        "campaign.cancel",
        Phrase("campaign %(name)s cancelled (%(n)s messages stopped)", name=campaign.name, n=stopped),
        actor=actor,
        channel=channel,
        fields=("finished_at",),
        detail={"reason": reason[:200]},
    )
    return stopped


# --- following the sending -----------------------------------------------------------------------------------
def campaign_sync(*, campaign: Campaign) -> dict[str, int]:
    """Copy each message's latest status (and replies) onto its target; complete the campaign when nothing is
    left to send. Idempotent; run by the periodic job and after each progress change."""
    changed: dict[str, int] = {}
    with transaction.atomic():
        release_failed_targets(office_id=campaign.office_id)  # a failed message never blocks its letter
        for status, ids in live_target_statuses(campaign).items():
            # In chunks: a large campaign has more ids than a database accepts as parameters of one statement.
            for i in range(0, len(ids), 5_000):
                n = Target.objects.filter(pk__in=ids[i : i + 5_000]).exclude(status=status).update(status=status)
                changed[status] = changed.get(status, 0) + n
        if campaign.state == CampaignState.RUNNING and not _queued_or_sending(campaign):
            Campaign.objects.filter(pk=campaign.pk, state=CampaignState.RUNNING).update(
                state=CampaignState.COMPLETED, finished_at=timezone.now()
            )
    return changed


def _queued_or_sending(campaign: Campaign) -> bool:
    return OutboundMessage.objects.filter(
        pk__in=Target.objects.filter(campaign=campaign, outbound__isnull=False).values("outbound_id"),
        state__in=(State.QUEUED, State.SENDING),
    ).exists()


def campaign_preview_seen(*, campaign: Campaign, actor, preview: dict, channel: str = "web") -> None:
    """A preview shows sample messages (names, masked NPWPs, letter numbers, amounts): one audit entry each time."""
    summary = Phrase("preview of campaign %(name)s viewed", name=campaign.name)
    detail = {"messages": preview.get("count"), "samples": len(preview.get("samples") or [])}
    audit_record(action="campaign.preview", actor=actor, obj=campaign, channel=channel, summary=summary, detail=detail)


def letter_fetched(*, target: Target) -> None:
    """WhatsApp fetched a message's PDF (the Surat Teguran, through its signed link): one audit entry each time."""
    audit_record(
        action="campaign.pdf_fetch",
        obj=target.campaign,
        taxpayer=target.taxpayer,
        channel="whatsapp",
        summary=Phrase("PDF of Surat Teguran %(number)s fetched", number=target.letter.number),
        detail={"target": target.pk},
    )


def campaigns_start_due(*, now: dt.datetime | None = None) -> list[int]:
    """Approved campaigns whose scheduled start has come are started by the system (the approval is the order)."""
    now = now or timezone.now()
    started = []
    for campaign in Campaign.objects.filter(state=CampaignState.APPROVED, scheduled_start__lte=now):
        try:
            campaign_start(campaign=campaign, actor=None, channel="job", now=now)
            started.append(campaign.pk)
        except CampaignError:
            continue
    return started


def campaigns_tick(*, now: dt.datetime | None = None) -> dict:
    """The minute job: start due campaigns, then sync every running (or paused) campaign's targets with the
    outbox and complete those with nothing left to send, and render again the letters of a render a stopped worker
    lost. One failing campaign does not stop the others."""
    started = campaigns_start_due(now=now)
    synced = 0
    for campaign in Campaign.objects.filter(state__in=(CampaignState.RUNNING, CampaignState.PAUSED)).order_by("id"):
        try:
            campaign_sync(campaign=campaign)
            synced += 1
        except Exception:  # noqa: BLE001 - logged with its campaign; the others still sync
            log.exception("campaign %s: sync failed", campaign.pk)
    return {"started": started, "synced": synced, "renders_resumed": resume_stalled_renders(now=now)}
