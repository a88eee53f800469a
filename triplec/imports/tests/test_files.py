import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from triplec.imports.models import ImportRun
from triplec.imports.services import import_run
from triplec.taxpayers.models import Taxpayer

from .helpers import dotted, npwp15, report_rows


def names() -> set[str]:
    return set(Taxpayer.objects.values_list("name", flat=True))


def test_it_reads_utf8_with_a_byte_order_mark(office, write):
    path = write("wp.csv", "\ufeffNPWP,Nama,Kode KPP\n" + f"{npwp15(1)},Agustinus Tefa,922\n")
    assert import_run(kind="taxpayers", path_or_fileobj=path).imported == 1
    assert names() == {"Agustinus Tefa"}


def test_it_reads_latin1_and_files_mixing_encodings_line_by_line(office, write):
    latin = write("latin.csv", f"npwp;nama;kode_kpp\n{npwp15(1)};José Señoráh;922\n", encoding="latin-1")
    result = import_run(kind="taxpayers", path_or_fileobj=latin)
    assert result.imported == 1 and "Latin-1" in str(result.notes[0])
    mixed = write(
        "mixed.csv",
        "npwp;nama;kode_kpp\n".encode()
        + f"{npwp15(2)};Frère Ndun;922\n".encode("utf-8")
        + f"{npwp15(3)};Müller Kase;922\n".encode("latin-1"),
    )
    assert import_run(kind="taxpayers", path_or_fileobj=mixed).imported == 2
    assert names() == {"José Señoráh", "Frère Ndun", "Müller Kase"}


def test_it_sniffs_semicolons_and_keeps_commas_inside_values(office, write):
    path = write("wp.csv", f'NPWP ; Nama WP ; KODE-KPP ; Alamat\n{dotted(npwp15(1))};"Lay, Petrus";922;Jl. A, No. 1\n')
    assert import_run(kind="taxpayers", path_or_fileobj=path).imported == 1
    taxpayer = Taxpayer.objects.get()
    assert (taxpayer.name, taxpayer.address) == ("Lay, Petrus", "Jl. A, No. 1")


def test_it_reads_the_first_sheet_of_an_xlsx_workbook(office, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["NPWP", "Nama", "Kode KPP", "Nomor WA", "Tanggal Verifikasi WA"])
    sheet.append([int(npwp15(1)), "Yuliana Pello", 922, 6281234567890, dt.date(2026, 3, 15)])
    sheet.append([npwp15(2), "Markus Sinlae", "922", None, None])
    sheet.append([None, None, None, None, None])
    sheet.append(["123", "Salah", 922, None, None])
    path = tmp_path / "wp.xlsx"
    workbook.save(path)
    result = import_run(kind="taxpayers", path_or_fileobj=path)
    assert (result.imported, result.rejected) == (2, 1)
    assert result.report[0].row == 5  # the blank spreadsheet row still counts
    assert Taxpayer.objects.get(name="Yuliana Pello").contact.phone == "+6281234567890"
    assert import_run(kind="taxpayers", path_or_fileobj=path).unchanged == 2


def test_it_takes_an_uploaded_file_from_the_console(office):
    upload = SimpleUploadedFile("unggah.csv", f"npwp,nama,kode_kpp\n{npwp15(1)},Daniel Kase,922\n".encode())
    result = import_run(kind="taxpayers", path_or_fileobj=upload, filename="unggah.csv", channel="web")
    assert result.imported == 1 and result.run.file_name == "unggah.csv"
    assert (
        import_run(kind="taxpayers", path_or_fileobj=io.BytesIO(b"npwp,nama,kode_kpp\n"), filename="x.csv").exit_code
        == 2
    )


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("wp.xls", b"anything", "unsupported file type .xls (save it from Excel as .xlsx)"),
        ("wp.txt", b"npwp,nama,kode_kpp\n", "unsupported file type .txt"),
        ("wp.csv", b"", "the file is empty"),
        ("wp.csv", b"\n\n", "the file is empty"),
        ("wp.csv", b"npwp,nama,kode_kpp\n", "header but no data rows"),
        ("wp.csv", b"npwp,nama,alamat\n015,X,Y\n", "missing required column(s): office_code (kode_kpp / kpp / kantor)"),
        ("wp.csv", b"npwp,nama,kode_kpp,nama_wp\n1,2,3,4\n", "columns 2 and 4 both give name"),
        ("wp.csv", b"PK\x03\x04binary", "not a text CSV file"),
        ("wp.xlsx", b"not a workbook", "cannot be read as an Excel .xlsx workbook"),
    ],
)
def test_a_file_level_problem_writes_nothing_and_exits_2(office, write, name, content, message):
    path = write(name, content)
    result = import_run(kind="taxpayers", path_or_fileobj=path)
    assert result.exit_code == 2
    assert message in result.message
    assert not Taxpayer.objects.exists()
    assert not (path.parent / f"{name}.errors.csv").exists()
    run = ImportRun.objects.get()
    assert (run.status, run.exit_code) == ("failed", 2) and message in run.message


def test_the_command_exits_2_on_a_missing_file_or_columns(office, write):
    with pytest.raises(CommandError) as exc:
        call_command("import_data", "taxpayers", str(write("wp.csv", "npwp,nama\n1,2\n")))
    assert exc.value.returncode == 2 and "missing required column" in str(exc.value)
    with pytest.raises(CommandError) as exc:
        call_command("import_data", "debts", "/nonexistent/file.csv")
    assert exc.value.returncode == 2 and "cannot be read" in str(exc.value)
    assert not Taxpayer.objects.exists()


def test_it_rejects_a_row_with_more_values_than_the_header(office, write):
    path = write("wp.csv", f"npwp,nama,kode_kpp\n{npwp15(1)},Lay, Petrus,922\n{npwp15(2)},Kana,922,\n")
    result = import_run(kind="taxpayers", path_or_fileobj=path)
    assert (result.imported, result.rejected) == (1, 1)
    (line,) = report_rows(result.report_path)
    assert line["row"] == "2" and "4 values but the header has 3" in line["error"]


def test_it_ignores_unknown_columns_and_says_so(office, write):
    path = write("wp.csv", f"npwp,nama,kode_kpp,catatan\n{npwp15(1)},Kana,922,apa saja\n")
    result = import_run(kind="taxpayers", path_or_fileobj=path)
    assert result.imported == 1 and list(map(str, result.notes)) == ["ignored column(s): catatan"]


def test_it_reports_progress_after_each_chunk(office, write):
    lines = "".join(f"{npwp15(i)},Wajib Pajak {i},922\n" for i in range(1, 8))
    calls: list[tuple[int, float | None]] = []
    import_run(
        kind="taxpayers",
        path_or_fileobj=write("wp.csv", "npwp,nama,kode_kpp\n" + lines),
        progress=lambda rows, fraction: calls.append((rows, fraction)),
        batch_size=3,
    )
    assert [rows for rows, _ in calls] == [3, 6, 7]
    assert calls[-1][1] == 1.0 and 0 < calls[0][1] < 1


def test_it_never_deletes_a_report_path_that_existed_before(office, write):
    existing = write("keep.csv", "precious")
    result = import_run(
        kind="taxpayers", path_or_fileobj=write("wp.csv", "npwp,nama,kode_kpp\n"), report_path=str(existing)
    )
    assert result.exit_code == 2 and existing.exists()


def test_it_reads_lines_across_block_boundaries_and_falls_back_per_line_only_where_needed(office, write, monkeypatch):
    from triplec.imports import reading

    monkeypatch.setattr(reading, "_BLOCK", 40)  # many blocks: boundaries fall inside lines and quoted values
    lines = [f'{npwp15(i)};"Wajib\nPajak {i}";922\n'.encode() for i in range(1, 7)]
    lines.insert(3, f'{npwp15(7)};"Müller Kase\r Tua";922\n'.encode("latin-1"))  # one cp1252 line, a CR inside
    result = import_run(kind="taxpayers", path_or_fileobj=write("wp.csv", b"npwp;nama;kode_kpp\n" + b"".join(lines)))
    assert (result.imported, result.rejected) == (7, 0)
    assert list(map(str, result.notes)) == ["1 line(s) were not UTF-8 and were read as Latin-1/Windows-1252"]
    assert names() == {f"Wajib Pajak {i}" for i in range(1, 7)} | {"Müller Kase Tua"}


def test_it_finds_new_ids_by_key_when_they_cannot_be_computed(office, write, monkeypatch):
    from triplec.imports.kinds import taxpayers

    monkeypatch.setattr(
        taxpayers, "insert_many_ids", lambda model, fields, rows: taxpayers.insert_many(model, fields, rows)
    )
    path = write(
        "wp.csv",
        "npwp,nama,kode_kpp,nomor_wa\n"
        + "".join(f"{npwp15(i)},Wajib Pajak {i},922,0812-3456-{i:04d}\n" for i in range(1, 5)),
    )
    result = import_run(kind="taxpayers", path_or_fileobj=path, batch_size=2)
    assert result.imported == 4
    for taxpayer in Taxpayer.objects.select_related("contact"):
        assert taxpayer.contact.phone == f"+628123456{int(taxpayer.name.split()[-1]):04d}"
        assert [c.new_phone for c in taxpayer.contact.changes.all()] == [taxpayer.contact.phone]
