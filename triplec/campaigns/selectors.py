"""Reads of campaigns: the list an office sees, the preview before approval, the live progress."""

import datetime as dt
from collections import Counter, defaultdict

from django.conf import settings
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from triplec.core.dates import waktu
from triplec.core.money import rupiah
from triplec.ledger.kap import kap_label
from triplec.messaging.models import InboundMessage, OutboundMessage, State
from triplec.messaging.registry import render_template_parts
from triplec.offices.hours import hours_text, is_open, next_opening

from . import message as msg
from .models import Campaign, CampaignState, Criterion, Target, TargetStatus
from .planning import FAR_FUTURE, plan_campaign_sends, send_grace, waiting_for_letter
from .selection import REASONS, build_selection, reason_label

TIERS = (250, 2_000, 10_000, 100_000)


def visible_campaigns(user) -> QuerySet[Campaign]:
    qs = Campaign.objects.select_related("office", "maker", "approver", "template")
    if user.is_administrator and user.office_id is None:
        return qs
    return qs.filter(office_id=user.office_id)


def campaigns_to_approve(user) -> QuerySet[Campaign]:
    return visible_campaigns(user).filter(state=CampaignState.PENDING).exclude(maker=user)


def campaign_preview(campaign: Campaign, *, now: dt.datetime | None = None, samples: int = 5) -> dict:
    """Counts, amounts, breakdowns, sample messages exactly as the phone shows them, duration, cost, tier warning.
    Built by the same selection the start uses, so its counts are what will be queued (on unchanged data)."""
    now = now or timezone.now()
    selection = build_selection(campaign, now=now)
    queued = selection.queued
    total = sum(c.amount for c in queued)
    by_kap: dict[str, dict] = defaultdict(lambda: {"targets": 0, "amount": 0})
    for c in queued:
        seen = set()
        for d in c.notice.docs:
            row = by_kap[d.kap]
            row["amount"] += d.amount_due
            if d.kap not in seen:
                row["targets"] += 1
                seen.add(d.kap)
    reasons = selection.reason_counts()
    template = campaign.template
    recipients = [c.phone.lstrip("+") or c.recipient for c in queued]
    unique = len(set(recipients))
    tier = settings.CAMPAIGN_MESSAGING_TIER
    rate = template.channel.messages_per_second if template is not None else 80
    start = max(now, campaign.scheduled_start or now)
    plan, grace = plan_campaign_sends(office=campaign.office, recipients=recipients, start=start, rate=rate)
    # As the start will write them: the Surat Paksa sentence as of each message's last sending day.
    past_paksa_date = msg.stamp_send_by([c.notice for c in queued], plan.send_after, grace, campaign.office.time_zone)
    sample_rows = []
    for c in queued[:samples]:
        params = msg.params(c.notice)
        if template is not None:
            parts = render_template_parts(template, params)
            text = "\n\n".join(p for p in (parts["header"], parts["body"], parts["footer"]) if p)
            buttons = parts["buttons"]
        else:
            text, buttons = msg.render_text(c.notice), [b["text"] for b in msg.BUTTONS]
        sample_rows.append(
            {
                "text": text,
                "buttons": buttons,
                "document": "surat-teguran.pdf" if template and template.header_type == "DOCUMENT" else "",
                "letter": c.notice.letter_number,
            }
        )
    return {
        "count": len(queued),
        "selected": len(selection.candidates),
        "held_out": len(selection.held_out),
        "excluded": sum(reasons.values()),
        "unique_recipients": unique,
        "shared_numbers": len(recipients) - unique,
        "total_amount": total,
        "total_amount_display": rupiah(total),
        "by_kap": [
            {"kap": k, "label": kap_label(k), **v, "amount_display": rupiah(v["amount"])}
            for k, v in sorted(by_kap.items(), key=lambda kv: -kv[1]["amount"])
        ],
        "by_reason": [{"reason": r, "label": reason_label(r), "count": reasons[r]} for r in REASONS if reasons.get(r)],
        "samples": sample_rows,
        "rate": rate,
        "tier": tier,
        "over_tier": unique > tier,
        "next_tier": next((t for t in TIERS if t >= unique), None),
        "first_send": plan.first,
        "last_send": plan.last,
        "days": plan.days,
        "duration_seconds": int((plan.last - plan.first).total_seconds()) if plan.first else 0,
        "cost": len(queued) * campaign.price_per_message,
        "cost_display": rupiah(len(queued) * campaign.price_per_message),
        "past_paksa_date": past_paksa_date,
        "shows_past_paksa_date": campaign.criterion in (Criterion.UNPAID_DELIVERED, Criterion.LIST),
        "unknown_npwps": selection.unknown_npwps,
        "invalid_lines": selection.invalid_lines,
    }


def sending_window(
    campaign: Campaign,
    *,
    first: dt.datetime | None = None,
    last: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> dict | None:
    """When sending starts and ends, in the office's zone ("Kamis, 4 Desember 2026 pukul 08.00 WITA"): from
    the plan (`first`, `last`) before the start (as if it were started now), from the queued messages after it.
    None when nothing waits."""
    now = now or timezone.now()
    office = campaign.office
    if campaign.state in (CampaignState.RUNNING, CampaignState.PAUSED):
        ids = Target.objects.filter(campaign=campaign, outbound__isnull=False).values("outbound_id")
        queued = OutboundMessage.objects.filter(pk__in=ids, state=State.QUEUED)
        span = queued.exclude(next_attempt_at__gte=FAR_FUTURE).aggregate(
            first=Min("next_attempt_at"), last=Max("next_attempt_at")
        )
        # Messages waiting for their letter go at their planned time: their not_after minus the grace.
        waiting = (
            waiting_for_letter(queued).aggregate(first=Min("not_after"), last=Max("not_after"))
            if campaign.state == CampaignState.RUNNING
            else {"first": None, "last": None}
        )
        grace = send_grace()
        firsts = [t for t in (span["first"], waiting["first"] and waiting["first"] - grace) if t]
        lasts = [t for t in (span["last"], waiting["last"] and waiting["last"] - grace) if t]
        first, last = min(firsts, default=None), max(lasts, default=None)
    if first is None or last is None:
        return None
    starts = max(first, now)
    if not is_open(office, starts):
        starts = next_opening(office, starts)
    last = max(last, starts)
    begun = campaign.state in (CampaignState.RUNNING, CampaignState.PAUSED)
    starts_text = waktu(starts, office.time_zone, weekday=True)
    ends_text = waktu(last, office.time_zone, weekday=True)
    return {
        "starts": starts,
        "ends": last,
        "started": begun and starts <= now,
        # Not started yet, and the office is open: started now, the first messages go at once.
        "at_once": not begun and starts <= now,
        "starts_text": starts_text,
        "ends_text": ends_text,
        # Every message goes in the minute sending starts: one moment to name, not a start and an end.
        "one_minute": starts_text == ends_text,
        "open_now": is_open(office, now),
        "hours_text": hours_text(office),
        "paused": campaign.state == CampaignState.PAUSED,
    }


STATE_TO_STATUS = {
    "queued": TargetStatus.QUEUED,
    "sending": TargetStatus.QUEUED,
    "sent": TargetStatus.SENT,
    "delivered": TargetStatus.DELIVERED,
    "read": TargetStatus.READ,
    "failed": TargetStatus.FAILED,
    "expired": TargetStatus.FAILED,
}


def _messaged(campaign: Campaign):
    replied = Exists(
        InboundMessage.objects.filter(
            Q(context_wamid=OuterRef("outbound__wamid"))
            | Q(
                peer__wa_id=OuterRef("outbound__to"),
                peer__channel_id=OuterRef("outbound__channel_id"),
                sent_at__gte=OuterRef("outbound__sent_at"),
            )
        )
    )
    return (
        Target.objects.filter(campaign=campaign, outbound__isnull=False)
        .exclude(status=TargetStatus.CANCELLED)
        .annotate(replied=replied)
    )


def live_target_statuses(campaign: Campaign) -> dict[str, list[int]]:
    out: dict[str, list[int]] = defaultdict(list)
    for pk, state, sent_at, replied in _messaged(campaign).values_list(
        "pk", "outbound__state", "outbound__sent_at", "replied"
    ):
        status = TargetStatus.REPLIED if replied and sent_at else STATE_TO_STATUS.get(state, TargetStatus.QUEUED)
        out[status].append(pk)
    return out


def campaign_progress(campaign: Campaign) -> dict:
    """Live counts from the outbox (not from the targets' last sync): selected, held out, excluded, queued (and of
    those, how many wait for their letter to be rendered), sent, delivered, read, failed by reason, replied."""
    campaign.refresh_from_db(fields=["state", "finished_at"])
    base = Counter(dict(Target.objects.filter(campaign=campaign).values_list("status").annotate(n=Count("id"))))
    live: Counter = Counter()
    failed_by_reason: Counter = Counter()
    replied = 0
    for state, reason, sent_at, is_replied in _messaged(campaign).values_list(
        "outbound__state", "outbound__error_reason", "outbound__sent_at", "replied"
    ):
        status = STATE_TO_STATUS.get(state, TargetStatus.QUEUED)
        live[status] += 1
        if status == TargetStatus.FAILED:
            failed_by_reason[reason or "-"] += 1
        if is_replied and sent_at:
            replied += 1
    messaged = sum(live.values())
    return {
        "state": campaign.state,
        "state_display": str(campaign.get_state_display()),
        "selected": sum(base.values()),
        "held_out": base.get(TargetStatus.HELD_OUT, 0),
        "excluded": base.get(TargetStatus.EXCLUDED, 0),
        "cancelled": base.get(TargetStatus.CANCELLED, 0),
        "messaged": messaged,
        "queued": live[TargetStatus.QUEUED],
        # Of the queued: waiting for the worker to store their letter (PDF) before they may go.
        "preparing_letters": waiting_for_letter(
            OutboundMessage.objects.filter(pk__in=Target.objects.filter(campaign=campaign).values("outbound_id"))
        ).count(),
        # Cumulative: a read message was also sent and delivered.
        "sent": live[TargetStatus.SENT] + live[TargetStatus.DELIVERED] + live[TargetStatus.READ],
        "delivered": live[TargetStatus.DELIVERED] + live[TargetStatus.READ],
        "read": live[TargetStatus.READ],
        "failed": live[TargetStatus.FAILED],
        "failed_by_reason": dict(failed_by_reason.most_common()),
        "replied": replied,
        "finished": campaign.state in (CampaignState.COMPLETED, CampaignState.CANCELLED),
    }


def exclusion_breakdown(campaign: Campaign) -> list[dict]:
    rows = dict(
        Target.objects.filter(campaign=campaign, status=TargetStatus.EXCLUDED)
        .values_list("reason")
        .annotate(n=Count("id"))
    )
    return [{"reason": r, "label": reason_label(r), "count": rows[r]} for r in REASONS if rows.get(r)]
