"""Benchmark `import`: N taxpayer rows through `import_run` end to end, against raw sqlite3.executemany.

The CSV (generated first, not timed) looks like a KPP export: half NIK-based 16-digit NPWPs, half legacy
15-digit ones in dotted layout, nine in ten with a WhatsApp number written 08xx-xxxx-xxxx, semicolons. The
timed import parses, validates (NPWP/NIK check digits and dates, phone numbers), looks up existing rows and
writes taxpayers, contacts and contact history. The baseline inserts the same rows, already validated, into a
table of the same shape with the same indexes, through the sqlite3 module in this process: the floor that any
importer on SQLite pays. A second import of the same file (everything "unchanged") is timed too, and the CPU time
of the first import is reported beside the wall-clock time.
"""

import csv
import datetime as dt
import itertools
import os
import sqlite3
import tempfile
import time
from collections.abc import Iterator

from stdnum import luhn

from bench.registry import headline

FIRST = [
    "Yohanes",
    "Maria",
    "Agustinus",
    "Fransiska",
    "Petrus",
    "Yuliana",
    "Markus",
    "Elisabeth",
    "Daniel",
    "Theresia",
    "Simon",
    "Veronika",
    "Paulus",
    "Kristina",
    "Andreas",
    "Margaretha",
    "Budi",
    "Siti",
]
LAST = [
    "Ndun",
    "Bessie",
    "Tefa",
    "Manafe",
    "Lay",
    "Pello",
    "Sinlae",
    "Nenobais",
    "Kase",
    "Mooy",
    "Fanggidae",
    "Riwu",
    "Adoe",
    "Kana",
    "Tanesib",
    "Pah",
    "Benu",
    "Lopo",
]
STREETS = ["Jl. El Tari", "Jl. Timor Raya", "Jl. Frans Seda", "Jl. W.J. Lalamentik", "Jl. Soeharto", "Jl. Piet Tallo"]


def rows(size: int) -> Iterator[tuple[str, str, str, str, str, str, str]]:
    """(npwp as typed, npwp16, npwp15, nik, name, address, whatsapp as typed) for row i, deterministic."""
    base = dt.date(1960, 1, 1)
    for i in range(size):
        name = f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]} {i}"
        address = f"{STREETS[i % len(STREETS)]} No. {i % 300 + 1}"
        phone = f"0812-{i // 10000 % 10000:04d}-{i % 10000:04d}" if i % 10 else ""
        if i % 2 == 0:
            k = i // 2
            born = base + dt.timedelta(days=k // 9999)
            day = born.day + (40 if k % 3 == 0 else 0)  # women: day + 40
            nik = f"53710{k % 6 + 1}{day:02d}{born.month:02d}{born.year % 100:02d}{k % 9999 + 1:04d}"
            yield nik, nik, "", nik, name, address, phone
        else:
            body = f"{1 + (i // 2) // 10**6 % 9:02d}{(i // 2) % 10**6:06d}"
            n15 = body + luhn.calc_check_digit(body) + "922000"
            typed = f"{n15[:2]}.{n15[2:5]}.{n15[5:8]}.{n15[8]}-{n15[9:12]}.{n15[12:]}"
            yield typed, "0" + n15, n15, "", name, address, phone


def write_csv(path: str, size: int) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["npwp", "nik", "nama", "jenis_wp", "alamat", "kota", "kode_kpp", "nomor_wa", "sumber_wa"])
        for typed, _, _, nik, name, address, phone in rows(size):
            w.writerow([typed, nik, name, "OP", address, "Kota Kupang", "922", phone, "registrasi"])


def baseline(path: str, size: int) -> float:
    """Raw sqlite3.executemany of the pre-validated rows into a taxpayer-shaped table; returns seconds."""
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript("""
        PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
        CREATE TABLE taxpayer (id INTEGER PRIMARY KEY AUTOINCREMENT, npwp16 varchar(16) NOT NULL UNIQUE,
            npwp15 varchar(15) NOT NULL, nik varchar(16) NOT NULL, nitku varchar(22) NOT NULL,
            name varchar(200) NOT NULL, taxpayer_type varchar(5) NOT NULL, address varchar(300) NOT NULL,
            city varchar(100) NOT NULL, office_id bigint NOT NULL, account_representative_id bigint NULL,
            created_at datetime NOT NULL, updated_at datetime NOT NULL);
        CREATE INDEX t_npwp15 ON taxpayer (npwp15); CREATE INDEX t_nik ON taxpayer (nik);
        CREATE INDEX t_office ON taxpayer (office_id);
        CREATE INDEX t_ar ON taxpayer (account_representative_id);
    """)
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    sql = (
        "INSERT INTO taxpayer (npwp16, npwp15, nik, nitku, name, taxpayer_type, address, city, office_id, "
        "account_representative_id, created_at, updated_at) VALUES (?, ?, ?, '', ?, 'OP', ?, 'Kota Kupang', 1, NULL, ?, ?)"
    )
    # The rows are built (untimed) in slices of 50,000 so that only the inserts are measured, in one transaction.
    seconds = 0.0
    source = rows(size)
    db.execute("BEGIN IMMEDIATE")
    while True:
        part = [
            (n16, n15, nik, name, address, now, now)
            for _, n16, n15, nik, name, address, _ in itertools.islice(source, 50_000)
        ]
        if not part:
            break
        started = time.perf_counter()
        db.executemany(sql, part)
        seconds += time.perf_counter() - started
    started = time.perf_counter()
    db.execute("COMMIT")
    seconds += time.perf_counter() - started
    db.close()
    return seconds


def run(size: int) -> dict:
    from django.db import connection

    from triplec.imports.services import import_run
    from triplec.offices.models import Office

    Office.objects.get_or_create(code="922", defaults={"name": "KPP Pratama Kupang"})
    with tempfile.TemporaryDirectory(prefix="triplec-import-bench-") as tmp:
        path = os.path.join(tmp, "taxpayers.csv")
        write_csv(path, size)
        started, cpu = time.perf_counter(), time.process_time()
        first = import_run(kind="taxpayers", path_or_fileobj=path, channel="cli")
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
        if first.imported != size or first.rejected:
            raise RuntimeError(f"benchmark import went wrong: {first.summary} {first.report[:3]}")
        started = time.perf_counter()
        second = import_run(kind="taxpayers", path_or_fileobj=path, channel="cli")
        reimport_seconds = time.perf_counter() - started
        if second.unchanged != size:
            raise RuntimeError(f"re-import changed data: {second.summary}")
        baseline_seconds = baseline(os.path.join(tmp, "baseline.sqlite3"), size)
    rate = size / seconds
    baseline_rate = size / baseline_seconds
    return {
        **headline("import", size, seconds, rate, baseline_rate, ratio_digits=4),
        "baseline_seconds": round(baseline_seconds, 3),
        # CPU time of this process: on a machine shared with other work the wall clock alone misleads.
        "cpu_seconds": round(cpu_seconds, 3),
        "cpu_rate": round(size / cpu_seconds, 1),
        "reimport_seconds": round(reimport_seconds, 3),
        "reimport_rate": round(size / reimport_seconds, 1),
        "database": connection.vendor,
    }
