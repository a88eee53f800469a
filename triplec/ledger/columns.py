"""The ledger's export columns: each a stable code (`?headers=codes`; the debt export's codes are also names the debts
import reads) and one header in the reader's language, whichever export shows it. Each export lists its codes in its
documented order (docs/console.md, "Exports")."""

from django.utils.translation import pgettext_lazy

LABELS = {
    "office_code": pgettext_lazy("export column", "Office code"),
    "npwp": "NPWP",
    "taxpayer": pgettext_lazy("export column", "Taxpayer"),
    "document_type": pgettext_lazy("export column", "Document type"),
    "document_number": pgettext_lazy("export column", "Document number"),
    "document_date": pgettext_lazy("export column", "Document date"),
    "kap": "KAP",
    "kap_name": pgettext_lazy("export column", "KAP name"),
    "kjs": "KJS",
    "tax_period_start": pgettext_lazy("export column", "Tax period start"),
    "tax_period_end": pgettext_lazy("export column", "Tax period end"),
    "tax_year": pgettext_lazy("export column", "Tax year"),
    "principal": pgettext_lazy("export column", "Principal"),
    "sanctions": pgettext_lazy("export column", "Sanctions"),
    "amount_due": pgettext_lazy("export column", "Amount due"),
    "due_date": pgettext_lazy("export column", "Due date"),
    "state": pgettext_lazy("export column", "State"),
    "account_representative": pgettext_lazy("export column", "Account representative"),
    "teguran_delivered_date": pgettext_lazy("export column", "Surat Teguran delivered on"),
    "teguran_number": pgettext_lazy("export column", "Surat Teguran number"),
    "teguran_date": pgettext_lazy("export column", "Surat Teguran date"),
    "delivered_date": pgettext_lazy("export column", "Delivered on"),
    "surat_paksa_due_date": pgettext_lazy("export column", "Surat Paksa due from"),
    "days_overdue": pgettext_lazy("export column", "Days overdue"),
    "address": pgettext_lazy("export column", "Address"),
    "city": pgettext_lazy("export column", "City"),
    "documents": pgettext_lazy("export column", "Documents"),
    "messages_sent": pgettext_lazy("export column", "Messages sent"),
    "replies": pgettext_lazy("export column", "Replies"),
    "billing_codes": pgettext_lazy("export column", "Billing codes issued"),
    "last_billing_code": pgettext_lazy("export column", "Last billing code"),
    "flags": pgettext_lazy("export column", "Flags"),
    "surat_paksa_number": pgettext_lazy("export column", "Surat Paksa number"),
    "surat_paksa_date": pgettext_lazy("export column", "Surat Paksa date"),
    "served_date": pgettext_lazy("export column", "Served on"),
}


def export_columns(codes: str) -> list[tuple[str, object]]:
    """The (code, header) pairs of the space-separated `codes`, in that order."""
    return [(code, LABELS[code]) for code in codes.split()]
