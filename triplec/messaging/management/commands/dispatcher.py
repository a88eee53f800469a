"""`triplec dispatcher`: the long-running outbox sender. Stops cleanly on SIGTERM/SIGINT."""

import signal

from django.core.management.base import BaseCommand

from triplec.messaging.dispatcher import Dispatcher


class Command(BaseCommand):
    help = "Send queued WhatsApp messages (outbox -> Cloud API), rate-limited, until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=None, help="messages claimed per cycle")
        parser.add_argument("--threads", type=int, default=None, help="concurrent HTTP requests")
        parser.add_argument("--rate", type=float, default=None, help="override messages/s per channel")
        parser.add_argument("--until-idle", action="store_true", help="stop when nothing is queued or in flight")
        parser.add_argument("--max-seconds", type=float, default=None)

    def handle(self, *args, batch, threads, rate, until_idle, max_seconds, **options):
        dispatcher = Dispatcher(batch=batch, threads=threads, rate_override=rate)
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: dispatcher.stopping.set())
        self.stdout.write(f"dispatcher {dispatcher.name} running")
        dispatcher.run(until_idle=until_idle, max_seconds=max_seconds)
        self.stdout.write(f"dispatcher {dispatcher.name} stopped, {dispatcher.sent_total} sent")
