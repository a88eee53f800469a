"""Outreach campaigns (Call): who gets a message about which Surat Teguran, approved by a section head.

A campaign is a definition (criterion, filters, exclusion settings, hold-out, template) plus, once started, a
frozen list of targets. Every taxpayer the selection looked at is a target row: queued, held out or excluded
with a reason, so the counts a section head approved can be checked against what went out.
"""

import hashlib
import json
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from triplec.core.fields import optional_fk


class Criterion(models.TextChoices):
    NEW_TEGURAN = "a", _("(a) Surat Teguran newly issued")
    UNPAID_DELIVERED = "b", _("(b) Surat Teguran delivered and still unpaid")
    LIST = "c", _("(c) Uploaded NPWP list or saved filter")


class CampaignState(models.TextChoices):
    DRAFT = "draft", _("draft")
    PENDING = "pending_approval", _("pending approval")
    APPROVED = "approved", _("approved")
    RUNNING = "running", _("running")
    PAUSED = "paused", _("paused")
    COMPLETED = "completed", _("completed")
    CANCELLED = "cancelled", _("cancelled")


class MessagingTier(models.IntegerChoices):
    """Meta's messaging limit: unique users reached outside a customer-service window per moving 24 h."""

    T250 = 250, "250"
    T2K = 2_000, "2.000"
    T10K = 10_000, "10.000"
    T100K = 100_000, "100.000"


def new_seed() -> int:
    return secrets.randbelow(2**31)


# The fields whose change after approval sends the campaign back to the section head.
CONTENT_FIELDS = (
    "office_id",
    "name",
    "criterion",
    "days",
    "only_before_paksa",
    "reminder_interval_days",
    "reminder_max_count",
    "npwp_list",
    "saved_filter_id",
    "kaps",
    "amount_min",
    "amount_max",
    "account_representative_id",
    "letter_age_min_days",
    "letter_age_max_days",
    "minimum_amount",
    "frequency_cap_days",
    "exclude_paksa_stage",
    "holdout_percent",
    "holdout_seed",
    "template_id",
    "attach_pdf",
    "price_per_message",
    "scheduled_start",
)


class SavedFilter(models.Model):
    """A named selection an office reuses under criterion (c): the same filters a campaign has."""

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="campaign_filters")
    name = models.CharField(_("name"), max_length=120)
    filters = models.JSONField(
        _("filters"),
        default=dict,
        help_text=_(
            "kaps, amount_min, amount_max, account_representative_id, letter_age_min_days, letter_age_max_days"
        ),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["office", "name"], name="saved_filter_name_unique")]
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")

    def __str__(self) -> str:
        return self.name


class Campaign(models.Model):
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("office")
    )
    name = models.CharField(_("name"), max_length=200)
    criterion = models.CharField(_("criterion"), max_length=1, choices=Criterion.choices)
    # Criterion parameters.
    days = models.PositiveIntegerField(_("letters issued in the last N days"), default=7)
    only_before_paksa = models.BooleanField(_("only before the Surat Paksa date"), default=True)
    reminder_interval_days = models.PositiveIntegerField(_("minimum days between reminders"), default=7)
    reminder_max_count = models.PositiveIntegerField(_("maximum messages per letter"), default=3)
    npwp_list = models.TextField(_("NPWP list"), blank=True, help_text=_("16-digit NPWPs, one per line"))
    saved_filter = optional_fk(SavedFilter, on_delete=models.PROTECT, related_name="+", verbose_name=_("saved filter"))
    # Filters.
    kaps = models.CharField(
        _("tax types (KAP)"), max_length=200, blank=True, help_text=_("comma-separated, empty = all")
    )
    amount_min = models.BigIntegerField(_("amount from"), null=True, blank=True)
    amount_max = models.BigIntegerField(_("amount up to"), null=True, blank=True)
    account_representative = optional_fk(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("account representative")
    )
    letter_age_min_days = models.PositiveIntegerField(_("letter at least N days old"), null=True, blank=True)
    letter_age_max_days = models.PositiveIntegerField(_("letter at most N days old"), null=True, blank=True)
    # Exclusion settings.
    minimum_amount = models.BigIntegerField(_("minimum amount"), default=0)
    frequency_cap_days = models.PositiveIntegerField(_("not contacted within the last X days"), default=3)
    exclude_paksa_stage = models.BooleanField(_("exclude letters already at Surat Paksa stage"), default=True)
    # Hold-out (control group) with the seed that makes the draw reproducible.
    holdout_percent = models.PositiveSmallIntegerField(_("hold-out share (%)"), default=0)
    holdout_seed = models.BigIntegerField(_("hold-out seed"), default=new_seed)
    # Message.
    template = optional_fk("messaging.Template", on_delete=models.PROTECT, related_name="+", verbose_name=_("template"))
    attach_pdf = models.BooleanField(_("attach the notice as a PDF"), default=True)
    price_per_message = models.PositiveIntegerField(_("price per message (Rp)"), default=0)
    scheduled_start = models.DateTimeField(_("scheduled start"), null=True, blank=True)
    # Life cycle.
    state = models.CharField(
        _("state"), max_length=20, choices=CampaignState.choices, default=CampaignState.DRAFT, db_index=True
    )
    maker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("maker")
    )
    approver = optional_fk(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("approver")
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_hash = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    plan = models.JSONField(_("sending plan"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(holdout_percent__lte=50), name="campaign_holdout_at_most_half"),
        ]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    # Not started yet: the campaign may still be edited, submitted and approved (an edit after approval sends it
    # back to the section head). From running on, its content is fixed.
    EDITABLE_STATES = (CampaignState.DRAFT, CampaignState.PENDING, CampaignState.APPROVED)

    def __str__(self) -> str:
        return self.name

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES

    def content_hash(self) -> str:
        """What the section head approved: any change of these fields changes the hash."""
        content = {f: getattr(self, f) for f in CONTENT_FIELDS}
        content["template_version"] = getattr(self.template, "version", None) if self.template_id else None
        return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()

    @property
    def approval_valid(self) -> bool:
        return bool(self.approved_at and self.approver_id and self.approved_hash == self.content_hash())

    @property
    def kap_list(self) -> list[str]:
        return [k.strip() for k in self.kaps.split(",") if k.strip()]


class TargetStatus(models.TextChoices):
    SELECTED = "selected", _("selected")
    HELD_OUT = "held_out", _("held out")
    EXCLUDED = "excluded", _("excluded")
    QUEUED = "queued", _("queued")
    SENT = "sent", _("sent")
    DELIVERED = "delivered", _("delivered")
    READ = "read", _("read")
    FAILED = "failed", _("failed")
    REPLIED = "replied", _("replied")
    CANCELLED = "cancelled", _("cancelled")


# Statuses of a target that was (or is about to be) messaged: these count for "already messaged", the
# frequency cap and reminder limits.
MESSAGED_STATUSES = (
    TargetStatus.QUEUED,
    TargetStatus.SENT,
    TargetStatus.DELIVERED,
    TargetStatus.READ,
    TargetStatus.REPLIED,
)


class Target(models.Model):
    # No single-column index on these three: the composite indexes and the unique constraint below start with
    # each of them and serve the same lookups, and every extra index is written for each of a start's targets.
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets", db_index=False)
    taxpayer = models.ForeignKey(
        "taxpayers.Taxpayer", on_delete=models.PROTECT, related_name="campaign_targets", db_index=False
    )
    letter = optional_fk(
        "ledger.SuratTeguran", on_delete=models.PROTECT, related_name="campaign_targets", db_index=False
    )
    criterion = models.CharField(max_length=1, choices=Criterion.choices)
    status = models.CharField(_("status"), max_length=10, choices=TargetStatus.choices, default=TargetStatus.SELECTED)
    reason = models.CharField(_("reason"), max_length=30, blank=True)
    # True once a message about this letter is queued: the unique constraint below is the real guard against a
    # second message about the same letter under criterion (a), across campaigns and racing processes.
    messaged = models.BooleanField(default=False)
    amount = models.BigIntegerField(_("amount"), default=0)
    kaps = models.CharField(max_length=100, blank=True)
    public_id = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text=_("the only identifier in the PDF link: reveals nothing about the taxpayer"),
    )
    # When it goes is the message's own `next_attempt_at` (pause and resume move it there).
    outbound = optional_fk("messaging.OutboundMessage", on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["letter"],
                condition=models.Q(criterion="a", messaged=True),
                name="one_new_teguran_message_per_letter",
            ),
            models.UniqueConstraint(fields=["campaign", "taxpayer", "letter"], name="target_unique_per_campaign"),
        ]
        indexes = [
            models.Index(fields=["campaign", "status"]),
            models.Index(fields=["taxpayer", "messaged", "created_at"]),
        ]
        verbose_name = _("campaign target")
        verbose_name_plural = _("campaign targets")
