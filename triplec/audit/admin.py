from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is evidence, nobody edits it."""

    list_display = ("at", "actor", "channel", "action", "office", "taxpayer", "summary")
    list_filter = ("action", "channel", "office")
    search_fields = ("summary", "object_id", "taxpayer__name", "taxpayer__npwp16", "actor__username")
    date_hierarchy = "at"
    list_select_related = ("actor", "office", "taxpayer")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
