"""Reads for the dashboard and the audit page, always in the user's office scope."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from triplec.accounts.roles import Role
from triplec.audit.models import AuditEntry
from triplec.campaigns.models import CampaignState
from triplec.campaigns.selectors import campaigns_to_approve, visible_campaigns
from triplec.conversations.models import HUMAN_STATES, ConversationState
from triplec.inbox.selectors import queue
from triplec.inbox.sla import clocks
from triplec.ledger.kap import kap_label
from triplec.ledger.models import SURAT_PAKSA_DAYS_AFTER_DELIVERY, DebtDocument, Payment, SuratTeguran
from triplec.ledger.selectors import DebtTotals, collectible_q, owed_and_collectible, owed_documents
from triplec.taxpayers.selectors import scoped_to_user, visible_taxpayers


@dataclass(frozen=True)
class Dashboard:
    taxpayers: int
    owed: DebtTotals  # "masih harus dibayar"; the charts break this figure down
    collectible: DebtTotals  # "dapat ditagih sekarang"
    teguran_delivered: int
    teguran_undelivered: int
    paksa_due_soon: int
    payments_this_month: int
    paid_this_month: int
    by_kap: list[tuple[str, int]]
    by_age: list[tuple[str, int]]


AGE_BUCKETS = ((0, 90, "0–90"), (91, 180, "91–180"), (181, 365, "181–365"), (366, 730, "366–730"), (731, None, "> 730"))


def dashboard(user, today: dt.date | None = None) -> Dashboard:
    """The office's figures at a glance: what is owed, which letters are out, what came in this month."""
    today = today or timezone.localdate()
    owed, collectible = owed_and_collectible(scoped_to_user(DebtDocument.objects.all(), user))
    docs = owed_documents(user=user).order_by()
    teguran = scoped_to_user(SuratTeguran.objects.filter(closed_at__isnull=True), user)
    # Surat Paksa may be issued 21 days after delivery: due in the next 7 days = delivered 14 to 21 days ago.
    soon_from = today - dt.timedelta(days=SURAT_PAKSA_DAYS_AFTER_DELIVERY)
    soon_to = soon_from + dt.timedelta(days=7)
    paksa_due_soon = (
        teguran.filter(delivered_date__gte=soon_from, delivered_date__lte=soon_to, paksa__isnull=True)
        .filter(collectible_q("documents__"))
        .distinct()
        .count()
    )
    month_start = timezone.make_aware(dt.datetime.combine(today.replace(day=1), dt.time.min))
    payments = scoped_to_user(Payment.objects.filter(paid_at__gte=month_start), user).aggregate(
        n=Count("id"), amount=Sum("amount")
    )
    by_kap = [
        (kap_label(r["kap"]), r["amount"] or 0)
        for r in docs.values("kap").annotate(amount=Sum("amount_due")).order_by("-amount")
    ]
    by_age = []
    for low, high, label in AGE_BUCKETS:
        q = Q(due_date__lte=today - dt.timedelta(days=low))
        if high is not None:
            q &= Q(due_date__gt=today - dt.timedelta(days=high + 1))
        by_age.append((label, docs.filter(q).aggregate(a=Sum("amount_due"))["a"] or 0))
    not_due = docs.filter(due_date__gt=today).aggregate(a=Sum("amount_due"))["a"] or 0
    by_age.insert(0, ("not_due", not_due))
    return Dashboard(
        taxpayers=visible_taxpayers(user).count(),
        owed=owed,
        collectible=collectible,
        teguran_delivered=teguran.filter(delivered_date__isnull=False).count(),
        teguran_undelivered=teguran.filter(delivered_date__isnull=True).count(),
        paksa_due_soon=paksa_due_soon,
        payments_this_month=payments["n"] or 0,
        paid_this_month=payments["amount"] or 0,
        by_kap=by_kap[:10],
        by_age=by_age,
    )


def audit_entries(
    user, *, query: str = "", action: str = "", actor: str = "", date_from=None, date_to=None
) -> QuerySet[AuditEntry]:
    """The audit log of the user's office (all offices for administrators), newest first."""
    qs = AuditEntry.objects.select_related("actor", "taxpayer", "office")
    qs = scoped_to_user(qs, user)
    if query:
        qs = qs.filter(
            Q(summary__icontains=query)
            | Q(taxpayer__name__icontains=query)
            | Q(taxpayer__npwp16__contains=query.replace(".", "").replace("-", ""))
            | Q(object_id=query)
        )
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor__username=actor)
    if date_from:
        qs = qs.filter(at__gte=timezone.make_aware(dt.datetime.combine(date_from, dt.time.min)))
    if date_to:
        qs = qs.filter(at__lt=timezone.make_aware(dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min)))
    return qs.order_by("-at", "-id")


@dataclass(frozen=True)
class RoleFigures:
    """The figures a role acts on, shown above the office figures; None means the role does not see it."""

    awaiting_approval: int | None = None
    inbox_backlog: int | None = None
    sla_breaches: int | None = None
    my_taxpayers: int | None = None
    my_open_conversations: int | None = None
    campaigns_running: int | None = None
    open_conversations: int | None = None


# SLA clocks are computed per conversation in office hours; the dashboard looks at this many open ones at most.
SLA_SCAN_LIMIT = 2000


def _sla_breaches(conversations, now) -> int:
    breached = 0
    for c in conversations.select_related("office")[:SLA_SCAN_LIMIT]:
        k = clocks(c, now=now)
        breached += bool((not k["first_response_done"] and k["first_response_breached"]) or k["resolution_breached"])
    return breached


def role_figures(user, now: dt.datetime | None = None) -> RoleFigures:
    """Section head: approvals, inbox backlog, SLA breaches. AR: own taxpayers and open conversations. Office head:
    the office overview (running campaigns, open conversations, SLA breaches)."""
    now = now or timezone.now()
    figures: dict = {}
    if user.has_role(Role.SECTION_HEAD, Role.OFFICE_HEAD):
        open_human = queue(user, "office").filter(state__in=list(HUMAN_STATES))
        figures["sla_breaches"] = _sla_breaches(open_human, now)
    if user.has_role(Role.SECTION_HEAD):
        figures["awaiting_approval"] = campaigns_to_approve(user).count()
        figures["inbox_backlog"] = queue(user, "unassigned").count()
    if user.has_role(Role.OFFICE_HEAD):
        figures["campaigns_running"] = visible_campaigns(user).filter(state=CampaignState.RUNNING).count()
        figures["open_conversations"] = (
            queue(user, "office").filter(state__in=[ConversationState.OPEN, ConversationState.WAITING_OFFICER]).count()
        )
    if user.has_role(Role.ACCOUNT_REPRESENTATIVE):
        figures["my_taxpayers"] = visible_taxpayers(user).filter(account_representative=user).count()
        figures["my_open_conversations"] = queue(user, "mine").count()
    return RoleFigures(**figures)
