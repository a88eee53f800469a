import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from triplec.accounts.roles import Role
from triplec.audit.models import AuditEntry
from triplec.imports.models import ImportRun
from triplec.imports.services import import_run
from triplec.taxpayers.models import Contact, ContactChange, Taxpayer
from triplec.tests.support import make_user

from .helpers import NIK, bad_check_digit, dotted, npwp15, report_rows

HEADER = "npwp,nik,nama,jenis_wp,alamat,kota,kode_kpp,nomor_wa,sumber_wa,tanggal_verifikasi_wa,ar\n"


def csv_of(*lines: str) -> str:
    return HEADER + "".join(line + "\n" for line in lines)


def good(serial: int, name: str = "Yohanes Ndun", wa: str = "0812-3456-7890") -> str:
    return f"{dotted(npwp15(serial))},,{name},OP,Jl. El Tari 5,Kota Kupang,922,{wa},registrasi,15/03/2026,"


def test_it_imports_taxpayers_with_their_whatsapp_contact_and_its_history(office, write):
    path = write("wp.csv", csv_of(good(1), f"{NIK},{NIK},Maria Fanggidae,OP,,,922,+62 813 3900 7700,,,"))
    result = import_run(kind="taxpayers", path_or_fileobj=path, channel="cli")
    assert (result.imported, result.rejected, result.exit_code) == (2, 0, 0)
    maria = Taxpayer.objects.get(npwp16=NIK)
    assert (maria.npwp15, maria.nik, maria.office) == ("", NIK, office)
    yohanes = Taxpayer.objects.get(npwp15=npwp15(1))
    assert yohanes.npwp16 == "0" + npwp15(1)
    assert yohanes.contact.phone == "+6281234567890"
    assert timezone.localtime(yohanes.contact.verified_at).isoformat() == "2026-03-15T00:00:00+08:00"
    change = ContactChange.objects.get(contact=yohanes.contact)
    assert (change.old_phone, change.new_phone, change.source) == ("", "+6281234567890", "registration")


def test_it_changes_nothing_when_the_same_file_is_imported_again(office, write):
    path = write("wp.csv", csv_of(good(1), good(2, "Petrus Lay", "081339001122"), f"{NIK},,Maria,OP,,,922,,,,"))
    first = import_run(kind="taxpayers", path_or_fileobj=path)
    changes = ContactChange.objects.count()
    second = import_run(kind="taxpayers", path_or_fileobj=path)
    assert first.imported == 3
    assert (second.imported, second.updated, second.unchanged, second.rejected) == (0, 0, 3, 0)
    assert ContactChange.objects.count() == changes


def test_it_counts_updates_and_keeps_the_old_number_in_the_history(office, write):
    import_run(kind="taxpayers", path_or_fileobj=write("a.csv", csv_of(good(1))))
    contact = Contact.objects.get()
    Contact.objects.filter(pk=contact.pk).update(status="opted_out")
    result = import_run(
        kind="taxpayers", path_or_fileobj=write("b.csv", csv_of(good(1, "Yohanes Ndun Baru", "0813 3900 1111")))
    )
    assert (result.updated, result.unchanged) == (1, 0)
    contact.refresh_from_db()
    assert (contact.phone, contact.status) == ("+6281339001111", "active")
    assert contact.number_changed_at is not None
    latest = contact.changes.first()
    assert (latest.old_phone, latest.new_phone, latest.old_status) == ("+6281234567890", "+6281339001111", "opted_out")
    assert Taxpayer.objects.get().name == "Yohanes Ndun Baru"


def test_it_leaves_stored_values_alone_when_a_cell_is_empty(office, write):
    import_run(kind="taxpayers", path_or_fileobj=write("a.csv", csv_of(good(1))))
    result = import_run(
        kind="taxpayers", path_or_fileobj=write("b.csv", f"npwp,nama,kode_kpp\n{npwp15(1)},Yohanes Ndun,922\n")
    )
    assert result.unchanged == 1
    taxpayer = Taxpayer.objects.get()
    assert (taxpayer.address, taxpayer.contact.phone) == ("Jl. El Tari 5", "+6281234567890")


def test_it_accepts_a_legacy_npwp_with_a_bad_check_digit_with_a_warning(office, write):
    path = write("wp.csv", csv_of(f"{bad_check_digit(3)},,Andreas Pah,OP,,,922,,,,"))
    result = import_run(kind="taxpayers", path_or_fileobj=path)
    assert (result.imported, result.warnings, result.exit_code) == (1, 1, 0)
    (line,) = report_rows(result.report_path)
    assert line["row"] == "2" and line["column"] == "npwp"
    assert line["error"].startswith("warning: NPWP check digit")
    assert "•" in line["value"]  # masked in the report


@pytest.mark.parametrize(
    "line, column, message",
    [
        ("12345678,,X,OP,,,922,,,,", "npwp", "15 or 16 digits"),
        ("5371013202810002,,X,OP,,,922,,,,", "npwp", "NIK is not valid"),
        (f"{npwp15(4)},5371013102810002,X,OP,,,922,,,,", "nik", "NIK is not valid"),
        (f"{NIK},5371010101900001,X,OP,,,922,,,,", "nik", "differs from the NPWP"),
        (f"{npwp15(4)},,X,OP,,,923,,,,", "kode_kpp", "unknown office code 923"),
        (f"{npwp15(4)},,,OP,,,922,,,,", "nama", "name is empty"),
        (f"{npwp15(4)},,X,KOPERASI,,,922,,,,", "jenis_wp", "taxpayer type"),
        (f"{npwp15(4)},,X,OP,,,922,0812 3456 7890,,31/02/2026,", "tanggal_verifikasi_wa", "not a real date"),
    ],
)
def test_it_rejects_a_bad_row_with_its_row_number_and_writes_nothing_of_it(office, write, line, column, message):
    result = import_run(kind="taxpayers", path_or_fileobj=write("wp.csv", csv_of(good(1), line)))
    assert (result.imported, result.rejected, result.exit_code) == (1, 1, 3)
    (report,) = report_rows(result.report_path)
    assert (report["row"], report["column"]) == ("3", column)
    assert message in report["error"]
    assert Taxpayer.objects.count() == 1 and Contact.objects.count() == 1


def test_it_imports_a_taxpayer_whose_whatsapp_number_is_bad_without_a_contact(office, write):
    result = import_run(kind="taxpayers", path_or_fileobj=write("wp.csv", csv_of(good(1, wa="0380-821234"))))
    assert (result.imported, result.warnings) == (1, 1)
    assert not Contact.objects.exists()
    (report,) = report_rows(result.report_path)
    assert report["column"] == "nomor_wa" and "mobile" in report["error"]


def test_it_counts_a_repeated_row_once_and_rejects_a_conflicting_one(office, write):
    path = write("wp.csv", csv_of(good(1), good(1), good(1, "Someone Else")))
    result = import_run(kind="taxpayers", path_or_fileobj=path)
    assert (result.imported, result.unchanged, result.rejected) == (1, 1, 1)
    lines = {r["row"]: r["error"] for r in report_rows(result.report_path)}
    assert "repeats row 2" in lines["3"]
    assert "same NPWP as row 2 but different data" in lines["4"]
    assert Taxpayer.objects.get().name == "Yohanes Ndun"


def test_it_catches_a_conflicting_repeat_in_a_later_chunk(office, write):
    path = write("wp.csv", csv_of(good(1), good(2, "B"), good(3, "C"), good(1, "Someone Else")))
    result = import_run(kind="taxpayers", path_or_fileobj=path, batch_size=2)
    assert (result.imported, result.rejected) == (3, 1)
    assert "earlier row" in report_rows(result.report_path)[0]["error"]
    assert Taxpayer.objects.get(npwp15=npwp15(1)).name == "Yohanes Ndun"


def test_it_links_the_account_representative_of_that_office_and_warns_about_others(office, write):
    ar = make_user("ar.kupang", Role.ACCOUNT_REPRESENTATIVE, office=office)
    path = write("wp.csv", csv_of(good(1) + "ar.kupang", good(2) + "nobody"))
    result = import_run(kind="taxpayers", path_or_fileobj=path)
    assert (result.imported, result.warnings) == (2, 1)
    assert Taxpayer.objects.get(npwp15=npwp15(1)).account_representative == ar
    assert Taxpayer.objects.get(npwp15=npwp15(2)).account_representative is None


def test_it_lets_staff_import_only_for_their_own_office(office, write):
    from triplec.offices.models import Office

    other = Office.objects.create(code="921", name="KPP Pratama Atambua")
    staff = make_user("staf.atambua", Role.COLLECTION_STAFF, office=other)
    result = import_run(kind="taxpayers", path_or_fileobj=write("wp.csv", csv_of(good(1))), actor=staff)
    assert (result.imported, result.rejected) == (0, 1)
    assert "your own office" in result.report[0].error


def test_it_records_each_run_and_one_audit_entry(office, write):
    admin = make_user("admin", Role.ADMINISTRATOR)
    result = import_run(
        kind="taxpayers",
        path_or_fileobj=write("wp.csv", csv_of(good(1), good(2), "x,,,,,,,,,,")),
        actor=admin,
        channel="web",
    )
    run = ImportRun.objects.get()
    assert run == result.run
    assert (run.actor, run.kind, run.file_name, run.channel) == (admin, "taxpayers", "wp.csv", "web")
    assert (run.imported, run.rejected, run.exit_code, run.status) == (2, 1, 3, "done")
    assert run.report_csv.startswith("row,column,value,error\n4,")
    entry = AuditEntry.objects.get(action="import")
    assert entry.actor == admin and entry.detail["imported"] == 2 and entry.object_id == str(run.pk)


def test_the_command_prints_the_summary_and_exits_with_the_right_code(office, write, capsys):
    path = write("wp.csv", csv_of(good(1)))
    call_command("import_data", "taxpayers", str(path))
    out = capsys.readouterr().out
    assert "imported 1, updated 0, unchanged 0, rejected 0, warnings 0" in out
    bad = write("bad.csv", csv_of(good(2), "123,,X,OP,,,922,,,,"))
    errors = bad.parent / "report.csv"
    with pytest.raises(CommandError) as exc:
        call_command("import_data", "taxpayers", str(bad), "--errors", str(errors))
    assert exc.value.returncode == 3
    assert "imported 1, updated 0, unchanged 0, rejected 1, warnings 0" in capsys.readouterr().out
    assert report_rows(errors)[0]["row"] == "3"
    assert (bad.parent / "bad.csv.errors.csv").exists() is False


def test_staff_see_the_import_runs_of_their_own_office(office, write):
    from triplec.imports.selectors import import_runs_for
    from triplec.offices.models import Office

    other = Office.objects.create(code="921", name="KPP Pratama Atambua")
    mine = make_user("staf.kupang", Role.COLLECTION_STAFF, office=office)
    theirs = make_user("staf.atambua", Role.COLLECTION_STAFF, office=other)
    admin = make_user("admin", Role.ADMINISTRATOR)
    import_run(kind="taxpayers", path_or_fileobj=write("a.csv", csv_of(good(1))), actor=mine)
    import_run(kind="taxpayers", path_or_fileobj=write("b.csv", csv_of(good(2))), actor=theirs)
    assert [r.file_name for r in import_runs_for(mine)] == ["a.csv"]
    assert [r.file_name for r in import_runs_for(theirs)] == ["b.csv"]
    assert import_runs_for(admin).count() == 2


def test_a_chunk_the_database_refuses_is_redone_row_by_row(office, write, monkeypatch):
    from django.db import IntegrityError

    from triplec.imports.kinds.taxpayers import TaxpayersKind

    original = TaxpayersKind.write
    poisoned = "0" + npwp15(2)

    def write_or_fail(self, batch):
        statuses = original(self, batch)  # writes first, then fails: the transaction must undo it
        if any(item.npwp16 == poisoned for _, item in batch):
            raise IntegrityError("simulated constraint failure")
        return statuses

    monkeypatch.setattr(TaxpayersKind, "write", write_or_fail)
    result = import_run(kind="taxpayers", path_or_fileobj=write("wp.csv", csv_of(good(1), good(2, "B"), good(3, "C"))))
    assert (result.imported, result.rejected) == (2, 1)
    assert result.report[0].row == 3 and "database refused" in result.report[0].error
    assert not Taxpayer.objects.filter(npwp16=poisoned).exists()
    assert Contact.objects.count() == 2 and ContactChange.objects.count() == 2
