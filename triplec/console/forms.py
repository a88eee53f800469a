"""Forms of the staff console. They validate and translate input; services and selectors do the work."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from triplec.core.inputs import BoundedDateField, QueryForm, check_date_range


class AuditFilterForm(QueryForm):
    label_suffix = ""
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    action = forms.CharField(label=_("Action"), required=False, max_length=40)
    actor = forms.CharField(label=_("User"), required=False, max_length=150)
    date_from = BoundedDateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = BoundedDateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        check_date_range(self, "date_from", "date_to")
        return cleaned

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        d = self.cleaned_data
        return {
            "query": d["q"].strip(),
            "action": d["action"].strip(),
            "actor": d["actor"].strip(),
            "date_from": d["date_from"],
            "date_to": d["date_to"],
        }


IMPORT_KINDS = [
    ("taxpayers", _("Taxpayers")),
    ("debts", _("Debt documents")),
    ("letters", _("Surat Teguran")),
    ("payments", _("Payments")),
]
IMPORT_EXTENSIONS = (".csv", ".xlsx", ".txt")


class ImportForm(forms.Form):
    label_suffix = ""
    kind = forms.ChoiceField(label=_("What the file holds"), choices=IMPORT_KINDS)
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("Columns as in the import format; the first row holds the column names."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(IMPORT_EXTENSIONS):
            raise forms.ValidationError(_("Only CSV and XLSX files can be imported."))
        if upload.size > settings.IMPORT_MAX_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB and was not imported; split it into smaller files.")
                % {"mb": settings.IMPORT_MAX_MB}
            )
        return upload
