import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .models import Event

KEEP_DAYS = 7


@db_periodic_task(crontab(minute="17", hour="*"))
def prune_events() -> int:
    """Events are for live screens and reconnects; a week is far more than any reconnect needs."""
    deleted, _ = Event.objects.filter(created_at__lt=timezone.now() - dt.timedelta(days=KEEP_DAYS)).delete()
    return deleted
