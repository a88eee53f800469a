from django.contrib import admin

from .models import BotTurn, Conversation, ConversationEvent, IdentityGuard, StaffTask


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("id", "office", "peer", "taxpayer", "state", "assigned_to", "last_message_at")
    list_filter = ("state", "office")
    raw_id_fields = ("peer", "taxpayer", "verified_taxpayer", "assigned_to", "channel")


@admin.register(StaffTask)
class StaffTaskAdmin(admin.ModelAdmin):
    list_display = ("id", "office", "kind", "summary", "created_at", "done_at")
    list_filter = ("kind", "office")
    raw_id_fields = ("taxpayer", "contact", "conversation", "done_by")


admin.site.register(BotTurn)
admin.site.register(ConversationEvent)
admin.site.register(IdentityGuard)
