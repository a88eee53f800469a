"""The live inbox's own data: who is on duty, canned replies per office, and service-level figures.

Conversations themselves (state, assignment, clocks) live in `triplec.conversations`; notes are that app's
`ConversationEvent` rows of kind "note", so they sit in the timeline where they were written.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from triplec.core.fields import actor_fk, optional_fk


class OfficerStatus(models.Model):
    """Whether an officer takes new conversations now, and how many open ones at most (round-robin cap)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_status")
    available = models.BooleanField(_("available"), default=False)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), default=8, help_text=_("open conversations at most before others get the next")
    )
    last_assigned_at = models.DateTimeField(_("last assigned at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("officer status")
        verbose_name_plural = _("officer statuses")

    def __str__(self) -> str:
        return f"{self.user} ({'on' if self.available else 'off'} duty, cap {self.capacity})"


class QuickReply(models.Model):
    """A canned answer of one office. Variables in braces ({nama}, {petugas}, {kantor}) are filled when used."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="quick_replies")
    title = models.CharField(_("title"), max_length=80)
    body = models.TextField(_("text"), max_length=2000)
    created_by = actor_fk()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["office", "title"], name="quick_reply_title_unique")]
        verbose_name = _("quick reply")
        verbose_name_plural = _("quick replies")

    def __str__(self) -> str:
        return self.title


class SlaRecord(models.Model):
    """Service-level figures of one conversation, in office-hours seconds, kept for the officers' reports."""

    conversation = models.OneToOneField(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="sla_record"
    )
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    officer = optional_fk(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, related_name="sla_records")
    first_response_seconds = models.PositiveIntegerField(null=True, blank=True)
    resolution_seconds = models.PositiveIntegerField(null=True, blank=True)
    first_response_breached = models.BooleanField(default=False)
    resolution_breached = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["officer", "updated_at"], name="sla_officer")]
        verbose_name = _("service-level record")
        verbose_name_plural = _("service-level records")
