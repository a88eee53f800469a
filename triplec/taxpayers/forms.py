"""Forms of the taxpayer pages: the WhatsApp contact's number and status."""

from django import forms
from django.utils.translation import gettext_lazy as _

from triplec.core.identifiers import InvalidIdentifier, parse_whatsapp_number

from .models import ContactStatus


class ContactNumberForm(forms.Form):
    label_suffix = ""
    phone = forms.CharField(
        label=_("New WhatsApp number"),
        max_length=30,
        help_text=_("An Indonesian mobile number, e.g. 0812 3456 7890 or +62 812 3456 7890."),
    )
    note = forms.CharField(
        label=_("Reason for the change"),
        max_length=300,
        help_text=_("E.g. the taxpayer's data-change request number, or how the number was confirmed."),
    )

    def clean_phone(self) -> str:
        try:
            return parse_whatsapp_number(self.cleaned_data["phone"])
        except InvalidIdentifier:
            raise forms.ValidationError(_("This is not a valid Indonesian mobile number.")) from None


class ContactStatusForm(forms.Form):
    label_suffix = ""
    status = forms.ChoiceField(label=_("Contact status"), choices=ContactStatus.choices)
    reason = forms.CharField(label=_("Reason"), max_length=300)
