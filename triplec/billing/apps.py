from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "triplec.billing"
    label = "billing"
    verbose_name = "Kode Billing"
