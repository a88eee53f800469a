import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from triplec.core.fields import optional_fk


def default_working_days() -> list[int]:
    return [0, 1, 2, 3, 4]  # Monday to Friday (datetime.weekday numbering)


DEFAULT_LETTERHEAD = "KEMENTERIAN KEUANGAN REPUBLIK INDONESIA\nDIREKTORAT JENDERAL PAJAK"


class Office(models.Model):
    """A KPP. Every taxpayer, document, letter and member of staff belongs to one."""

    code = models.CharField(_("KPP code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Makassar")
    opens_at = models.TimeField(_("opens at"), default=dt.time(8, 0))
    closes_at = models.TimeField(_("closes at"), default=dt.time(16, 0))
    working_days = models.JSONField(
        _("working days"), default=default_working_days, help_text=_("0 = Monday … 6 = Sunday")
    )
    # The letterhead of its letters (the Surat Teguran PDF): the lines above the office's name, its emblem, and
    # the official who signs them electronically.
    letterhead = models.TextField(
        _("letterhead lines"),
        blank=True,
        default=DEFAULT_LETTERHEAD,
        help_text=_("The lines above the office's name, one per line."),
    )
    emblem = models.ImageField(_("emblem"), upload_to="offices/emblems/", blank=True)
    signer_name = models.CharField(_("signing official"), max_length=150, blank=True)
    signer_nip = models.CharField(_("NIP of the signing official"), max_length=18, blank=True)
    signer_title = models.CharField(
        _("title of the signing official"), max_length=150, blank=True, default="Kepala Kantor"
    )
    # Every change of the calendar (hours, working days, holidays) touches it: long-running processes (the
    # dispatcher) compare it to see that what they hold is stale.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def letterhead_lines(self) -> list[str]:
        return [line.strip() for line in self.letterhead.splitlines() if line.strip()]


class Holiday(models.Model):
    """A day the office is closed. With no office it is a national holiday (libur nasional / cuti bersama)."""

    office = optional_fk(Office, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["office", "date"], name="holiday_unique_per_office")]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"
