from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "triplec.inbox"
    label = "inbox"
    verbose_name = _("Live inbox")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (Django connects receivers once the app registry is ready)
        from .access import register_topics  # in ready(): access.py imports models

        register_topics()
