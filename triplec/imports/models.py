from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    TAXPAYERS = "taxpayers", _("taxpayers")
    DEBTS = "debts", _("debt documents")
    LETTERS = "letters", _("Surat Teguran")
    PAYMENTS = "payments", _("payments")


class ImportRun(models.Model):
    """One import of one file, from the command line or the web console: who, when, what came of it.

    The report (one line per rejected or warned row) is written to `report_path`; the first lines are also kept
    here so that the console can show them after the file on disk is gone.
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("file rejected")

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_runs",
        verbose_name=_("imported by"),
    )
    office = models.ForeignKey(
        "offices.Office",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_runs",
        verbose_name=_("office"),
    )
    channel = models.CharField(_("channel"), max_length=20, default="cli")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows read"), default=0)
    imported = models.PositiveIntegerField(_("imported"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    warnings = models.PositiveIntegerField(_("warnings"), default=0)
    exit_code = models.PositiveSmallIntegerField(_("exit code"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)
    report_path = models.CharField(_("report file"), max_length=500, blank=True)
    report_csv = models.TextField(_("report (first lines)"), blank=True)
    report_truncated = models.BooleanField(_("report truncated"), default=False)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name} ({self.started_at:%Y-%m-%d %H:%M})"

    @property
    def summary(self) -> str:
        return (
            f"imported {self.imported}, updated {self.updated}, unchanged {self.unchanged}, "
            f"rejected {self.rejected}, warnings {self.warnings}"
        )
