"""Campaign settings: those in triplec/settings.py, and the defaults of the tuning knobs it does not set."""

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # A queued message may still go this long after its planned time (then it expires as "too old to send").
    "CAMPAIGN_SEND_GRACE_HOURS": 72,
}


def conf(name: str) -> Any:
    return getattr(settings, name) if hasattr(settings, name) else DEFAULTS[name]
