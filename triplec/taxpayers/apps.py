from django.apps import AppConfig


class TaxpayersConfig(AppConfig):
    name = "triplec.taxpayers"
    label = "taxpayers"
    verbose_name = "Wajib Pajak"
