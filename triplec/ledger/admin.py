"""Django admin for the ledger: for administrators only. Staff work in the console."""

from django.contrib import admin

from .models import DebtDocument, Payment, PaymentAllocation, SuratPaksa, SuratTeguran


@admin.register(DebtDocument)
class DebtDocumentAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "document_type",
        "taxpayer",
        "office",
        "kap",
        "kjs",
        "issue_date",
        "due_date",
        "amount_due",
        "state",
    )
    list_filter = ("office", "document_type", "state", "kap", "tax_year")
    search_fields = ("number", "taxpayer__name", "taxpayer__npwp16")
    list_select_related = ("taxpayer", "office")
    autocomplete_fields = ("taxpayer",)
    date_hierarchy = "issue_date"
    readonly_fields = ("created_at", "updated_at")


@admin.register(SuratTeguran)
class SuratTeguranAdmin(admin.ModelAdmin):
    list_display = ("number", "taxpayer", "office", "issue_date", "delivered_date", "surat_paksa_due_date", "closed_at")
    list_filter = ("office", ("delivered_date", admin.EmptyFieldListFilter))
    search_fields = ("number", "taxpayer__name", "taxpayer__npwp16")
    list_select_related = ("taxpayer", "office")
    autocomplete_fields = ("taxpayer",)
    filter_horizontal = ("documents",)
    date_hierarchy = "issue_date"
    readonly_fields = ("surat_paksa_due_date", "created_at")


@admin.register(SuratPaksa)
class SuratPaksaAdmin(admin.ModelAdmin):
    list_display = ("number", "taxpayer", "office", "issue_date", "served_date", "teguran")
    list_filter = ("office", ("served_date", admin.EmptyFieldListFilter))
    search_fields = ("number", "taxpayer__name", "taxpayer__npwp16")
    list_select_related = ("taxpayer", "office", "teguran")
    autocomplete_fields = ("taxpayer", "teguran")
    date_hierarchy = "issue_date"


class AllocationInline(admin.TabularInline):
    model = PaymentAllocation
    extra = 0
    autocomplete_fields = ("document",)


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("ntpn", "billing_code", "taxpayer", "office", "amount", "paid_at", "bank")
    list_filter = ("office", "bank")
    search_fields = ("ntpn", "billing_code", "taxpayer__name", "npwp", "document_number")
    list_select_related = ("taxpayer", "office")
    autocomplete_fields = ("taxpayer",)
    date_hierarchy = "paid_at"
    inlines = [AllocationInline]
