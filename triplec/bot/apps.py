from django.apps import AppConfig


class BotConfig(AppConfig):
    """The conversation bot. For now: understanding (intent classification) only."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "triplec.bot"
    label = "bot"
    verbose_name = "Bot"
