from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "triplec.billing"
    label = "billing"
    verbose_name = "Kode Billing"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (Django connects receivers once the app registry is ready)
