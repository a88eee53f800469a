"""Reading import files row by row, whatever the office's export tool produced.

CSV: UTF-8 (with or without BOM), Latin-1/Windows-1252, or a mix of both line by line (files glued together
from two exports); comma, semicolon or tab, sniffed from the header line. XLSX: the first sheet, through
python-calamine. Rows come out as (spreadsheet row number, list of raw cells), never the whole file at once.
"""

import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from python_calamine import CalamineWorkbook

from triplec.core.phrases import Phrase

from .problems import FileProblem
from .xlsxguard import check_xlsx

SUPPORTED_EXTENSIONS = (".csv", ".xlsx")


@dataclass
class Source:
    """An open import file: its header, its rows, and how far the reading has come (for a progress bar)."""

    header: list[str]
    rows: Iterator[tuple[int, list[object]]]
    total_bytes: int | None = None
    stats: dict[str, int] = field(default_factory=dict)
    position: int = 0  # bytes read so far (CSV) or rows read (XLSX)
    total_rows: int | None = None
    # The CSV block being read: (its first byte, its bytes, its characters, the line iterator over it).
    block: tuple[int, int, int, io.StringIO] | None = None

    def fraction(self) -> float | None:
        if self.block is not None:
            start, nbytes, nchars, lines = self.block
            self.position = start + (nbytes * lines.tell() // nchars if nchars else 0)
        if self.total_rows:
            return min(1.0, self.position / self.total_rows)
        if self.total_bytes:
            return min(1.0, self.position / self.total_bytes)
        return None


def open_source(path_or_fileobj: str | os.PathLike | BinaryIO, filename: str) -> Source:
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        if suffix in (".xls", ".ods", ".xlsm"):
            raise FileProblem(
                Phrase(
                    "%(file)s: unsupported file type %(suffix)s (save it from Excel as .xlsx); use .csv or .xlsx",
                    file=filename,
                    suffix=suffix,
                )
            )
        raise FileProblem(
            Phrase("%(file)s: unsupported file type %(suffix)s; use .csv or .xlsx", file=filename, suffix=suffix or "—")
        )
    if isinstance(path_or_fileobj, (str, os.PathLike)):
        try:
            stream: BinaryIO = open(path_or_fileobj, "rb")  # noqa: SIM115 (closed by the row iterator)
        except OSError as exc:
            raise FileProblem(
                Phrase("%(file)s: cannot be read (%(reason)s)", file=filename, reason=exc.strerror)
            ) from None
    else:
        # A Django UploadedFile wraps the real file; its own line iteration would also split on a bare CR.
        stream = getattr(path_or_fileobj, "file", path_or_fileobj)
        if hasattr(stream, "seek"):
            try:
                stream.seek(0)
            except (OSError, io.UnsupportedOperation):
                pass
    if suffix == ".csv":
        return _open_csv(stream, filename)
    return _open_xlsx(stream, filename)


# --- CSV -------------------------------------------------------------------------------------------------
def _decode(line: bytes, stats: dict[str, int]) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        stats["latin1_lines"] = stats.get("latin1_lines", 0) + 1
        try:
            return line.decode("cp1252")  # Excel on Windows writes cp1252, a superset of Latin-1's letters
        except UnicodeDecodeError:
            return line.decode("latin-1")


_BLOCK = 1 << 20  # bytes of CSV decoded at a time


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: 0 for d in (",", ";", "\t")}
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _open_csv(stream: BinaryIO, filename: str) -> Source:
    try:
        size = os.fstat(stream.fileno()).st_size
    except (OSError, AttributeError, io.UnsupportedOperation):
        size = None
    stats: dict[str, int] = {}
    try:
        first = stream.readline()
    except OSError as exc:
        raise FileProblem(Phrase("%(file)s: cannot be read (%(reason)s)", file=filename, reason=str(exc))) from None
    if first.startswith(b"PK\x03\x04") or b"\x00" in first:
        stream.close()
        raise FileProblem(Phrase("%(file)s: this is not a text CSV file (an Excel file renamed .csv?)", file=filename))
    # Skip blank lines before the header; they still count as spreadsheet rows.
    skipped = 0
    while first and not first.strip(b"\r\n\t ;,\xef\xbb\xbf"):
        skipped += 1
        first = stream.readline()
    if not first:
        stream.close()
        raise FileProblem(Phrase("%(file)s: the file is empty", file=filename))
    if first.startswith(b"\xef\xbb\xbf"):
        first = first[3:]
    header_line = _decode(first, stats)
    delimiter = _sniff_delimiter(header_line)
    header = next(csv.reader([header_line], delimiter=delimiter))
    source = Source(header=header, rows=iter(()), total_bytes=size, stats=stats)
    source.position = len(first)

    def lines() -> Iterator[str]:
        # A block of whole lines is decoded at once (one C call instead of one per line); only a block that is
        # not valid UTF-8 is decoded line by line, so each bad line alone falls back to Windows-1252.
        while True:
            block = stream.read(_BLOCK)
            if not block:
                return
            if not block.endswith(b"\n"):
                block += stream.readline()
            start = source.position
            try:
                text = block.decode("utf-8")
            except UnicodeDecodeError:
                source.block = None
                for raw in io.BytesIO(block):  # splits on b"\n" only, as reading the file line by line does
                    source.position += len(raw)
                    yield _decode(raw, stats)
                continue
            decoded = io.StringIO(text, newline="\n")  # lines end at "\n" only; a bare CR stays in its line
            source.block = (start, len(block), len(text), decoded)
            yield from decoded
            source.block = None
            source.position = start + len(block)

    def rows() -> Iterator[tuple[int, list[object]]]:
        number = 1 + skipped
        reader = csv.reader(lines(), delimiter=delimiter)
        try:
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    number += 1
                    yield number, [_Unreadable(str(exc))]
                    continue
                number += 1
                yield number, cells
        finally:
            stream.close()

    source.rows = rows()
    return source


class _Unreadable:
    """A line the CSV reader could not split (an unterminated quote, a NUL byte): reported as its row."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def unreadable_reason(cells: list[object]) -> str | None:
    if len(cells) == 1 and isinstance(cells[0], _Unreadable):
        return cells[0].reason
    return None


# --- XLSX ------------------------------------------------------------------------------------------------
def _open_xlsx(stream: BinaryIO, filename: str) -> Source:
    try:
        check_xlsx(stream, filename)  # before calamine inflates anything: size and cell bounds
    except FileProblem:
        stream.close()
        raise
    try:
        workbook = CalamineWorkbook.from_filelike(stream)
        if not workbook.sheet_names:
            raise FileProblem(Phrase("%(file)s: the workbook has no sheets", file=filename))
        sheet = workbook.get_sheet_by_index(0)
    except FileProblem:
        raise
    except Exception as exc:  # calamine raises its own error types for corrupt files
        raise FileProblem(
            Phrase("%(file)s: cannot be read as an Excel .xlsx workbook (%(reason)s)", file=filename, reason=str(exc))
        ) from None
    finally:
        stream.close()
    start_row = (sheet.start or (0, 0))[0] if sheet.height else 0
    iterator = sheet.iter_rows()
    number = start_row
    header: list[object] | None = None
    for cells in iterator:
        number += 1
        if any(c not in ("", None) for c in cells):
            header = cells
            break
    if header is None:
        raise FileProblem(Phrase("%(file)s: the first sheet is empty", file=filename))
    source = Source(header=[str(c).strip() for c in header], rows=iter(()), total_rows=sheet.height or None)
    source.position = number - start_row

    def rows() -> Iterator[tuple[int, list[object]]]:
        n = number
        for cells in iterator:
            n += 1
            source.position += 1
            yield n, cells

    source.rows = rows()
    return source
