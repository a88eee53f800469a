"""`triplec import taxpayers|debts|letters|payments FILE`: thin wrapper around `import_run`."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, no_translations
from tqdm import tqdm

from triplec.imports.kinds import KINDS
from triplec.imports.services import EXIT_OK, import_run


class Command(BaseCommand):
    help = "Import taxpayers, debt documents, Surat Teguran or payments from a CSV or XLSX file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=list(KINDS), help="what the file holds")
        parser.add_argument("file", help="a .csv or .xlsx file")
        parser.add_argument("--errors", metavar="PATH", help="report CSV (default: FILE.errors.csv)")
        parser.add_argument("--batch-size", type=int, default=None, help="rows per transaction (default 20000)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar even on a terminal")

    # The command line speaks English; the stored run keeps the report as phrases, which the console shows in
    # its reader's language.
    @no_translations
    def handle(
        self, *args, kind: str, file: str, errors: str | None, batch_size: int | None, no_progress: bool, **options
    ) -> None:
        bar = None
        progress = None
        if not no_progress and self.stdout.isatty():
            bar = tqdm(unit=" rows", desc=f"{kind} {Path(file).name}", file=sys.stderr)

            def progress(rows: int, fraction: float | None) -> None:
                if fraction:
                    bar.total = max(rows, int(rows / fraction))
                bar.n = rows
                bar.refresh()

        try:
            result = import_run(
                kind=kind,
                path_or_fileobj=file,
                filename=Path(file).name,
                channel="cli",
                progress=progress,
                report_path=errors,
                batch_size=batch_size,
            )
        finally:
            if bar is not None:
                bar.close()
        if result.message:
            raise CommandError(result.message, returncode=result.exit_code)
        self.stdout.write(result.summary)
        for note in map(str, result.notes):
            self.stdout.write(f"note: {note}")
        if result.rejected or result.warnings:
            self.stdout.write(f"report: {result.report_path}")
        if result.exit_code != EXIT_OK:
            raise CommandError(
                f"{result.rejected} row(s) rejected; nothing of them was written. See {result.report_path}",
                returncode=result.exit_code,
            )
