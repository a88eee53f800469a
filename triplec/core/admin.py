"""What the Django admin of several apps shares: the admin of records nobody edits there."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows are looked at, never added, changed or deleted here: they are evidence, or the console's audited
    services change them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
