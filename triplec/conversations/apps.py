from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    """Conversations with taxpayers on WhatsApp: the bot's answers, identity and secrecy, and the state that the
    live inbox continues."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "triplec.conversations"
    label = "conversations"
    verbose_name = _("Conversations")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (Django connects receivers once the app registry is ready)
