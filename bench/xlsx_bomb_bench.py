"""Benchmark `xlsx_bomb`: peak memory of a fresh process importing hostile and large XLSX files.

Three imports, each in its own Python process (VmHWM is that process's own peak, as a web worker's would be):
a 1 MB decompression bomb that inflates to 600 MB, a 2 KB workbook with a cell in XFD1048576, and the largest
workbook the default limits accept: SIZE taxpayer rows of ten columns (990,010 cells with the header at the default
99,000 rows). The bombs must be refused and every process must stay under 300 MB. rate is the rows/s of the large
workbook; the baseline is the same rows imported from CSV (streamed, no cell grid), in a process of its own.
"""

import csv
import os
import tempfile

from bench.import_bench import rows
from triplec.tests.bombs import _workbook, import_in_subprocess, write_sparse_xlsx, write_xlsx_bomb
from triplec.tests.support import database_url_for_subprocess

HEADER = ["npwp", "nik", "nama", "jenis_wp", "alamat", "kota", "kode_kpp", "nomor_wa", "sumber_wa", "catatan"]
LIMIT_MB = 300


def _cells(values: list[str]) -> bytes:
    return b"".join(b'<c t="inlineStr"><is><t>' + v.encode() + b"</t></is></c>" for v in values)


def _records(size: int):
    for typed, _, _, nik, name, address, phone in rows(size):
        yield [typed, nik, name, "OP", address, "Kota Kupang", "922", phone, "registrasi", "-"]


def write_large_xlsx(path: str, size: int) -> None:
    def fill(sheet):
        sheet.write(b"<row>" + _cells(HEADER) + b"</row>")
        for record in _records(size):
            sheet.write(b"<row>" + _cells([v.replace("&", "&amp;") for v in record]) + b"</row>")

    _workbook(path, fill, header=False)


def run(size: int) -> dict:
    from triplec.offices.models import Office

    Office.objects.get_or_create(code="922", defaults={"name": "KPP Pratama Kupang"})
    env = {"DATABASE_URL": database_url_for_subprocess()}
    with tempfile.TemporaryDirectory(prefix="triplec-xlsx-bench-") as tmp:
        bomb, sparse, large, flat = (
            os.path.join(tmp, n) for n in ("bomb.xlsx", "sparse.xlsx", "large.xlsx", "large.csv")
        )
        write_xlsx_bomb(bomb)
        write_sparse_xlsx(sparse)
        write_large_xlsx(large, size)
        with open(flat, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, delimiter=";")
            writer.writerow(HEADER)
            writer.writerows(_records(size))
        results = {
            name: import_in_subprocess(path, env=env)
            for name, path in (("bomb", bomb), ("sparse", sparse), ("large", large), ("csv", flat))
        }
        sizes = {name: os.path.getsize(path) for name, path in (("bomb", bomb), ("sparse", sparse), ("large", large))}
    if results["bomb"]["exit_code"] != 2 or results["sparse"]["exit_code"] != 2:
        raise RuntimeError(f"a bomb was not refused: {results}")
    if results["large"]["exit_code"] == 2:
        raise RuntimeError(f"the large workbook was refused: {results['large']['message']}")
    rate = size / results["large"]["seconds"]
    baseline_rate = size / results["csv"]["seconds"]
    peak = max(r["peak_rss_mb"] for r in results.values())
    return {
        "name": "xlsx_bomb",
        "size": size,
        "seconds": results["large"]["seconds"],
        "rate": round(rate, 1),
        "baseline_rate": round(baseline_rate, 1),
        "ratio": round(rate / baseline_rate, 4),
        "bomb_zipped_bytes": sizes["bomb"],
        "bomb_peak_rss_mb": results["bomb"]["peak_rss_mb"],
        "bomb_seconds": results["bomb"]["seconds"],
        "sparse_zipped_bytes": sizes["sparse"],
        "sparse_peak_rss_mb": results["sparse"]["peak_rss_mb"],
        "large_zipped_bytes": sizes["large"],
        "large_peak_rss_mb": results["large"]["peak_rss_mb"],
        "csv_peak_rss_mb": results["csv"]["peak_rss_mb"],
        "peak_rss_mb": peak,
        "under_limit": peak < LIMIT_MB,
        "limit_mb": LIMIT_MB,
    }
