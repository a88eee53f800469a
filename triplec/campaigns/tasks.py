"""Campaign work for the Huey consumer. Every minute: start approved campaigns whose scheduled start has come,
and copy the outbox's progress onto the targets of running campaigns (the work is in `services`). Queued:
rendering a started campaign's letters and releasing the messages that wait for them (`letters.render_letters_task`,
beside the code that queues it)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .letters import render_letters_task  # noqa: F401 (the consumer imports tasks.py and so learns this task)
from .services import campaigns_tick


@db_periodic_task(crontab(minute="*"))
@lock_task("campaigns-tick")
def campaigns_every_minute() -> dict:
    """One tick at a time (the lock): a slow start of a large campaign must not overlap the next minute's."""
    return campaigns_tick()
