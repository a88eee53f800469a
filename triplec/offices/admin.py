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


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name", "office")
    list_filter = ("office",)
    date_hierarchy = "date"
