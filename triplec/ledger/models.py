import calendar
import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from triplec.audit.actions import channel_label
from triplec.core.fields import actor_fk, optional_fk

# The Surat Paksa may follow 21 days after the Surat Teguran was delivered (UU PPSP Pasal 8).
SURAT_PAKSA_DAYS_AFTER_DELIVERY = 21


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day-of-month `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class DocumentType(models.TextChoices):
    STP = "STP", "STP"
    SKPKB = "SKPKB", "SKPKB"
    SKPKBT = "SKPKBT", "SKPKBT"
    SK_PEMBETULAN = "SK_PEMBETULAN", "SK Pembetulan"
    SK_KEBERATAN = "SK_KEBERATAN", "SK Keberatan"
    PUTUSAN_BANDING = "PUTUSAN_BANDING", "Putusan Banding"
    PUTUSAN_PK = "PUTUSAN_PK", "Putusan PK"


class DocumentState(models.TextChoices):
    OPEN = "open", _("open")
    INSTALMENT = "instalment", _("instalment or deferral approved")
    OBJECTION = "objection", _("objection or appeal pending")
    PAID = "paid", _("paid")
    CLEARED = "cleared", _("cleared")
    CANCELLED = "cancelled", _("cancelled")
    WRITTEN_OFF = "written_off", _("written off")
    SUSPENDED = "suspended", _("collection suspended")


# States that need a reason when set.
STATES_NEEDING_REASON = (DocumentState.CANCELLED, DocumentState.WRITTEN_OFF, DocumentState.SUSPENDED)


class DebtDocument(models.Model):
    """A debt document (dasar penagihan): STP, SKPKB, SKPKBT, SK, Putusan. Amounts in whole rupiah."""

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="documents")
    taxpayer = models.ForeignKey("taxpayers.Taxpayer", on_delete=models.PROTECT, related_name="documents")
    document_type = models.CharField(_("document type"), max_length=20, choices=DocumentType.choices)
    number = models.CharField(_("document number"), max_length=60)
    issue_date = models.DateField(_("issue date"))
    kap = models.CharField(_("KAP"), max_length=6)
    kjs = models.CharField(_("KJS"), max_length=3)
    period_start = models.DateField(_("tax period start"))
    period_end = models.DateField(_("tax period end"))
    tax_year = models.PositiveSmallIntegerField(_("tax year"))
    principal = models.BigIntegerField(_("principal"))
    sanctions = models.BigIntegerField(_("sanctions"), default=0)
    amount_due = models.BigIntegerField(_("amount still payable"))
    due_date = models.DateField(_("due date"))
    state = models.CharField(
        _("state"), max_length=20, choices=DocumentState.choices, default=DocumentState.OPEN, db_index=True
    )
    state_reason = models.CharField(_("state reason"), max_length=300, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["issue_date", "number"]
        constraints = [
            models.UniqueConstraint(fields=["office", "number"], name="document_number_unique_per_office"),
            models.CheckConstraint(
                condition=models.Q(principal__gte=0, sanctions__gte=0, amount_due__gte=0),
                name="document_amounts_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["taxpayer", "kap", "period_start"])]
        verbose_name = _("debt document")
        verbose_name_plural = _("debt documents")

    def __str__(self) -> str:
        return f"{self.get_document_type_display()} {self.number}"

    @staticmethod
    def default_due_date(issue_date: dt.date) -> dt.date:
        return add_months(issue_date, 1)


class SuratTeguran(models.Model):
    """The warning letter (collection, UU PPSP). Covers one or more documents."""

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="teguran")
    taxpayer = models.ForeignKey("taxpayers.Taxpayer", on_delete=models.PROTECT, related_name="teguran")
    number = models.CharField(_("letter number"), max_length=60)
    issue_date = models.DateField(_("letter date"))
    delivered_date = models.DateField(_("delivered date"), null=True, blank=True)
    documents = models.ManyToManyField(DebtDocument, related_name="teguran", verbose_name=_("documents"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issue_date", "number"]
        constraints = [models.UniqueConstraint(fields=["office", "number"], name="teguran_number_unique_per_office")]
        verbose_name = _("Surat Teguran")
        verbose_name_plural = _("Surat Teguran")

    def __str__(self) -> str:
        return f"ST {self.number}"

    @property
    def surat_paksa_due_date(self) -> dt.date | None:
        """Derived, never typed: delivered + 21 calendar days."""
        if self.delivered_date is None:
            return None
        return self.delivered_date + dt.timedelta(days=SURAT_PAKSA_DAYS_AFTER_DELIVERY)


class SuratPaksa(models.Model):
    """The distress warrant, served by the bailiff (Juru Sita)."""

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="paksa")
    taxpayer = models.ForeignKey("taxpayers.Taxpayer", on_delete=models.PROTECT, related_name="paksa")
    teguran = optional_fk(SuratTeguran, on_delete=models.PROTECT, related_name="paksa")
    number = models.CharField(_("letter number"), max_length=60)
    issue_date = models.DateField(_("issue date"))
    served_date = models.DateField(_("served date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issue_date"]
        constraints = [models.UniqueConstraint(fields=["office", "number"], name="paksa_number_unique_per_office")]
        verbose_name = _("Surat Paksa")
        verbose_name_plural = _("Surat Paksa")

    def __str__(self) -> str:
        return f"SP {self.number}"


class MatchMethod(models.TextChoices):
    """How a payment found its documents; empty while it waits in the unmatched queue."""

    BILLING_CODE = "billing_code", _("billing code")
    DOCUMENT_NUMBER = "document_number", _("NPWP and document number")
    KAP_PERIOD = "kap_period", _("NPWP, KAP and tax period")
    MANUAL = "manual", _("assigned by staff")


class Payment(models.Model):
    """Money received in Kas Negara, proven by its NTPN. May be unmatched (no taxpayer yet)."""

    ntpn = models.CharField(_("NTPN"), max_length=16, unique=True)
    billing_code = models.CharField(_("billing code"), max_length=15, blank=True, db_index=True)
    office = optional_fk("offices.Office", on_delete=models.PROTECT, related_name="payments")
    taxpayer = optional_fk("taxpayers.Taxpayer", on_delete=models.PROTECT, related_name="payments")
    npwp = models.CharField(_("NPWP as received"), max_length=16, blank=True)
    document_number = models.CharField(_("document number as received"), max_length=60, blank=True)
    kap = models.CharField(_("KAP"), max_length=6, blank=True)
    kjs = models.CharField(_("KJS"), max_length=3, blank=True)
    amount = models.BigIntegerField(_("amount"))
    paid_at = models.DateTimeField(_("paid at"))
    bank = models.CharField(_("bank"), max_length=100, blank=True)
    documents = models.ManyToManyField(DebtDocument, through="PaymentAllocation", related_name="payments")
    # Added for matching and clearing (issue 5).
    period_start = models.DateField(_("tax period start as received"), null=True, blank=True)
    match_method = models.CharField(
        _("matched by"), max_length=20, choices=MatchMethod.choices, blank=True, db_index=True
    )
    overpaid_amount = models.BigIntegerField(_("overpaid amount"), default=0)
    matched_at = models.DateTimeField(_("matched at"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=20, default="cli")  # cli, api, web
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-paid_at"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive")]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return f"NTPN {self.ntpn}"


class PaymentAllocation(models.Model):
    """How much of a payment went to which document."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    document = models.ForeignKey(DebtDocument, on_delete=models.PROTECT, related_name="allocations")
    amount = models.BigIntegerField(_("amount"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["payment", "document"], name="allocation_unique")]


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("waiting for verification")
    CONFIRMED = "confirmed", _("confirmed by a payment")
    REJECTED = "rejected", _("rejected by staff")


class PaymentClaim(models.Model):
    """A taxpayer's "sudah bayar" with an NTPN that no payment shows yet: receipts may arrive days later."""

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="payment_claims")
    taxpayer = models.ForeignKey("taxpayers.Taxpayer", on_delete=models.PROTECT, related_name="payment_claims")
    ntpn = models.CharField(_("NTPN"), max_length=16, db_index=True)
    channel = models.CharField(_("channel"), max_length=20, default="bot")
    status = models.CharField(
        _("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.PENDING, db_index=True
    )
    payment = optional_fk(Payment, on_delete=models.SET_NULL, related_name="claims")
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("claimed at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = actor_fk()

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["taxpayer", "ntpn"], name="claim_unique_per_taxpayer")]
        verbose_name = _("payment claim")
        verbose_name_plural = _("payment claims")

    def __str__(self) -> str:
        return f"klaim NTPN {self.ntpn}"

    @property
    def channel_label(self) -> str:
        return channel_label(self.channel)
