"""The conversation settings live in triplec/settings.py (BOT_*); this is the bot's one way to read them, so that
tests may override them with pytest-django's `settings` fixture."""

from django.conf import settings


def conf(name: str):
    return getattr(settings, name)
