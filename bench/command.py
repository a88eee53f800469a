"""`triplec bench list | run NAME [--size N] | run all`: benchmarks on a throwaway database.

Not a management command of any production app: `triplec bench` (triplec/cli.py) hands its arguments to `main`."""

import json
import os
import tempfile

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench import registry


class Command(BaseCommand):
    help = "List or run the benchmarks; each run prints one JSON line."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="name and purpose of each benchmark")
        run = sub.add_parser("run", help="run one benchmark, or all")
        run.add_argument("name", help="a benchmark name, or 'all'")
        run.add_argument("--size", type=int, default=None, help="problem size (default: the benchmark's own)")

    def handle(self, *args, action: str, **options) -> None:
        if action == "list":
            width = max((len(n) for n in registry.BENCHMARKS), default=0)
            for bench in sorted(registry.BENCHMARKS.values(), key=lambda b: b.name):
                self.stdout.write(f"{bench.name:<{width}}  {bench.help} (default size {bench.default_size:,})")
            return
        name, size = options["name"], options["size"]
        if size is not None and size < 1:
            raise CommandError("--size must be at least 1")
        try:
            benches = list(registry.BENCHMARKS.values()) if name == "all" else [registry.get(name)]
        except KeyError as exc:
            raise CommandError(str(exc.args[0])) from None
        for bench in benches:
            line = self._run(bench, size or bench.default_size)
            self.stdout.write(json.dumps(line, ensure_ascii=False))

    def _run(self, bench: registry.Benchmark, size: int) -> dict:
        function = bench.load()
        with throwaway_database():
            line = function(size)
        missing = [f for f in registry.REQUIRED_FIELDS if f not in line]
        if missing:
            raise CommandError(f"benchmark {bench.name} did not report {', '.join(missing)}")
        return line


class throwaway_database:
    """Point the default connection at a new, migrated database for the duration; drop it afterwards.

    Uses Django's test-database machinery: SQLite gets a file in a temp folder, PostgreSQL a new database on
    the server DATABASE_URL names (bench_triplec_<pid>). The user's own database is never opened for writing.
    """

    def __enter__(self):
        settings_dict = connection.settings_dict
        self.tmp = tempfile.TemporaryDirectory(prefix="triplec-bench-")
        test = settings_dict.setdefault("TEST", {})
        self.saved_test_name = test.get("NAME")
        if settings_dict["ENGINE"].endswith("sqlite3"):
            test["NAME"] = os.path.join(self.tmp.name, "bench.sqlite3")
        else:
            test["NAME"] = f"bench_triplec_{os.getpid()}"
        self.old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        return self

    def __exit__(self, *exc) -> None:
        connection.creation.destroy_test_db(self.old_name, verbosity=0)
        connection.settings_dict["TEST"]["NAME"] = self.saved_test_name
        self.tmp.cleanup()


def main(argv: list[str]) -> None:
    """`triplec bench ARGS`: Django set up from the project's settings, then this command."""
    import django

    django.setup()
    Command().run_from_argv(["triplec", "bench", *argv])
