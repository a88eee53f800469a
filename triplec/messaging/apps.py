from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "triplec.messaging"
    label = "messaging"
    verbose_name = "WhatsApp"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from triplec.console.nav import NAV_ITEMS, NavItem

        from .quarantine_views import may_see_quarantine

        if not any(item.url_name == "messaging:quarantine" for item in NAV_ITEMS):
            admin_at = next((i for i, item in enumerate(NAV_ITEMS) if item.url_name == "admin:index"), len(NAV_ITEMS))
            NAV_ITEMS.insert(admin_at, NavItem("messaging:quarantine", _("Webhook quarantine"), may_see_quarantine, ""))
