from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from triplec.core.fields import optional_fk
from triplec.core.phrases import Phrase

from .actions import action_label, channel_label
from .legacy import legacy_phrase


class AuditEntry(models.Model):
    """Who saw, changed, sent, approved or disclosed what, about which taxpayer. Append-only."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = optional_fk(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # What the system did on its own (importer, bot, dispatcher) has no actor but a channel.
    channel = models.CharField(_("channel"), max_length=20, default="web")  # web, api, cli, bot, job
    action = models.CharField(_("action"), max_length=40, db_index=True)  # view, create, update, import, disclose...
    office = optional_fk("offices.Office", on_delete=models.PROTECT, related_name="+")
    taxpayer = optional_fk("taxpayers.Taxpayer", on_delete=models.PROTECT, related_name="+")
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    # The summary as a phrase (core.phrases), shown in the reader's language; `summary` holds it in the default
    # language (LANGUAGE_CODE), for search and for entries written before summaries were phrases.
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    summary_phrase = models.JSONField(_("summary (translatable)"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["taxpayer", "-at"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor or self.channel} {self.action} {self.summary}"

    @property
    def action_label(self) -> str:
        return action_label(self.action)

    @property
    def channel_label(self) -> str:
        return channel_label(self.channel)

    @property
    def shown_summary(self) -> str:
        """The summary in the active language; an entry from before phrases as audit.legacy reads it."""
        return str(Phrase.from_data(self.summary_phrase) if self.summary_phrase else legacy_phrase(self.summary))
