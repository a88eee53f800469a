from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "triplec.inbox"
    label = "inbox"
    verbose_name = "Live inbox"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (signal receivers publish to the event bus)
        from .access import register_topics

        register_topics()
