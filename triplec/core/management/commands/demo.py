"""`triplec demo`: the embedded default in one command. Prepares the database, loads the demo office once,
then runs every process of the product on this machine and stops them all on Ctrl-C."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from triplec.messaging.conf import WEBHOOK_SERVER_ARGS
from triplec.taxpayers.models import Taxpayer


def processes(host: str, port: int) -> dict[str, list[str]]:
    """Name -> command line of each long-running process of the embedded default.

    The browser uses one port, served under ASGI because the live screens hold SSE streams open; machines
    (WhatsApp's webhooks) post to a WSGI process on port + 10, where a sync view is several times cheaper.
    In production a load balancer makes the same split by path (see docs/deployment.md).
    """
    bin_dir = os.path.dirname(sys.executable)
    granian = os.path.join(bin_dir, "granian")
    triplec = os.path.join(bin_dir, "triplec")
    static = ["--static-path-route", settings.STATIC_URL.rstrip("/"), "--static-path-mount", str(settings.STATIC_ROOT)]
    return {
        "web": [granian, "--interface", "asginl", "--host", host, "--port", str(port), "--workers", "1", *static,
                "triplec.asgi:application"],
        "hooks": [granian, "--interface", "wsgi", "--host", host, "--port", str(port + 10), *WEBHOOK_SERVER_ARGS,
                  "triplec.messaging.wsgi:application"],  # webhook fast path
        "worker": [triplec, "run_huey", "--quiet"],
        "simulator": [triplec, "simulator", "--host", host, "--port", str(simulator_port()),
                      "--webhook-url", f"http://{host}:{port + 10}/whatsapp/webhook"],
        "dispatcher": [triplec, "dispatcher", "--sync-templates"],
        "webhooks": [triplec, "process_webhooks", "--loop"],  # retries webhook events left pending
    }


def simulator_port() -> int:
    return int(getattr(settings, "SIMULATOR_PORT", 8001))


class Command(BaseCommand):
    help = "Start the whole product on the embedded default (SQLite, demo data, every process)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--taxpayers", type=int, default=3000, help="size of the demo office on first start")
        parser.add_argument("--seed", type=int, default=922)

    def handle(self, *args, host, port, taxpayers, seed, **options):
        call_command("setup")
        if not Taxpayer.objects.exists():
            self.stdout.write(f"Loading the demo office ({taxpayers} taxpayers)…")
            call_command("demo_data", taxpayers=taxpayers, seed=seed)
        children = {name: subprocess.Popen(cmd) for name, cmd in processes(host, port).items()}
        self.stdout.write(self.style.SUCCESS(f"\nJust Triple C is running: http://{host}:{port}/"))
        self.stdout.write(f"The taxpayer's phone (WhatsApp simulator): http://{host}:{simulator_port()}/phone/")
        self.stdout.write(
            "Demo logins (password 'demo12345'): staf, kasi, ar1, petugas1, petugas2, jurusita, kakpp, admin"
        )
        self.stdout.write("Press Ctrl-C to stop.\n")
        try:
            while all(p.poll() is None for p in children.values()):
                time.sleep(0.5)
            dead = [n for n, p in children.items() if p.poll() is not None]
            self.stderr.write(f"Process ended unexpectedly: {', '.join(dead)}; stopping the others.")
        except KeyboardInterrupt:
            pass
        finally:
            for p in children.values():
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            for p in children.values():
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
