from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from triplec.core.admin import ReadOnlyAdmin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: the audit log is evidence, nobody edits it."""

    list_display = ("at", "actor", "channel", "action_shown", "office", "taxpayer", "summary_shown")
    list_filter = ("action", "channel", "office")
    search_fields = ("summary", "object_id", "taxpayer__name", "taxpayer__npwp16", "actor__username")
    date_hierarchy = "at"
    list_select_related = ("actor", "office", "taxpayer")

    @admin.display(description=_("action"), ordering="action")
    def action_shown(self, entry: AuditEntry) -> str:
        return entry.action_label

    @admin.display(description=_("summary"))
    def summary_shown(self, entry: AuditEntry) -> str:
        return entry.shown_summary
