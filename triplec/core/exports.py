"""CSV and XLSX downloads of a list, streamed so that a large office does not sit in memory."""

import csv
import tempfile
from collections.abc import Iterable, Sequence

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from triplec.core.spreadsheets import formula_safe, safe_row

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> StreamingHttpResponse:
    """UTF-8 with a BOM (Excel opens it right), one row per iteration: memory stays flat."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow(safe_row(header))
        for row in rows:
            yield writer.writerow(safe_row(row))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(filename: str, sheet_title: str, header: Sequence[str], rows: Iterable[Sequence]) -> FileResponse:
    """openpyxl in write-only mode streams rows to a temporary file, which is then sent in chunks."""
    from openpyxl import Workbook  # lazy for start-up time: openpyxl is slow to import, only exports need it
    from openpyxl.cell import WriteOnlyCell  # lazy: as above
    from openpyxl.styles import Font  # lazy: as above

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])
    bold = Font(bold=True)
    head = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=formula_safe(str(title)))
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    for row in rows:
        sheet.append([_xlsx_value(v) for v in row])
    tmp = tempfile.TemporaryFile()
    workbook.save(tmp)
    tmp.seek(0)
    return FileResponse(tmp, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


def _xlsx_value(value):
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return timezone.localtime(value).replace(tzinfo=None)  # Excel has no time zones: the office's time
    return formula_safe(value)


def export_header(columns: Sequence[tuple[str, object]], *, codes: bool = False) -> list[str]:
    """The header row of an export: each column's label in the reader's language, or its code (a stable, documented
    name for scripts) with `codes=True` (`?headers=codes` on the console's exports). The order never changes."""
    return [code if codes else str(label) for code, label in columns]


def wants_codes(request) -> bool:
    return request.GET.get("headers") == "codes"


def export_filename(stem: str, ext: str) -> str:
    return f"{stem}-{timezone.localtime():%Y%m%d-%H%M}.{ext}"
