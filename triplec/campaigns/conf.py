"""Campaign settings with their defaults (settings.py may override each)."""

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Meta's messaging limit of the business portfolio: 250, 2000, 10000 or 100000 unique users per 24 h.
    "CAMPAIGN_MESSAGING_TIER": 2_000,
    # Default price of one delivered utility template (Rp), for the preview's cost estimate.
    "CAMPAIGN_PRICE_PER_MESSAGE": 356,
    # How long the signed PDF link in a message stays valid (days): it must outlive the campaign's spread.
    "CAMPAIGN_PDF_LINK_DAYS": 30,
    # A queued message may still go this long after its planned time (then it expires as "too old to send").
    "CAMPAIGN_SEND_GRACE_HOURS": 72,
}


def conf(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
