from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "triplec.inbox"
    label = "inbox"
    verbose_name = _("Live inbox")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (signal receivers publish to the event bus)
        from .access import register_topics

        register_topics()
