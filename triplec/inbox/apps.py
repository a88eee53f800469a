from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "triplec.inbox"
    label = "inbox"
    verbose_name = "Live inbox"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (signal receivers publish to the event bus)
        from .access import register_topics

        register_topics()
        from django.utils.translation import gettext_lazy as _

        from triplec.console.nav import NAV_ITEMS, NavItem

        from .access import may_use_inbox

        if not any(item.url_name == "inbox:inbox" for item in NAV_ITEMS):
            NAV_ITEMS.insert(1, NavItem("inbox:inbox", _("Inbox"), may_use_inbox, "k"))
