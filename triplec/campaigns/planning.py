"""When each message of a campaign may go: office hours in the office's zone, holidays skipped, the channel's rate,
the messaging-limit tier per moving 24 hours, and the pair limit between messages to one shared number.

The dispatcher still enforces office hours, rate and pair limit at send time; this plan spreads a large campaign
over days so that the tier is never exceeded and gives the preview its duration estimate.
"""

import datetime as dt
import math
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from triplec.messaging.models import OutboundMessage, State
from triplec.offices.hours import next_opening
from triplec.offices.models import Office

# The time a held message is moved to: never due until released. A paused campaign's queued messages get it as
# their next attempt and their not_after (resume plans them again); a message waiting for its letter (PDF) only
# as its next attempt, its not_after keeping the planned window (letters.py releases it).
FAR_FUTURE = dt.datetime(2999, 1, 1, tzinfo=dt.UTC)


def waiting_for_letter(messages: QuerySet[OutboundMessage]) -> QuerySet[OutboundMessage]:
    """Those of `messages` held until their letter is stored: queued, never due, but with their planned window
    (a paused campaign's messages have none: their not_after is far in the future too)."""
    return messages.filter(state=State.QUEUED, next_attempt_at__gte=FAR_FUTURE, not_after__lt=FAR_FUTURE)


# Meta: about one message per 6 s to one user; shared numbers get their letters this far apart.
PAIR_SPACING_SECONDS = 6.0


@dataclass
class Plan:
    send_after: list[dt.datetime]
    first: dt.datetime | None
    last: dt.datetime | None
    days: int  # office days used

    def as_json(self) -> dict:
        return {
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
            "days": self.days,
            "count": len(self.send_after),
        }


def _closing(office: Office, moment: dt.datetime) -> dt.datetime:
    local = moment.astimezone(zoneinfo.ZoneInfo(office.time_zone))
    return dt.datetime.combine(local.date(), office.closes_at, local.tzinfo)


def plan_sends(*, office: Office, recipients: list[str], start: dt.datetime, rate: float, tier: int) -> Plan:
    """A send time for each recipient, in order. `rate` is messages per second, `tier` unique users per 24 h."""
    if not recipients:
        return Plan([], None, None, 0)
    rate = max(rate, 0.1)
    step = dt.timedelta(seconds=1 / rate)
    pair = dt.timedelta(seconds=PAIR_SPACING_SECONDS)
    day = dt.timedelta(hours=24)
    times: list[dt.datetime] = []
    last_to: dict[str, dt.datetime] = {}
    cursor = window_start = next_opening(office, start)
    closes = _closing(office, cursor)
    users: set[str] = set()
    for to in recipients:
        while True:
            if cursor >= closes:
                cursor = next_opening(office, closes)
                closes = _closing(office, cursor)
                if cursor - window_start >= day:
                    window_start, users = cursor, set()
                continue
            if to not in users and len(users) >= tier:
                # The tier counts unique users in a moving 24 h: wait until this window has passed.
                cursor = next_opening(office, max(cursor, window_start + day))
                closes = _closing(office, cursor)
                window_start, users = cursor, set()
                continue
            break
        at = cursor
        previous = last_to.get(to)
        if previous is not None and at < previous + pair:
            at = previous + pair
        times.append(at)
        last_to[to] = at
        users.add(to)
        cursor += step
    tz = zoneinfo.ZoneInfo(office.time_zone)
    days = len({t.astimezone(tz).date() for t in times})
    return Plan(times, min(times), max(times), days)


def plan_campaign_sends(*, office: Office, recipients: list[str], start: dt.datetime, rate: float):
    """plan_sends at the configured messaging tier, and the grace each message has after its planned time before
    it expires unsent (its not_after). Returns (plan, grace)."""
    plan = plan_sends(
        office=office, recipients=recipients, start=start, rate=rate, tier=settings.CAMPAIGN_MESSAGING_TIER
    )
    return plan, send_grace()


def send_grace() -> dt.timedelta:
    """How long a campaign message may still go after its planned time (its not_after is the planned time plus
    this): a message held for its letter keeps its not_after, and goes at not_after minus this once released."""
    return dt.timedelta(hours=settings.CAMPAIGN_SEND_GRACE_HOURS)


def estimate(*, office: Office, count: int, unique: int, start: dt.datetime, rate: float, tier: int) -> dict:
    """The preview's estimate without planning every message: office days and seconds of sending."""
    if not count:
        return {"days": 0, "seconds": 0, "first": None}
    first = next_opening(office, start)
    tz = zoneinfo.ZoneInfo(office.time_zone)
    local = first.astimezone(tz)
    day_seconds = (
        dt.datetime.combine(local.date(), office.closes_at) - dt.datetime.combine(local.date(), office.opens_at)
    ).total_seconds()
    per_day = min(tier, max(1, int(day_seconds * max(rate, 0.1))))
    days = max(
        math.ceil(unique / per_day) if unique else 1, math.ceil(count / max(1, int(day_seconds * max(rate, 0.1))))
    )
    return {"days": days, "seconds": math.ceil(count / max(rate, 0.1)), "first": first}
