"""`triplec demo`: the embedded default in one command. Prepares the database, loads the demo office once,
then runs every process of the product on this machine under a supervisor (core.processes.Supervisor): a process
that ends is started again with backoff, and Ctrl-C (or SIGTERM) stops them all, with every worker they spawned.
The production layout of the same processes is in docs/operations.md."""

import os
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from triplec.core.processes import Supervisor, port_holder
from triplec.messaging.conf import WEBHOOK_SERVER_ARGS
from triplec.taxpayers.models import Taxpayer


def processes(host: str, port: int) -> dict[str, list[str]]:
    """Name -> command line of each long-running process of the embedded default.

    The browser uses one port, served under ASGI because the live screens hold SSE streams open; machines
    (WhatsApp's webhooks) post to a WSGI process on port + 10, where a sync view is several times cheaper.
    In production a load balancer makes the same split by path (see docs/operations.md).
    """
    bin_dir = os.path.dirname(sys.executable)
    granian = os.path.join(bin_dir, "granian")
    triplec = os.path.join(bin_dir, "triplec")
    # granian restarts a worker that dies, and kills one that does not stop within 3 s of a shutdown (an open
    # SSE stream keeps a graceful one waiting); the supervisor's SIGKILL of the group is the last resort.
    servers = ["--respawn-failed-workers", "--respawn-interval", "1", "--workers-kill-timeout", "3"]
    static = ["--static-path-route", settings.STATIC_URL.rstrip("/"), "--static-path-mount", str(settings.STATIC_ROOT)]
    return {
        "web": [
            granian,
            "--interface",
            "asginl",
            "--host",
            host,
            "--port",
            str(port),
            "--workers",
            "1",
            *servers,
            *static,
            "triplec.asgi:application",
        ],
        "hooks": [
            granian,
            "--interface",
            "wsgi",
            "--host",
            host,
            "--port",
            str(port + 10),
            *WEBHOOK_SERVER_ARGS,
            *servers,
            "triplec.messaging.wsgi:application",
        ],  # webhook fast path
        "worker": [triplec, "run_huey", "--quiet", "--flush-locks"],  # a killed worker leaves its task locks
        "simulator": [
            triplec,
            "simulator",
            "--host",
            host,
            "--port",
            str(simulator_port()),
            "--webhook-url",
            f"http://{host}:{port + 10}/whatsapp/webhook",
        ],
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
        held = [
            f"port {p} is in use by {holder}"
            for p in (port, port + 10, simulator_port())
            if (holder := port_holder(p, host))
        ]
        if held:
            raise CommandError(
                "Cannot start: " + "; ".join(held) + ". Another `triplec demo` (or a process it left behind) may "
                "still be running: stop it, or choose other ports with --port and SIMULATOR_PORT."
            )
        call_command("setup")
        if not Taxpayer.objects.exists():
            self.stdout.write(f"Loading the demo office ({taxpayers} taxpayers)…")
            call_command("demo_data", taxpayers=taxpayers, seed=seed)
        connections.close_all()  # the children open their own; this process only supervises

        def started():
            self.stdout.write(self.style.SUCCESS(f"\nJust Triple C is running: http://{host}:{port}/"))
            self.stdout.write(f"The taxpayer's phone (WhatsApp simulator): http://{host}:{simulator_port()}/phone/")
            self.stdout.write(
                "Demo logins (password 'demo12345'): staf, kasi, ar1, petugas1, petugas2, jurusita, kakpp, admin"
            )
            self.stdout.write("Press Ctrl-C to stop.\n")

        def log(line: str) -> None:
            self.stderr.write(f"{time.strftime('%H:%M:%S')} supervisor: {line}")

        Supervisor(processes(host, port), log=log).run(on_started=started)
        self.stdout.write("Stopped: every process has ended.")
