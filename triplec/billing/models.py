"""Billing codes (kode billing) issued for debt documents, and the log of every exchange with the issuer."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from triplec.core.fields import actor_fk, optional_fk


class BillingCode(models.Model):
    """A 15-digit code a taxpayer pays with at a bank or post office. Covers one or several documents."""

    code = models.CharField(_("billing code"), max_length=15, unique=True)
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="billing_codes")
    taxpayer = models.ForeignKey("taxpayers.Taxpayer", on_delete=models.PROTECT, related_name="billing_codes")
    amount = models.BigIntegerField(_("amount"))
    issued_at = models.DateTimeField(_("issued at"))
    # As returned by the issuer; never computed here (DJP may change the validity).
    expires_at = models.DateTimeField(_("expires at"))
    # Sorted "document_id:amount" pairs: the same open items give the same key (idempotent issue).
    items_key = models.CharField(max_length=2000, db_index=True)
    gateway = models.CharField(_("issuer"), max_length=40)
    channel = models.CharField(_("channel"), max_length=20, default="web")
    requested_by = actor_fk()
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="billing_amount_positive")]
        verbose_name = _("billing code")
        verbose_name_plural = _("billing codes")

    def __str__(self) -> str:
        return self.code

    def is_expired(self, at=None) -> bool:
        return (at or timezone.now()) >= self.expires_at

    @property
    def code_display(self) -> str:
        """Grouped for reading aloud or typing at an ATM: 0123 4567 8901 234."""
        return " ".join(self.code[i : i + 4] for i in range(0, 15, 4))


class BillingCodeItem(models.Model):
    """One document on a code, with the data the issuer was given for it."""

    billing_code = models.ForeignKey(BillingCode, on_delete=models.CASCADE, related_name="items")
    document = models.ForeignKey("ledger.DebtDocument", on_delete=models.PROTECT, related_name="billing_items")
    npwp = models.CharField(_("NPWP"), max_length=16)
    kap = models.CharField(_("KAP"), max_length=6)
    kjs = models.CharField(_("KJS"), max_length=3)
    period_start = models.DateField(_("tax period start"))
    period_end = models.DateField(_("tax period end"))
    tax_year = models.PositiveSmallIntegerField(_("tax year"))
    document_number = models.CharField(_("document number"), max_length=60)
    amount = models.BigIntegerField(_("amount"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["billing_code", "document"], name="billing_item_unique")]
        verbose_name = _("billing code item")
        verbose_name_plural = _("billing code items")


class ExchangeOutcome(models.TextChoices):
    OK = "ok", _("issued")
    PERMANENT = "permanent", _("refused")
    TRANSIENT = "transient", _("temporary failure")


class GatewayExchange(models.Model):
    """Every request to the issuer and its answer, kept for disputes and for DJP's audit."""

    gateway = models.CharField(_("issuer"), max_length=40)
    taxpayer = optional_fk("taxpayers.Taxpayer", on_delete=models.SET_NULL, related_name="+")
    request = models.JSONField(_("request"))
    response = models.JSONField(_("response"), default=dict, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=ExchangeOutcome.choices)
    error = models.CharField(_("error"), max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    billing_code = optional_fk(BillingCode, on_delete=models.SET_NULL, related_name="exchanges")
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("issuer exchange")
        verbose_name_plural = _("issuer exchanges")
