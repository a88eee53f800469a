from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "triplec.billing"
    label = "billing"
    verbose_name = _("Billing codes")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (Django connects receivers once the app registry is ready)
