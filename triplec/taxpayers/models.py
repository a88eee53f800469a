from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from triplec.core.fields import actor_fk, optional_fk
from triplec.core.identifiers import format_npwp
from triplec.core.masking import mask_npwp


class TaxpayerType(models.TextChoices):
    OP = "OP", _("Individual (OP)")
    BADAN = "BADAN", _("Entity (Badan)")


class Taxpayer(models.Model):
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="taxpayers", verbose_name=_("office")
    )
    npwp16 = models.CharField(_("NPWP (16 digits)"), max_length=16, unique=True)
    npwp15 = models.CharField(_("legacy NPWP (15 digits)"), max_length=15, blank=True, db_index=True)
    nik = models.CharField(_("NIK"), max_length=16, blank=True, db_index=True)
    nitku = models.CharField(_("NITKU"), max_length=22, blank=True)
    # No index: search is `icontains` and the list page aggregates and sorts, neither of which an index on
    # name serves, while a million-row import paid for it on every insert.
    name = models.CharField(_("name"), max_length=200)
    taxpayer_type = models.CharField(_("type"), max_length=5, choices=TaxpayerType.choices, default=TaxpayerType.OP)
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    account_representative = optional_fk(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="assigned_taxpayers",
        verbose_name=_("account representative"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("taxpayer")
        verbose_name_plural = _("taxpayers")

    def __str__(self) -> str:
        return f"{self.name} ({self.npwp_display})"

    @property
    def npwp_display(self) -> str:
        return format_npwp(self.npwp16)

    @property
    def npwp_masked(self) -> str:
        return mask_npwp(self.npwp16)

    def active_flags(self):
        today = timezone.localdate()
        return [f for f in self.flags.all() if f.expires_on is None or f.expires_on >= today]


class FlagKind(models.TextChoices):
    DECEASED = "deceased", _("deceased")
    BANKRUPT = "bankrupt", _("bankrupt")
    LIQUIDATION = "liquidation", _("in liquidation")


class TaxpayerFlag(models.Model):
    """A condition that stops or changes collection (no messages to a deceased taxpayer, say)."""

    taxpayer = models.ForeignKey(Taxpayer, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(_("kind"), max_length=20, choices=FlagKind.choices)
    reason = models.CharField(_("reason"), max_length=300)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = actor_fk()

    class Meta:
        verbose_name = _("taxpayer flag")
        verbose_name_plural = _("taxpayer flags")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.reason}"


class ContactSource(models.TextChoices):
    REGISTRATION = "registration", _("NPWP registration")
    DATA_CHANGE = "data_change", _("data-change request")
    ONLINE_PROFILE = "online_profile", _("online profile")
    STAFF = "staff", _("entered by staff")
    WHATSAPP = "whatsapp", _("reported by the number's user over WhatsApp")


class ContactStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    OPTED_OUT = "opted_out", _("opted out")
    UNDELIVERABLE = "undeliverable", _("undeliverable")
    WRONG_NUMBER = "wrong_number", _("wrong number")


def _status_label(code: str) -> str:
    return str(ContactStatus(code).label) if code in ContactStatus.values else code


class Contact(models.Model):
    """A taxpayer's registered WhatsApp contact. One number may be registered by several taxpayers."""

    taxpayer = models.OneToOneField(Taxpayer, on_delete=models.CASCADE, related_name="contact")
    phone = models.CharField(
        _("WhatsApp number"), max_length=20, blank=True, db_index=True, help_text=_("E.164, e.g. +6281234567890")
    )
    wa_user_id = models.CharField(_("WhatsApp user id (BSUID)"), max_length=140, blank=True, db_index=True)
    source = models.CharField(
        _("source"), max_length=20, choices=ContactSource.choices, default=ContactSource.REGISTRATION
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ContactStatus.choices, default=ContactStatus.ACTIVE)
    status_reason = models.CharField(_("status reason"), max_length=300, blank=True)
    number_changed_at = models.DateTimeField(_("number changed at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("WhatsApp contact")
        verbose_name_plural = _("WhatsApp contacts")

    def __str__(self) -> str:
        return self.phone or self.wa_user_id


class ContactChange(models.Model):
    """History of a contact: every change of number (and of status), who made it, when, from which source."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    # Not indexed: nothing looks history up by who made it, and imports write a row per contact.
    changed_by = actor_fk(db_index=False)
    source = models.CharField(_("source"), max_length=20, choices=ContactSource.choices)
    old_phone = models.CharField(_("old number"), max_length=20, blank=True)
    new_phone = models.CharField(_("new number"), max_length=20, blank=True)
    old_status = models.CharField(_("old status"), max_length=20, blank=True)
    new_status = models.CharField(_("new status"), max_length=20, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("contact change")
        verbose_name_plural = _("contact changes")

    # The status columns keep the code (no choices, so no migration); pages show the translated label.
    @property
    def old_status_label(self) -> str:
        return _status_label(self.old_status)

    @property
    def new_status_label(self) -> str:
        return _status_label(self.new_status)
