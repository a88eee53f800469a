from django.db import models
from django.utils import timezone


class Event(models.Model):
    """Something a browser should see at once (a new message, a tick, a campaign's progress).

    Every event is a row, whatever the transport: the id is the SSE event id, so a browser that reconnects
    with Last-Event-ID catches up from the table, and a process that publishes (the dispatcher, a worker)
    needs nothing but the database to reach a browser connected to another process.
    """

    topic = models.CharField(max_length=100, db_index=True)  # "office:3", "user:7", "conversation:12", "campaign:4"
    kind = models.CharField(max_length=60)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.topic} {self.kind}"
