"""Failed messages of a campaign: their letters are free again, and the section head can send them again.

A message that failed (WhatsApp refused it, or could not fetch its PDF, or it expired unsent) was never
received, so it must not block its letter: its target's `messaged` flag is cleared (selection.messaged_targets
already ignores it), and a later campaign may take the letter.

Resending is an action of the section head (`campaign.run`), not a new maker-checker round: the section head
is the checker who approved this campaign's content and targets, and a resend sends exactly that content to
those targets again, once the cause is fixed (the template approved, the PDF served, the number corrected).
It needs the approval to be still valid (no change since) and the template approved; each resent message gets
a new outbox row planned within office hours from now, and the resend is in the audit log with its reason.
A resent message whose letter is not stored waits for it like a started one (letters.py); one resent while the
campaign is paused is held with the others until the campaign resumes.
"""

import datetime as dt
import uuid
from collections import Counter

from django.db import transaction
from django.utils import timezone

from triplec.audit.services import audit_record
from triplec.core.phrases import Phrase
from triplec.messaging.models import OutboundMessage, State

from .guards import CampaignError, approved_template, lock_campaign, require_runner
from .letters import hold_for_letter, letter_missing, render_ahead
from .links import BulkSigner
from .models import Campaign, CampaignState, Criterion, Target, TargetStatus
from .payload import restamped
from .planning import FAR_FUTURE, plan_campaign_sends
from .selection import FAILED_STATES, messaged_targets

RESENDABLE_STATES = (CampaignState.RUNNING, CampaignState.PAUSED, CampaignState.COMPLETED)
# A resent message goes to the same person, through the same channel and lane, with the same template and body shape.
RESENT_AS_IT_WAS = ("channel", "taxpayer_id", "to", "recipient", "kind", "shape_id", "template", "lane")


def release_failed_targets(*, office_id: int) -> int:
    """Clear `messaged` (and mark failed) on every target of the office whose message failed: its letter is free."""
    ids = list(
        Target.objects.filter(
            messaged=True, campaign__office_id=office_id, outbound__state__in=FAILED_STATES
        ).values_list("pk", flat=True)
    )
    for i in range(0, len(ids), 5_000):
        Target.objects.filter(pk__in=ids[i : i + 5_000]).update(messaged=False, status=TargetStatus.FAILED)
    return len(ids)


def failed_reasons(campaign: Campaign) -> list[tuple[str, int]]:
    """(reason, count) of the campaign's failed messages, most frequent first: the choices of a resend."""
    reasons = Counter(
        Target.objects.filter(campaign=campaign, outbound__state__in=FAILED_STATES)
        .exclude(status=TargetStatus.CANCELLED)
        .values_list("outbound__error_reason", flat=True)
    )
    return [(r or "-", n) for r, n in reasons.most_common()]


@transaction.atomic
def campaign_resend_failed(
    *, campaign: Campaign, actor, reason: str = "", channel: str = "web", now: dt.datetime | None = None
) -> dict[str, int]:
    """Queue again the campaign's failed messages (all, or those that failed with `reason`). Returns counts:
    resent, and skipped (the letter was messaged by another campaign since)."""
    now = now or timezone.now()
    campaign = lock_campaign(campaign, "office", "template__channel")
    require_runner(actor, campaign.office)
    if actor is None:
        raise CampaignError("forbidden", "Pengiriman ulang dilakukan oleh Kepala Seksi.")
    if campaign.state not in RESENDABLE_STATES:
        raise CampaignError(
            "bad_state", "Hanya kampanye yang sudah dimulai dan tidak dibatalkan yang dapat dikirim ulang."
        )
    if not campaign.approval_valid:
        raise CampaignError("not_approved", "Kampanye berubah setelah disetujui: perlu persetujuan ulang.")
    template = approved_template(campaign)
    release_failed_targets(office_id=campaign.office_id)
    targets = (
        Target.objects.filter(campaign=campaign, outbound__state__in=FAILED_STATES)
        .exclude(status=TargetStatus.CANCELLED)
        .select_related("outbound")
        .order_by("id")
    )
    if reason:
        targets = targets.filter(outbound__error_reason="" if reason == "-" else reason)
    targets = list(targets)
    taken: set[int] = set()
    if campaign.criterion == Criterion.NEW_TEGURAN:
        taken = set(
            messaged_targets(campaign.office_id)
            .exclude(campaign=campaign)
            .filter(criterion=Criterion.NEW_TEGURAN, letter_id__in=[t.letter_id for t in targets])
            .values_list("letter_id", flat=True)
        )
    targets = [t for t in targets if t.letter_id not in taken]
    wa_channel = template.channel
    plan, grace = plan_campaign_sends(
        office=campaign.office,
        recipients=[t.outbound.to or t.outbound.recipient for t in targets],
        start=now,
        rate=wa_channel.messages_per_second,
    )
    signer = BulkSigner()
    created_by = actor if getattr(actor, "is_authenticated", False) else None
    with_letters, hold = template.header_type == "DOCUMENT", hold_for_letter()
    paused = campaign.state == CampaignState.PAUSED
    missing = 0
    for target, at in zip(targets, plan.send_after):
        old = target.outbound
        payload = restamped(old.payload, signer, at) if old.shape_id else old.payload
        due, until = at, at + grace
        if with_letters and letter_missing(target.public_id):
            missing += 1
            if hold:
                due = FAR_FUTURE  # waits for its letter (letters.py releases it)
        if paused:
            due = until = FAR_FUTURE  # held with the campaign's other messages; resume plans them again
        message = OutboundMessage.objects.create(
            idempotency_key=f"campaign:{campaign.pk}:resend:{uuid.uuid4().hex}:{target.taxpayer_id}:{target.letter_id}",
            **{field: getattr(old, field) for field in RESENT_AS_IT_WAS},
            payload=payload,
            state=State.QUEUED,
            next_attempt_at=due,
            not_after=until,
            created_by=created_by,
            created_at=now,
        )
        target.outbound, target.status, target.messaged = message, TargetStatus.QUEUED, True
        target.save(update_fields=["outbound", "status", "messaged"])
    if targets and campaign.state == CampaignState.COMPLETED:
        campaign.state, campaign.finished_at = CampaignState.RUNNING, None
        campaign.save(update_fields=["state", "finished_at", "updated_at"])
    counts = {"resent": len(targets), "skipped": len(taken)}
    summary = Phrase("campaign %(name)s: %(n)s failed messages sent again", name=campaign.name, n=len(targets))
    detail = {**counts, "reason": reason or "semua"}
    audit_record(action="campaign.resend", actor=actor, obj=campaign, channel=channel, summary=summary, detail=detail)
    if missing:
        render_ahead(campaign.pk)  # renders the missing letters and releases the messages waiting for them
    return counts
