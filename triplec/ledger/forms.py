"""Forms of the debt list: filters and sorting. A wrong value is reported, never silently ignored."""

import datetime as dt

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from triplec.accounts.models import User
from triplec.accounts.roles import Role
from triplec.core.inputs import QueryForm, RupiahField

from .kap import KAP_NAMES, kap_label
from .models import DebtDocument, DocumentState, DocumentType, SuratTeguran

# Every sortable column of the debt list: the URL key -> the ORDER BY.
DEBT_SORTS = {
    "number": ("number",),
    "issue_date": ("issue_date", "number"),
    "due_date": ("due_date", "number"),
    "amount": ("amount_due", "number"),
    "taxpayer": ("taxpayer__name", "number"),
    "kap": ("kap", "number"),
    "state": ("state", "number"),
}


class DebtFilterForm(QueryForm):
    """The debt list's filters. Every field is optional; a wrong value is reported, never silently ignored."""

    label_suffix = ""

    q = forms.CharField(label=_("Document number or NPWP"), required=False, max_length=60)
    document_type = forms.ChoiceField(
        label=_("Document type"), required=False, choices=[("", _("All"))] + DocumentType.choices
    )
    kap = forms.ChoiceField(label=_("KAP"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All"))] + DocumentState.choices)
    amount_min = RupiahField(label=_("Amount from (Rp)"), required=False)
    amount_max = RupiahField(label=_("Amount to (Rp)"), required=False)
    ar = forms.ModelChoiceField(
        label=_("Account representative"), required=False, queryset=User.objects.none(), empty_label=_("All")
    )
    due = forms.ChoiceField(
        label=_("Due"),
        required=False,
        choices=[("", _("All")), ("overdue", _("Overdue")), ("not_due", _("Not yet due"))],
    )
    teguran = forms.ChoiceField(
        label=_("Surat Teguran"),
        required=False,
        choices=[
            ("", _("All")),
            ("none", _("No Teguran yet")),
            ("undelivered", _("Issued, not delivered")),
            ("delivered", _("Delivered")),
        ],
    )
    sort = forms.ChoiceField(required=False, choices=[(k, k) for k in DEBT_SORTS] + [(f"-{k}", k) for k in DEBT_SORTS])

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kap"].choices = [("", _("All"))] + [(k, kap_label(k)) for k in sorted(KAP_NAMES)]
        ars = User.objects.filter(groups__name=Role.ACCOUNT_REPRESENTATIVE, is_active=True)
        if user is not None and not user.is_administrator:
            ars = ars.filter(office_id=user.office_id)
        self.fields["ar"].queryset = ars.order_by("username")

    def clean(self):
        data = super().clean()
        low, high = data.get("amount_min"), data.get("amount_max")
        if low is not None and high is not None and low > high:
            self.add_error("amount_max", _("The upper amount must not be below the lower amount."))
        return data

    def valid_data(self) -> dict:
        """The fields that are valid: one wrong filter is reported but does not throw the others away."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data

    def filter(self, qs: QuerySet[DebtDocument], today: dt.date | None = None) -> QuerySet[DebtDocument]:
        data = self.valid_data()
        today = today or timezone.localdate()
        if q := (data.get("q") or "").strip():
            digits = "".join(ch for ch in q if ch.isdigit())
            condition = Q(number__icontains=q)
            if len(digits) >= 9:
                condition |= Q(taxpayer__npwp16__contains=digits if len(digits) != 15 else "0" + digits)
            qs = qs.filter(condition)
        if data.get("document_type"):
            qs = qs.filter(document_type=data["document_type"])
        if data.get("kap"):
            qs = qs.filter(kap=data["kap"])
        if data.get("state"):
            qs = qs.filter(state=data["state"])
        if data.get("amount_min") is not None:
            qs = qs.filter(amount_due__gte=data["amount_min"])
        if data.get("amount_max") is not None:
            qs = qs.filter(amount_due__lte=data["amount_max"])
        if data.get("ar"):
            qs = qs.filter(taxpayer__account_representative=data["ar"])
        if data.get("due") == "overdue":
            qs = qs.filter(due_date__lt=today)
        elif data.get("due") == "not_due":
            qs = qs.filter(due_date__gte=today)
        teguran = SuratTeguran.objects.filter(documents=OuterRef("pk"))
        if data.get("teguran") == "none":
            qs = qs.filter(~Exists(teguran))
        elif data.get("teguran") == "undelivered":
            qs = qs.filter(Exists(teguran.filter(delivered_date__isnull=True))).exclude(
                Exists(teguran.filter(delivered_date__isnull=False))
            )
        elif data.get("teguran") == "delivered":
            qs = qs.filter(Exists(teguran.filter(delivered_date__isnull=False)))
        sort = data.get("sort") or "-amount"
        fields = DEBT_SORTS[sort.lstrip("-")]
        return qs.order_by(*[("-" + f if sort.startswith("-") else f) for f in fields])
