from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaxpayersConfig(AppConfig):
    name = "triplec.taxpayers"
    label = "taxpayers"
    verbose_name = _("Taxpayers")
