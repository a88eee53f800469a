"""The import service: one engine behind `triplec import KIND FILE` and the console's upload page.

Rows are read in chunks (settings.IMPORT_BATCH_SIZE, 20,000 by default). Each chunk is validated row by row,
then written by its kind in one transaction with a handful of bulk statements; if the database refuses the
chunk (a concurrent writer, a constraint we did not foresee), the chunk is redone one row at a time so that
only the offending row is rejected. Either way a row lands whole or not at all.

Memory stays flat: one chunk of rows, plus one 64-bit fingerprint per accepted key (~60 bytes each) so that
a key repeated later in the file with different data is caught even across chunks.
"""

import csv
import io
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from triplec.audit.services import audit_record
from triplec.core.masking import mask_identifier, mask_phone, mask_text
from triplec.core.phrases import Phrase, as_data, map_text
from triplec.core.spreadsheets import safe_row
from triplec.offices.models import Office

from . import values
from .kinds import KINDS
from .kinds.base import Issue, Kind, Row, RowRejected, RunContext, normalise_header
from .models import ImportRun
from .problems import FileProblem
from .reading import Source, open_source, unreadable_reason

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FILE_PROBLEM, EXIT_ROWS_REJECTED = 0, 2, 3
REPORT_HEADER = ("row", "column", "value", "error")
# What the audit summary calls each kind (ImportKind's labels).
KIND_PHRASES = {
    "taxpayers": Phrase("taxpayers"),
    "debts": Phrase("debt documents"),
    "letters": Phrase("Surat Teguran"),
    "payments": Phrase("payments"),
}
REPORT_ROWS_KEPT = 1000  # report lines kept in memory and in ImportRun.report_csv; the file has them all
ProgressCallback = Callable[[int, float | None], None]


@dataclass
class ImportResult:
    kind: str
    file_name: str
    run: ImportRun | None = None
    rows: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    warnings: int = 0
    report: list[Issue] = field(default_factory=list)  # the first REPORT_ROWS_KEPT lines
    report_path: str = ""
    problem: Phrase | str = ""  # the file-level problem, when there was one
    notes: list[Phrase | str] = field(default_factory=list)  # things worth knowing that are not errors

    @property
    def message(self) -> str:
        """The file-level problem in the active language ("" when there was none)."""
        return str(self.problem)

    @property
    def exit_code(self) -> int:
        if self.problem:
            return EXIT_FILE_PROBLEM
        return EXIT_ROWS_REJECTED if self.rejected else EXIT_OK

    @property
    def summary_phrase(self) -> Phrase:
        return summary_phrase(self)

    @property
    def summary(self) -> str:
        return str(self.summary_phrase)


def summary_phrase(counts) -> Phrase:
    """`imported N, updated N, unchanged N, rejected N, warnings N`."""
    return Phrase(
        "imported %(imported)s, updated %(updated)s, unchanged %(unchanged)s, rejected %(rejected)s, "
        "warnings %(warnings)s",
        imported=counts.imported,
        updated=counts.updated,
        unchanged=counts.unchanged,
        rejected=counts.rejected,
        warnings=counts.warnings,
    )


def default_report_path(path_or_fileobj: Any, filename: str, run_id: int) -> str:
    if isinstance(path_or_fileobj, (str, os.PathLike)):
        return f"{os.fspath(path_or_fileobj)}.errors.csv"
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(filename).name)[:100]
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder / f"{run_id}-{safe}.errors.csv")


def import_run(
    *,
    kind: str,
    path_or_fileobj: str | os.PathLike | BinaryIO,
    filename: str | None = None,
    actor=None,
    channel: str = "web",
    progress: ProgressCallback | None = None,
    report_path: str | None = None,
    batch_size: int | None = None,
) -> ImportResult:
    """Import one file of `kind` ("taxpayers", "debts", "letters", "payments"); never raises for bad input.

    A file-level problem (type, encoding of the header, missing columns, empty) writes nothing and gives
    exit code 2; rejected rows give 3; otherwise 0. The run is stored as an ImportRun and audited once.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}; choose from {', '.join(KINDS)}")
    if filename is None:
        filename = (
            os.path.basename(os.fspath(path_or_fileobj))
            if isinstance(path_or_fileobj, (str, os.PathLike))
            else getattr(path_or_fileobj, "name", "upload")
        )
    filename = Path(str(filename)).name or "upload"
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    run = ImportRun.objects.create(
        kind=kind, file_name=filename[:255], actor=user, channel=channel, office=getattr(user, "office", None)
    )
    result = ImportResult(kind=kind, file_name=filename, run=run)
    result.report_path = report_path or default_report_path(path_or_fileobj, filename, run.pk)
    try:
        _run(result, KINDS[kind], path_or_fileobj, filename, user, channel, progress, batch_size)
    except FileProblem as exc:
        # A file-level message may quote the header row, which is the first data row when the header is
        # missing: it goes to stderr, the stored run and the audit log, so identifiers in it are masked.
        result.problem = map_text(exc.args[0] if exc.args else "", mask_text)
        result.report_path = ""
    except Exception as exc:
        _finish(
            run,
            result,
            status=ImportRun.Status.FAILED,
            problem=Phrase("import stopped by an internal error: %(error)s", error=mask_text(str(exc))),
        )
        raise
    result.notes = [map_text(note, mask_text) for note in result.notes]
    _finish(
        run, result, status=ImportRun.Status.FAILED if result.problem else ImportRun.Status.DONE, problem=result.problem
    )
    return result


def _finish(run: ImportRun, result: ImportResult, *, status: str, problem: Phrase | str) -> None:
    for name in ("rows", "imported", "updated", "unchanged", "rejected", "warnings"):
        setattr(run, name, getattr(result, name))
    # `message` and `report_csv` keep the text in the language of the import; `findings` keeps the phrases,
    # which the console shows in the reader's language.
    run.status, run.finished_at = status, timezone.now()
    run.message = str(problem) or "; ".join(str(n) for n in result.notes)
    run.exit_code = result.exit_code if status != ImportRun.Status.FAILED or result.problem else 1
    run.report_path = "" if result.problem else result.report_path
    lines = [",".join(REPORT_HEADER)] + [_csv_line(i) for i in result.report[:REPORT_ROWS_KEPT]]
    run.report_csv = "\n".join(lines) + "\n" if result.report else ""
    run.report_truncated = result.rejected + result.warnings > REPORT_ROWS_KEPT
    run.findings = {
        "problem": as_data(problem) if problem else None,
        "notes": [as_data(n) for n in result.notes],
        "lines": [
            [i.row, i.column, i.value, [as_data(m) for m in i.messages], i.rejected]
            for i in result.report[:REPORT_ROWS_KEPT]
        ],
    }
    run.save()
    audit_record(
        action="import",
        actor=run.actor,
        obj=run,
        channel=run.channel,
        summary=Phrase(
            "import %(kind)s %(file)s: %(outcome)s",
            kind=KIND_PHRASES.get(run.kind, run.kind),
            file=run.file_name,
            outcome=problem if status == ImportRun.Status.FAILED else result.summary_phrase,
        ),
        detail={
            "kind": run.kind,
            "file": run.file_name,
            "rows": result.rows,
            "imported": result.imported,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "rejected": result.rejected,
            "warnings": result.warnings,
            "exit_code": run.exit_code,
        },
    )


def _csv_line(issue: Issue) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(safe_row((issue.row, issue.column, issue.value, issue.error)))
    return buffer.getvalue()


# --- the engine ----------------------------------------------------------------------------------------
def map_header(kind_cls: type[Kind], header: list[str], filename: str) -> list[str | None]:
    """Column name for each position of the header; unknown columns map to None and are ignored."""
    lookup: dict[str, str] = {}
    for column in kind_cls.columns:
        for spelling in (column.name, *column.aliases):
            lookup.setdefault(normalise_header(spelling), column.name)
    mapping: list[str | None] = []
    where: dict[str, int] = {}
    for position, raw in enumerate(header, start=1):
        name = lookup.get(normalise_header(raw))
        if name is not None and name in where:
            raise FileProblem(
                Phrase(
                    "%(file)s: columns %(first)s and %(second)s both give %(name)s; keep one",
                    file=filename,
                    first=where[name],
                    second=position,
                    name=name,
                )
            )
        if name is not None:
            where[name] = position
        mapping.append(name)
    missing = [c for c in kind_cls.columns if c.required and c.name not in where]
    if missing:
        parts = [c.name + (f" ({' / '.join(c.aliases[:3])})" if c.aliases else "") for c in missing]
        raise FileProblem(
            Phrase(
                "%(file)s: missing required column(s): %(columns)s. The header row reads: %(header)s",
                file=filename,
                columns="; ".join(parts),
                header=", ".join(h for h in header if h) or "—",
            )
        )
    return mapping


def _context(actor, channel: str, filename: str) -> RunContext:
    offices = {code: (pk, tz) for pk, code, tz in Office.objects.values_list("id", "code", "time_zone")}
    allowed = None
    if actor is not None and not actor.is_administrator:
        allowed = {actor.office_id} if actor.office_id else set()
    return RunContext(
        actor=actor,
        channel=channel,
        file_name=filename,
        now=timezone.now(),
        offices=offices,
        allowed_office_ids=allowed,
        default_tz=settings.TIME_ZONE,
    )


def _run(
    result: ImportResult,
    kind_cls: type[Kind],
    path_or_fileobj,
    filename: str,
    actor,
    channel: str,
    progress: ProgressCallback | None,
    batch_size: int | None,
) -> None:
    source = open_source(path_or_fileobj, filename)
    created_report = False
    try:
        mapping = map_header(kind_cls, source.header, filename)
        ignored = [h for h, m in zip(source.header, mapping) if m is None and str(h).strip()]
        if ignored:
            result.notes.append(Phrase("ignored column(s): %(columns)s", columns=", ".join(ignored)))
        kind = kind_cls(_context(actor, channel, filename))
        _larger_sqlite_cache()
        masks = {c.name: c.mask for c in kind_cls.columns}
        size = batch_size or settings.IMPORT_BATCH_SIZE
        created_report = not os.path.exists(result.report_path)  # never delete what was there (or /dev/null)
        with open(result.report_path, "w", newline="", encoding="utf-8-sig") as report_file:
            headers = {name: str(h).strip() for h, name in zip(source.header, mapping) if name}
            report = _Report(csv.writer(report_file), result, masks, headers)
            report.writer.writerow(REPORT_HEADER)
            engine = _Engine(kind, mapping, len([m for m in mapping]), report, result)
            chunk: list[tuple[int, list[object]]] = []
            for number, cells in source.rows:
                chunk.append((number, cells))
                if len(chunk) >= size:
                    engine.process(chunk)
                    chunk = []
                    if progress:
                        progress(result.rows, source.fraction())
            if chunk:
                engine.process(chunk)
            if progress:
                progress(result.rows, 1.0)
        if result.rows == 0 and not result.rejected:
            raise FileProblem(Phrase("%(file)s: the file has a header but no data rows", file=filename))
    except FileProblem:
        _close(source)
        if created_report:
            _discard_report(result)
        raise
    latin1 = source.stats.get("latin1_lines", 0)
    if latin1:
        result.notes.append(Phrase("%(n)s line(s) were not UTF-8 and were read as Latin-1/Windows-1252", n=latin1))


def _larger_sqlite_cache() -> None:
    """SQLite's default page cache (2 MB) is far smaller than the indexes of a registry of a million taxpayers;
    every insert then re-reads index pages from disk. 64 MB for this connection keeps them in memory."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -65536")


def _close(source: Source) -> None:
    close = getattr(source.rows, "close", None)
    if close:
        close()


def _discard_report(result: ImportResult) -> None:
    try:
        if os.path.isfile(result.report_path) and result.rejected + result.warnings == 0:
            os.remove(result.report_path)
    except OSError:
        pass


class _Report:
    def __init__(self, writer, result: ImportResult, masks: dict[str, str], headers: dict[str, str]) -> None:
        self.writer, self.result, self.masks = writer, result, masks
        self.headers = headers  # the column as the file spells it: that is what the person will look for

    def add(self, row: Row, column: str, message: Phrase | str, *, rejected: bool, value: object = None) -> None:
        if value is None:
            value = row.cells.get(column, "") if column else ""
        shown = self._mask(column, values.display(value))
        message = map_text(message, mask_text)  # a message never echoes an identifier in full
        issue = Issue(row.number, self.headers.get(column, column), shown, (message,), rejected)
        self.writer.writerow(safe_row((issue.row, issue.column, issue.value, issue.error)))
        if len(self.result.report) < REPORT_ROWS_KEPT:
            self.result.report.append(issue)

    def warnings(self, row: Row) -> None:
        """One report line per warned row; several warnings are joined."""
        if not row.warnings:
            return
        columns = list(dict.fromkeys(c for c, _ in row.warnings))
        value = "; ".join(self._mask(c, values.display(row.cells.get(c, ""))) for c in columns)
        messages = tuple(map_text(m, mask_text) for _, m in row.warnings)
        issue = Issue(row.number, "; ".join(self.headers.get(c, c) for c in columns), value, messages, False)
        self.writer.writerow(safe_row((issue.row, issue.column, issue.value, issue.error)))
        if len(self.result.report) < REPORT_ROWS_KEPT:
            self.result.report.append(issue)
        self.result.warnings += 1

    def _mask(self, column: str, text: str) -> str:
        kind = self.masks.get(column, "")
        if not text or not kind:
            return text
        return mask_identifier(text) if kind == "identifier" else mask_phone(text)


class _Engine:
    def __init__(self, kind: Kind, mapping: list[str | None], width: int, report: _Report, result: ImportResult):
        self.kind, self.report, self.result = kind, report, result
        self.positions = [(i, name) for i, name in enumerate(mapping) if name is not None]
        self.width = width
        self.mapping = mapping
        self.unmapped = None in mapping  # ignored columns: their cells are dropped from the row
        self.seen: set[int] = set()  # hash of every key accepted in an earlier chunk

    def _row(self, number: int, cells: list[object]) -> Row | RowRejected | None:
        n = len(cells)
        if n == self.width > 1 and any(
            cells
        ):  # the common case: a full row with some truthy cell (an unreadable line is one cell)
            by_name = dict(zip(self.mapping, cells))
            if self.unmapped:
                del by_name[None]
            return Row(number, by_name)
        reason = unreadable_reason(cells)
        if reason is not None:
            return RowRejected("", Phrase("this line cannot be read as CSV (%(reason)s)", reason=reason))
        if not any(c not in ("", None) for c in cells):
            return None  # a blank line in a spreadsheet: not data
        if len(cells) > self.width and any(c not in ("", None) for c in cells[self.width :]):
            return RowRejected(
                "",
                Phrase(
                    "the row has %(n)s values but the header has %(width)s columns "
                    "(a separator inside a value that is not quoted?)",
                    n=len(cells),
                    width=self.width,
                ),
            )
        n = len(cells)
        return Row(number, {name: cells[i] if i < n else "" for i, name in self.positions})

    def process(self, chunk: list[tuple[int, list[object]]]) -> None:
        kind, result = self.kind, self.result
        validate, dedupe, key_of, seen = kind.validate, kind.dedupe, kind.key, self.seen
        accepted: list[tuple[Row, Any]] = []
        keys: list[int] = []
        by_key: dict[Any, tuple[int, Any]] = {}
        special: list[tuple[Row, str | RowRejected]] = []  # rows settled before writing (rejected, repeats)
        rows = 0
        for number, cells in chunk:
            row = self._row(number, cells)
            if row is None:
                continue
            rows += 1
            if type(row) is RowRejected:
                special.append((Row(number, {}), row))
                continue
            try:
                item = validate(row)
            except RowRejected as exc:
                special.append((row, exc))
                continue
            if dedupe:
                key = key_of(item)
                previous = by_key.get(key)
                if previous is not None:
                    if previous[1] == item:
                        row.warn(kind.key_column, Phrase("repeats row %(row)s; counted once", row=previous[0]))
                        special.append((row, "unchanged"))
                    else:
                        special.append(
                            (
                                row,
                                RowRejected(
                                    kind.key_column,
                                    Phrase(
                                        "same %(key)s as row %(row)s but different data; keep one of the two rows",
                                        key=kind.describe_key(),
                                        row=previous[0],
                                    ),
                                ),
                            )
                        )
                    continue
                by_key[key] = (number, item)
                fingerprint = hash(key)
                keys.append(fingerprint)
                row.seen_earlier = fingerprint in seen
            accepted.append((row, item))
        result.rows += rows
        counts: dict[str, int] = {"imported": 0, "updated": 0, "unchanged": 0}
        to_report: list[tuple[int, Row, str | RowRejected]] = []
        if accepted:
            statuses = self._write(accepted)
            for index, ((row, _), status) in enumerate(zip(accepted, statuses, strict=True)):
                if type(status) is str:
                    counts[status] += 1
                    if dedupe:
                        seen.add(keys[index])
                    if row.warnings:
                        to_report.append((row.number, row, status))
                else:
                    to_report.append((row.number, row, status))
        for row, status in special:
            if type(status) is str:
                counts[status] += 1
            to_report.append((row.number, row, status))
        for name, count in counts.items():
            setattr(result, name, getattr(result, name) + count)
        to_report.sort(key=lambda entry: entry[0])
        for _, row, status in to_report:
            if isinstance(status, RowRejected):
                result.rejected += 1
                self.report.add(row, status.column, status.message, rejected=True, value=status.value)
            else:
                self.report.warnings(row)

    def _write(self, accepted: list[tuple[Row, Any]]) -> list[str | RowRejected]:
        snapshot = [list(row.warnings) for row, _ in accepted]
        try:
            with transaction.atomic():
                return self.kind.write(accepted)
        except DatabaseError as exc:
            log.warning("import chunk refused by the database (%s); retrying row by row", exc)
        statuses: list[str | RowRejected] = []
        for (row, item), warnings in zip(accepted, snapshot, strict=True):
            row.warnings[:] = warnings
            try:
                with transaction.atomic():
                    statuses.extend(self.kind.write([(row, item)]))
            except DatabaseError as exc:
                statuses.append(
                    RowRejected("", Phrase("the database refused this row: %(error)s", error=str(exc).splitlines()[0]))
                )
        return statuses
