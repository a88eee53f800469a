from django.contrib import admin

from triplec.core.admin import ReadOnlyAdmin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: the audit log is evidence, nobody edits it."""

    list_display = ("at", "actor", "channel", "action", "office", "taxpayer", "summary")
    list_filter = ("action", "channel", "office")
    search_fields = ("summary", "object_id", "taxpayer__name", "taxpayer__npwp16", "actor__username")
    date_hierarchy = "at"
    list_select_related = ("actor", "office", "taxpayer")
