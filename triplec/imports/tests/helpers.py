"""Valid identifiers for import tests (python-stdnum rules), and a reader for report files."""

import csv
from pathlib import Path

from stdnum import luhn


def npwp15(serial: int, kpp: str = "922") -> str:
    body = f"01{serial:06d}"
    return body + luhn.calc_check_digit(body) + kpp + "000"


def dotted(n15: str) -> str:
    return f"{n15[:2]}.{n15[2:5]}.{n15[5:8]}.{n15[8]}-{n15[9:12]}.{n15[12:]}"


def bad_check_digit(serial: int) -> str:
    body = f"01{serial:06d}"
    return body + str((int(luhn.calc_check_digit(body)) + 1) % 10) + "922000"


NIK = "5371014202810002"  # Kota Kupang, woman born 2 Feb 1981


def report_rows(path) -> list[dict[str, str]]:
    with open(Path(path), encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))
