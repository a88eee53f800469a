"""The files in samples/ fit the demo office: each rejects exactly the rows docs/import-format.md names."""

import re
from pathlib import Path

import pytest

from triplec.demo.services import demo_build
from triplec.imports.services import import_run
from triplec.ledger.models import MatchMethod, Payment

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]
ORDER = [
    ("taxpayers", "taxpayers.csv"),
    ("debts", "debts.csv"),
    ("letters", "letters.csv"),
    ("payments", "payments.csv"),
]


def documented() -> dict[str, tuple[set[int], set[int]]]:
    """file -> (rejected rows, warning rows), read from the table of the docs' "The sample files" section."""
    text = (ROOT / "docs" / "import-format.md").read_text(encoding="utf-8")
    section = text.split("## The sample files", 1)[1].split("\n## ", 1)[0]
    table = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].endswith((".csv", ".xlsx")):
            rows = [{int(n) for n in re.findall(r"(?:^|, )(\d+) \(", cell)} for cell in cells[1:]]
            table[cells[0]] = (rows[0], rows[1])
    return table


def outcome(result) -> tuple[set[int], set[int]]:
    rejected = {i.row for i in result.report if i.rejected}
    warned = {i.row for i in result.report if not i.rejected}
    return rejected, warned


def test_it_documents_every_sample_file():
    files = {p.name for p in (ROOT / "samples").iterdir() if p.suffix in (".csv", ".xlsx")}
    assert set(documented()) == files


def test_it_imports_the_csv_samples_into_a_fresh_demo_office_rejecting_only_the_documented_rows(tmp_path):
    demo_build(taxpayers=40, seed=11)
    table = documented()
    for kind, name in ORDER:
        result = import_run(
            kind=kind,
            path_or_fileobj=ROOT / "samples" / name,
            channel="cli",
            report_path=str(tmp_path / f"{name}.errors.csv"),
        )
        assert not result.message, (name, result.message)
        assert outcome(result) == table[name], name
        assert result.rejected == len(table[name][0])
    sample_payments = Payment.objects.filter(ntpn__startswith="00A1B2C")
    assert sample_payments.count() == 20
    assert not sample_payments.filter(match_method="").exists()  # every sample payment finds its document


def test_it_imports_the_xlsx_sample_into_a_fresh_demo_office_rejecting_only_the_documented_rows(tmp_path):
    demo_build(taxpayers=40, seed=12)
    result = import_run(
        kind="taxpayers",
        path_or_fileobj=ROOT / "samples" / "taxpayers.xlsx",
        channel="cli",
        report_path=str(tmp_path / "x.errors.csv"),
    )
    assert not result.message
    assert outcome(result) == documented()["taxpayers.xlsx"]


def test_it_gives_the_demo_payments_a_match_method():
    demo_build(taxpayers=60, seed=5)
    assert Payment.objects.exists()
    assert not Payment.objects.filter(match_method="").exists()
    assert set(Payment.objects.values_list("match_method", flat=True)) == {MatchMethod.DOCUMENT_NUMBER}
