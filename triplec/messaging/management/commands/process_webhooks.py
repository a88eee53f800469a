"""`triplec process_webhooks`: process stored webhook events that are still pending (once, or as a loop)."""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from triplec.core import wake
from triplec.messaging.webhooks import WebhookProcessor, process_pending


class Command(BaseCommand):
    help = "Process webhook events that are stored but not yet processed (once, or in a loop with --loop)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep processing the inbox until stopped")
        parser.add_argument(
            "--interval",
            type=float,
            default=0.05,
            help="seconds before the first look after work, when no wake-up comes",
        )
        parser.add_argument(
            "--max-interval", type=float, default=2.0, help="the longest wait between two looks at an idle inbox"
        )
        parser.add_argument(
            "--min-age",
            type=float,
            default=None,
            help="leave events younger than this to the web process's own processing thread (default: 2 s when "
            "WHATSAPP_WEBHOOK_PROCESSING is 'thread', else 0)",
        )

    def handle(self, *args, loop, interval, max_interval, min_age, **options):
        if min_age is None:
            min_age = 2.0 if settings.WHATSAPP_WEBHOOK_PROCESSING == "thread" else 0.0
        if not loop:
            done = process_pending(min_age=min_age)
            self.stdout.write(f"processed {done} webhook events")
            return
        stop = threading.Event()
        # Idle, the loop blocks until the webhook process stores an event (core.wake) or its backoff ends: from
        # `interval` after work, doubling up to `max_interval` (the longest a left-over event waits).
        waiter = wake.Waiter(wake.WEBHOOKS)
        backoff = wake.Backoff(minimum=interval, maximum=max(interval, max_interval))

        def halt(*_):
            stop.set()
            waiter.set()

        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, halt)
        # Batches of up to 200: a burst of statuses is read outside the write lock and written set-wise, holding
        # SQLite's one write lock (which every webhook POST needs) for a few milliseconds per batch.
        processor = WebhookProcessor(batch=200)
        seen = [0]

        def idle():
            if processor.processed != seen[0]:
                seen[0] = processor.processed
                backoff.reset()
            if waiter.wait(backoff.next()):
                backoff.reset()

        try:
            processor.poll(interval=interval, min_age=min_age, stop=stop, idle=idle)
        finally:
            waiter.close()
        self.stdout.write(f"stopped, {processor.processed} webhook events processed")
