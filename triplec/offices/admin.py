from django.contrib import admin

from .models import Holiday, Office


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "phone", "time_zone", "opens_at", "closes_at")
    search_fields = ("code", "name")
    inlines = [HolidayInline]
    fieldsets = (
        (None, {"fields": ("code", "name", "address", "phone", "time_zone", "opens_at", "closes_at", "working_days")}),
        (
            "Kop surat dan penandatangan",
            {"fields": ("letterhead", "emblem", "signer_title", "signer_name", "signer_nip")},
        ),
    )


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name", "office")
    list_filter = ("office",)
    date_hierarchy = "date"
