"""`triplec dispatcher`: the long-running outbox sender. Stops cleanly on SIGTERM/SIGINT."""

import signal
import time

from django.core.management.base import BaseCommand

from triplec.messaging.dispatcher import Dispatcher
from triplec.messaging.providers import ProviderError
from triplec.messaging.registry import templates_sync
from triplec.messaging.services import channel_for_office
from triplec.offices.models import Office


class Command(BaseCommand):
    help = "Send queued WhatsApp messages (outbox -> Cloud API), rate-limited, until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=None, help="messages claimed per cycle")
        parser.add_argument("--threads", type=int, default=None, help="concurrent HTTP requests")
        parser.add_argument("--rate", type=float, default=None, help="override messages/s per channel")
        parser.add_argument("--until-idle", action="store_true", help="stop when nothing is queued or in flight")
        parser.add_argument("--max-seconds", type=float, default=None)
        parser.add_argument(
            "--sync-templates",
            action="store_true",
            help="first make sure office 922 has its channel and pull its templates",
        )

    def handle(self, *args, batch, threads, rate, until_idle, max_seconds, sync_templates, **options):
        if sync_templates:
            self._sync_templates()
        # listen: wait for the wake-up of whoever queues a message instead of polling (core.wake)
        dispatcher = Dispatcher(batch=batch, threads=threads, rate_override=rate, listen=True)
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: dispatcher.stop())
        self.stdout.write(f"dispatcher {dispatcher.name} running")
        dispatcher.run(until_idle=until_idle, max_seconds=max_seconds)
        self.stdout.write(f"dispatcher {dispatcher.name} stopped, {dispatcher.sent_total} sent")

    def _sync_templates(self) -> None:
        """The embedded demo: the channel of office 922 from the settings, and the simulator's templates. The
        simulator may still be starting: try for a few seconds, then go on (a later `triplec sync_templates`)."""
        office = Office.objects.filter(code="922").first()
        if office is None:
            return
        channel = channel_for_office(office)
        for _ in range(20):
            try:
                counts = templates_sync(channel=channel)
                self.stdout.write(f"templates synced: {counts['seen']}")
                return
            except ProviderError:
                time.sleep(0.5)
        self.stderr.write("could not reach WhatsApp to sync templates; run `triplec sync_templates` later")
