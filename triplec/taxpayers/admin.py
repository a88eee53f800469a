"""Django admin for taxpayers: for administrators only (only they have is_staff). Staff use the console."""

from django.contrib import admin

from triplec.core.admin import ReadOnlyAdmin

from .models import Contact, ContactChange, Taxpayer, TaxpayerFlag


class ContactInline(admin.StackedInline):
    model = Contact
    extra = 0
    fields = ("phone", "wa_user_id", "source", "verified_at", "status", "status_reason", "number_changed_at")
    readonly_fields = ("number_changed_at",)


class FlagInline(admin.TabularInline):
    model = TaxpayerFlag
    extra = 0
    fields = ("kind", "reason", "expires_on", "created_by", "created_at")
    readonly_fields = ("created_by", "created_at")


@admin.register(Taxpayer)
class TaxpayerAdmin(admin.ModelAdmin):
    list_display = ("name", "npwp16", "npwp15", "taxpayer_type", "office", "account_representative", "city")
    list_filter = ("office", "taxpayer_type", "flags__kind")
    search_fields = ("name", "npwp16", "npwp15", "nik", "contact__phone")
    list_select_related = ("office", "account_representative")
    autocomplete_fields = ("account_representative",)
    inlines = [ContactInline, FlagInline]
    readonly_fields = ("created_at", "updated_at")

    def save_formset(self, request, form, formset, change):
        """A flag set here carries who set it."""
        instances = formset.save(commit=False)
        for obj in instances:
            if isinstance(obj, TaxpayerFlag) and obj.created_by_id is None:
                obj.created_by = request.user
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(ContactChange)
class ContactChangeAdmin(ReadOnlyAdmin):
    """The contact history is evidence: read-only here, written by the contact services."""

    list_display = (
        "changed_at",
        "contact",
        "source",
        "old_phone",
        "new_phone",
        "old_status",
        "new_status",
        "changed_by",
    )
    list_filter = ("source",)
    search_fields = ("old_phone", "new_phone", "contact__taxpayer__name", "contact__taxpayer__npwp16")
    list_select_related = ("contact", "changed_by")
