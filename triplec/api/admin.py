from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import TOKEN_PREFIX_LENGTH, ApiToken, hash_token, new_raw_token


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created here; the raw value is shown once, in the confirmation message, and never again."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username", "prefix")
    readonly_fields = ("prefix", "created_at", "last_used_at")
    fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if not change:
            raw = new_raw_token()
            obj.prefix, obj.token_hash = raw[: TOKEN_PREFIX_LENGTH + 4], hash_token(raw)
            super().save_model(request, obj, form, change)
            messages.warning(
                request, _("New token (copy it now, it will not be shown again): %(token)s") % {"token": raw}
            )
            return
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        n = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, _("%(n)s tokens revoked") % {"n": n})
