"""`triplec`: the project's console command. Wraps Django's management commands with friendlier names.

triplec import taxpayers FILE     -> manage.py import_data taxpayers FILE
triplec demo-data --taxpayers N   -> manage.py demo_data --taxpayers N
triplec bench run import          -> bench.command (the benchmarks live outside the production packages)
triplec <any other command>       -> manage.py <command>
"""

import os
import sys

from django.core.management import execute_from_command_line

ALIASES = {"import": "import_data"}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "triplec.settings")
    if argv and argv[0] == "bench":
        from bench.command import main as bench  # lazy: the benchmarks are not part of the product

        bench(argv[1:])
        return
    if argv and not argv[0].startswith("-"):
        argv[0] = ALIASES.get(argv[0], argv[0].replace("-", "_"))
    execute_from_command_line(["triplec", *argv])


if __name__ == "__main__":
    main()
