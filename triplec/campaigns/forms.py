from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from triplec.accounts.models import User

from .models import Campaign, SavedFilter

FIELDS = [
    "name",
    "criterion",
    "days",
    "only_before_paksa",
    "reminder_interval_days",
    "reminder_max_count",
    "npwp_list",
    "saved_filter",
    "kaps",
    "amount_min",
    "amount_max",
    "account_representative",
    "letter_age_min_days",
    "letter_age_max_days",
    "minimum_amount",
    "frequency_cap_days",
    "exclude_paksa_stage",
    "holdout_percent",
    "attach_pdf",
    "price_per_message",
    "scheduled_start",
]


class CampaignForm(forms.ModelForm):
    npwp_file = forms.FileField(label=_("or upload a file of NPWPs (.txt/.csv)"), required=False)

    class Meta:
        model = Campaign
        fields = FIELDS
        widgets = {
            "scheduled_start": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "npwp_list": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, office=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:  # a new campaign starts at the office's price, as from the API and CLI
            self.initial["price_per_message"] = settings.CAMPAIGN_PRICE_PER_MESSAGE

        self.fields["saved_filter"].queryset = SavedFilter.objects.filter(office=office)
        self.fields["account_representative"].queryset = User.objects.filter(
            office=office, groups__name="account_representative"
        )

    def clean(self):
        data = super().clean()
        upload = data.get("npwp_file")
        if upload:
            if upload.size > 2 * 1024 * 1024:
                raise forms.ValidationError(_("The NPWP file is larger than 2 MB."))
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("The NPWP file must be UTF-8 text, one NPWP per line.")) from None
            data["npwp_list"] = "\n".join(filter(None, [data.get("npwp_list", ""), text]))
        return data

    def service_fields(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in FIELDS if k not in ("name", "criterion")}
