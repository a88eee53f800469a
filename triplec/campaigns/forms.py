from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from triplec.accounts.models import User

from .models import CONTENT_FIELDS, Campaign, SavedFilter

# The form edits what the section head approves (CONTENT_FIELDS), less what the services set themselves.
FIELDS = [f.removesuffix("_id") for f in CONTENT_FIELDS if f not in ("office_id", "holdout_seed", "template_id")]


# The form's sections, in order: (title, the criterion it belongs to or "" for every criterion, field names).
# Every field of the form stands in exactly one section (tested).
SECTIONS = (
    (_("Campaign"), "", ("name", "criterion")),
    (_("Criterion (a): letters newly issued"), "a", ("days",)),
    (_("Criterion (b): letters delivered and still unpaid"), "b", ("only_before_paksa",)),
    (_("Criterion (c): NPWP list or saved filter"), "c", ("npwp_list", "npwp_file", "saved_filter")),
    (
        _("Filters"),
        "",
        (
            "kaps",
            "amount_min",
            "amount_max",
            "minimum_amount",
            "account_representative",
            "letter_age_min_days",
            "letter_age_max_days",
        ),
    ),
    (
        _("Sending"),
        "",
        (
            "reminder_interval_days",
            "reminder_max_count",
            "frequency_cap_days",
            "exclude_paksa_stage",
            "holdout_percent",
            "attach_pdf",
            "price_per_message",
            "scheduled_start",
        ),
    ),
)


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

    def sections(self) -> list[tuple[str, str, list]]:
        """The bound fields by section, for the page (SECTIONS)."""
        return [(title, criterion, [self[name] for name in names]) for title, criterion, names in SECTIONS]

    def service_fields(self) -> dict:
        """The form's fields as campaign_create and campaign_update take them."""
        return {k: self.cleaned_data.get(k) for k in FIELDS}
