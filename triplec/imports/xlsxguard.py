"""An XLSX is checked before python-calamine opens it, so that no upload can exhaust the worker's memory.

calamine inflates the whole first sheet and then lays its cells out as one dense grid of 32 bytes per cell, from
the first used cell to the last. Two kinds of file therefore blow up a worker:

- a decompression bomb: a 1 MB zip whose sheet XML expands to 600 MB;
- a sparse sheet: a 1.5 KB file with one cell in A1 and one in XFD1048576 asks for 17 billion cells (512 GiB),
  and the allocation failure aborts the whole process.

So every member of the zip is inflated here as a stream (1 MB at a time, nothing kept) with a cap on the
total, which also catches a zip whose headers understate the sizes (the CRC check fails at the end of a member
cut short); and the cell references of each worksheet are scanned for the last row and column, which bounds
the grid calamine will allocate.
"""

import re
import zipfile
from typing import BinaryIO

from django.conf import settings

from triplec.core.phrases import Phrase

from .problems import FileProblem

_CHUNK = 1 << 20
_MAX_TAG = 1 << 16  # no real <row> or <c> start tag comes near this
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)\b([^>]*)>")
_REF = re.compile(rb'\br\s*=\s*["\']([A-Za-z]{0,3})(\d*)["\']')
_OPEN_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:row|c)\b")


def column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


class _SheetScan:
    """The last row and column a worksheet's cells reach, as calamine will place them."""

    def __init__(self, filename: str, max_rows: int, max_cells: int) -> None:
        self.filename, self.max_rows, self.max_cells = filename, max_rows, max_cells
        self.row = self.col = self.last_row = self.last_col = 0
        self.carry = b""

    def feed(self, chunk: bytes) -> None:
        data = self.carry + chunk
        cut = data.rfind(b"<")
        if cut != -1 and data.find(b">", cut) == -1:  # a tag split across chunks: finish it next time
            data, self.carry = data[:cut], data[cut:]
            if len(self.carry) > _MAX_TAG:
                if _OPEN_TAG.match(self.carry):
                    raise FileProblem(
                        Phrase("%(file)s: the worksheet has a cell that cannot be read.", file=self.filename)
                    )
                self.carry = self.carry[:64]  # some other tag's long attributes: only its end matters
        else:
            self.carry = b""
        for match in _TAG.finditer(data):
            ref = _REF.search(match.group(2))
            if match.group(1) == b"row":
                self.row = int(ref.group(2)) if ref and ref.group(2) else self.row + 1
                self.col = 0
            else:
                if ref and ref.group(2):
                    self.row = max(self.row, int(ref.group(2)))
                self.col = column_number(ref.group(1)) if ref and ref.group(1) else self.col + 1
                self.last_col = max(self.last_col, self.col)
            self.last_row = max(self.last_row, self.row)
        if self.last_row > self.max_rows:
            raise FileProblem(
                Phrase(
                    "%(file)s: the worksheet has more than %(rows)s rows; split the file or save it as CSV.",
                    file=self.filename,
                    rows=f"{self.max_rows:,}".replace(",", "."),
                )
            )
        if self.last_row * self.last_col > self.max_cells:
            raise FileProblem(
                Phrase(
                    "%(file)s: the worksheet spans more than %(cells)s cells (up to row %(row)s, column "
                    "%(col)s); split the file or save it as CSV.",
                    file=self.filename,
                    cells=f"{self.max_cells:,}".replace(",", "."),
                    row=self.last_row,
                    col=self.last_col,
                )
            )


def check_xlsx(stream: BinaryIO, filename: str) -> None:
    """Refuse (FileProblem) an XLSX that expands beyond IMPORT_XLSX_MAX_UNCOMPRESSED_MB or whose sheets span more
    than IMPORT_XLSX_MAX_CELLS cells or IMPORT_XLSX_MAX_ROWS rows. Leaves the stream at its start."""
    limit_mb = settings.IMPORT_XLSX_MAX_UNCOMPRESSED_MB
    limit = limit_mb * 1024 * 1024
    too_large = FileProblem(
        Phrase(
            "%(file)s: the workbook expands to more than %(mb)s MB when unpacked; it was refused "
            "(split the file or save it as CSV).",
            file=filename,
            mb=limit_mb,
        )
    )
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError):
        stream.seek(0)
        return  # not a zip at all: calamine refuses it with its own reason, without inflating anything
    with archive:
        members = archive.infolist()
        if sum(m.file_size for m in members) > limit:
            raise too_large
        total = 0
        try:
            for member in members:
                name = member.filename
                scan = (
                    _SheetScan(filename, settings.IMPORT_XLSX_MAX_ROWS, settings.IMPORT_XLSX_MAX_CELLS)
                    if name.startswith("xl/worksheets/") and name.endswith(".xml")
                    else None
                )
                with archive.open(member) as inflated:
                    while chunk := inflated.read(_CHUNK):
                        total += len(chunk)
                        if total > limit:
                            raise too_large
                        if scan is not None:
                            scan.feed(chunk)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
            raise FileProblem(
                Phrase("%(file)s: the workbook is damaged (%(reason)s).", file=filename, reason=type(exc).__name__)
            ) from None
    stream.seek(0)
