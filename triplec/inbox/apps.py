from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "triplec.inbox"
    label = "inbox"
    verbose_name = "Live inbox"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (Django connects receivers once the app registry is ready)
        from .access import register_topics  # in ready(): access.py imports models

        register_topics()
