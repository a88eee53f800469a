"""Hostile XLSX files, made on the fly for the tests and the `xlsx_bomb` benchmark (xlsxguard.py refuses them),
and the peak memory of an import of one in a fresh process."""

import json
import os
import subprocess
import sys
import zipfile

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="WP" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
_HEADER_ROW = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>npwp</t></is></c><c r="B1" t="inlineStr"><is><t>nama</t></is></c>'
    b'<c r="C1" t="inlineStr"><is><t>kode_kpp</t></is></c></row>'
)


def _workbook(path: str, write_sheet, *, header: bool = True) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            if header:
                sheet.write(_HEADER_ROW)
            write_sheet(sheet)
            sheet.write(b"</sheetData></worksheet>")


def write_xlsx_bomb(path: str, sheet_mb: int = 600) -> None:
    """A decompression bomb: about 1 MB zipped, `sheet_mb` MB of sheet XML once inflated (streamed, never held)."""
    cell = b'<row><c t="inlineStr"><is><t>' + b"9" * 2000 + b"</t></is></c></row>"
    block = cell * 500

    def fill(sheet):
        for _ in range(sheet_mb * 1024 * 1024 // len(block) + 1):
            sheet.write(block)

    _workbook(path, fill)


def write_sparse_xlsx(path: str) -> None:
    """A 2 KB file with a cell in the last row and column Excel allows: a dense grid of 17 billion cells."""
    _workbook(path, lambda sheet: sheet.write(b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'))


# The peak is VmHWM, the high-water mark of this process's own memory map: ru_maxrss survives execve on Linux,
# so a child of a large test runner would report the runner's size.
_MEASURE = """
import json, os, sys, time
import django

def peak_rss_mb():
    with open("/proc/self/status") as status:
        kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    return round(kb / 1024, 1)

django.setup()
from triplec.imports.services import import_run
started = time.perf_counter()
result = import_run(kind=sys.argv[2], path_or_fileobj=sys.argv[1], channel="cli", report_path=os.devnull)
print(json.dumps({"seconds": round(time.perf_counter() - started, 3), "exit_code": result.exit_code,
                  "message": result.message,
                  "peak_rss_mb": peak_rss_mb()}))
"""


def import_in_subprocess(path: str, kind: str = "taxpayers", env: dict | None = None) -> dict:
    """Import `path` in a fresh Python process (its own peak RSS, not the test runner's); returns its report."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, path, kind],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "triplec.settings", **(env or {})},
    )
    if done.returncode != 0:
        raise RuntimeError(f"the import process failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])
