"""`triplec demo-data --taxpayers N --seed S`: a realistic KPP Pratama Kupang, the same for the same seed."""

import time

from django.core.management.base import BaseCommand, CommandError

from triplec.demo.services import DEMO_PASSWORD, DemoRefused, demo_build


class Command(BaseCommand):
    help = "Load the demo office (KPP Pratama Kupang): staff, taxpayers, debts, letters and payments."

    def add_arguments(self, parser):
        parser.add_argument("--taxpayers", type=int, default=3000, help="how many taxpayers (default 3000)")
        parser.add_argument("--seed", type=int, default=922, help="the same seed gives the same office (default 922)")
        parser.add_argument(
            "--force", action="store_true", help="delete every existing taxpayer, debt, letter and payment first"
        )

    def handle(self, *args, taxpayers: int, seed: int, force: bool, **options):
        if taxpayers < 0:
            raise CommandError("--taxpayers must be 0 or more")
        started = time.perf_counter()
        try:
            summary = demo_build(
                taxpayers=taxpayers,
                seed=seed,
                force=force,
                progress=lambda m: self.stdout.write(m) if options["verbosity"] > 1 else None,
            )
        except DemoRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"{summary} ({time.perf_counter() - started:.1f} s)"))
        self.stdout.write(f"Demo logins, password '{DEMO_PASSWORD}': {', '.join(summary.users)}")
