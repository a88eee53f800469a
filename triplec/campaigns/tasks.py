"""Periodic campaign work for the Huey consumer: start approved campaigns whose scheduled start has come, and
copy the outbox's progress onto the targets of running campaigns. Every minute; the work is in `services`."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from .services import campaigns_tick


@db_periodic_task(crontab(minute="*"))
@lock_task("campaigns-tick")
def campaigns_every_minute() -> dict:
    """One tick at a time (the lock): a slow start of a large campaign must not overlap the next minute's."""
    return campaigns_tick()


@db_task()
def render_letters_task(campaign_id: int) -> int:
    """Render a started campaign's letters ahead of WhatsApp's fetches (letters.py)."""
    from .letters import render_campaign_letters

    return render_campaign_letters(campaign_id)
