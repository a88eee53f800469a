"""`triplec process_webhooks`: reprocess stored webhook payloads whose processing failed."""

import time

from django.core.management.base import BaseCommand

from triplec.messaging.webhooks import process_pending


class Command(BaseCommand):
    help = "Process webhook events that are stored but not yet processed (once, or in a loop with --loop)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--interval", type=float, default=5.0)

    def handle(self, *args, loop, interval, **options):
        while True:
            done = process_pending()
            if done:
                self.stdout.write(f"processed {done} webhook events")
            if not loop:
                return
            time.sleep(interval)
