"""The conversation settings, with their defaults (override any of them at the end of triplec/settings.py or
through the environment there)."""

from django.conf import settings

DEFAULTS = {
    # A contact verified longer ago than this is challenged before any detail is disclosed (Pasal 34 KUP).
    "BOT_VERIFICATION_MAX_AGE_DAYS": 365,
    # A number registered or changed less than this long ago is challenged too: it may still be someone else's.
    "BOT_NUMBER_CHANGE_CHALLENGE_DAYS": 30,
    # Failed challenges that lock details for the contact until staff unlock it.
    "BOT_CHALLENGE_MAX_FAILURES": 3,
    # More bot replies than this to one conversation within a minute: stop answering and hand off (loops, bots).
    "BOT_MAX_REPLIES_PER_MINUTE": 8,
    # A bot-state conversation idle this long is closed; the next message starts afresh at the menu.
    "BOT_CONVERSATION_IDLE_HOURS": 24,
}


def conf(name: str):
    return getattr(settings, name, DEFAULTS[name])
