"""Login throttling rules, read by django-axes (settings AXES_*): one account locks after a few wrong passwords,
one address after more (an office's staff share one address behind its router)."""

import datetime as dt

from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def cooloff(request=None) -> dt.timedelta:
    return dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def account_failures(username: str | None) -> int:
    """Wrong passwords for this username within the lockout window, from whichever address."""
    if not username:
        return 0
    since = timezone.now() - cooloff()
    total = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return total or 0


def failure_limit(request, credentials) -> int:
    """Axes locks when the larger of the account's and the address's failure counts reaches this limit. Once the
    account has reached its own (lower) limit, that limit applies; until then the address's (higher) one does."""
    if account_failures(get_client_username(request, credentials)) >= settings.LOGIN_FAILURE_LIMIT:
        return settings.LOGIN_FAILURE_LIMIT
    return max(settings.LOGIN_IP_FAILURE_LIMIT, settings.LOGIN_FAILURE_LIMIT)


def client_ip(request) -> str:
    """REMOTE_ADDR, or behind the configured proxy the address it appended last to its forwarding header (the
    only entry a client cannot forge)."""
    header = settings.TRIPLEC_PROXY_CLIENT_IP_HEADER
    if header:
        forwarded = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR", "")
