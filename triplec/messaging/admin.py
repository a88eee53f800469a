from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from triplec.core.admin import ReadOnlyAdmin

from .models import Channel, InboundMessage, OutboundMessage, Peer, Template, WebhookEvent, mask_secret


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("display_number", "office", "phone_number_id", "provider", "messages_per_second", "is_active")
    readonly_fields = ("access_token_masked", "app_secret_masked", "verify_token_masked")

    @admin.display(description=_("access token"))
    def access_token_masked(self, obj):
        return mask_secret(obj.access_token)

    @admin.display(description=_("app secret"))
    def app_secret_masked(self, obj):
        return mask_secret(obj.app_secret)

    @admin.display(description=_("verify token"))
    def verify_token_masked(self, obj):
        return mask_secret(obj.verify_token)


@admin.register(Template)
class TemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "language", "version", "is_current", "category", "status")
    list_filter = ("status", "category", "is_current")
    search_fields = ("name",)


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "lane", "state", "attempts", "error_code", "created_at", "sent_at")
    list_filter = ("state", "lane", "kind")
    exclude = ("to", "recipient", "payload")  # personal data stays out of the admin list and form
    readonly_fields = ("idempotency_key", "wamid", "error_reason", "state")
    raw_id_fields = ("taxpayer", "template", "created_by")


@admin.register(Peer)
class PeerAdmin(admin.ModelAdmin):
    list_display = ("__str__", "profile_name", "last_inbound_at")
    raw_id_fields = ("contacts",)


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    list_display = ("id", "type", "sent_at")
    exclude = ("payload", "text")
    raw_id_fields = ("peer",)


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    """Read-only: quarantined events are re-processed or discarded in the console (audited), not edited here."""

    list_display = ("id", "received_at", "state", "reason_code", "processed_at", "attempts")
    list_filter = ("state", "reason_code")
    exclude = ("body",)  # personal data: the console shows it masked
