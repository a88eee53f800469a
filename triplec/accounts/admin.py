from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "office", "is_active", "is_staff")
    list_filter = ("office", "groups", "is_active")
    fieldsets = BaseUserAdmin.fieldsets + (("Kantor", {"fields": ("office", "full_name")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("Kantor", {"fields": ("office", "full_name")}),)
