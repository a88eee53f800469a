import csv
import io

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from triplec.core.fields import optional_fk
from triplec.core.phrases import Phrase, render


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
    actor = optional_fk(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, related_name="import_runs", verbose_name=_("imported by")
    )
    office = optional_fk(
        "offices.Office", on_delete=models.SET_NULL, related_name="import_runs", verbose_name=_("office")
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
    # The file-level problem, the notes and the report's first lines as phrases (core.phrases), shown in the
    # reader's language; `message` and `report_csv` hold the same in the language of the import.
    findings = models.JSONField(_("findings"), default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name} ({self.started_at:%Y-%m-%d %H:%M})"

    def shown_message(self) -> str:
        """The file-level problem, or else the notes, in the active language."""
        if not self.findings:
            return _legacy(self.message)
        if self.findings.get("problem"):
            return render(self.findings["problem"])
        return "; ".join(render(n) for n in self.findings.get("notes", []))

    def report_lines(self) -> list[dict[str, object]]:
        """The report's first lines ({row, column, value, error}) in the active language."""
        if not self.findings:
            return [{**line, "error": _legacy(line.get("error", ""))} for line in _csv_lines(self.report_csv)]
        lines = []
        for row, column, value, messages, rejected in self.findings.get("lines", []):
            text = "; ".join(render(m) for m in messages)
            lines.append(
                {
                    "row": row,
                    "column": column,
                    "value": value,
                    "error": text if rejected else gettext("warning: %(message)s") % {"message": text},
                }
            )
        return lines


def _csv_lines(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text))) if text else []


def _legacy(text: str) -> str:
    """Text stored before imports kept phrases: translated when it is a whole catalogue message."""
    prefix = "warning: "
    if text.startswith(prefix):
        return gettext("warning: %(message)s") % {"message": str(Phrase(text[len(prefix) :]))}
    return str(Phrase(text)) if text else ""
