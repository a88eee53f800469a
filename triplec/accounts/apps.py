from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "triplec.accounts"
    label = "accounts"
    verbose_name = _("Users")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (Django connects receivers once the app registry is ready)
