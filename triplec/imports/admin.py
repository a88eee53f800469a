from django.contrib import admin

from .models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "kind",
        "file_name",
        "actor",
        "channel",
        "status",
        "imported",
        "updated",
        "unchanged",
        "rejected",
        "warnings",
        "exit_code",
    ]
    list_filter = ["kind", "status", "channel", "office"]
    search_fields = ["file_name", "actor__username"]
    readonly_fields = [f.name for f in ImportRun._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
