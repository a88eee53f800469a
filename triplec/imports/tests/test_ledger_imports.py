import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from triplec.imports.services import import_run
from triplec.ledger.models import DebtDocument, Payment, SuratTeguran
from triplec.tests.support import make_document, make_taxpayer

from .helpers import dotted, npwp15, report_rows

DEBT_HEADER = (
    "kode_kpp,npwp,jenis_ketetapan,no_ketetapan,tanggal_ketetapan,kap,kjs,tahun_pajak,pokok,sanksi,jumlah,jatuh_tempo\n"
)


@pytest.fixture
def taxpayer(office):
    return make_taxpayer(office, "Yohanes Ndun", npwp15=npwp15(1))


def debt(number: str = "00001/107/25/922/26", **over) -> str:
    row = dict(
        office="922",
        npwp=dotted(npwp15(1)),
        type="STP",
        number=number,
        date="15/01/2026",
        kap="411125",
        kjs="300",
        year="2025",
        principal="1.250.000",
        sanctions="Rp 0",
        amount="",
        due="",
    )
    row.update(over)
    return ",".join(row.values())


def test_it_imports_debt_documents_with_defaults_and_is_idempotent(taxpayer, write):
    path = write(
        "skp.csv",
        DEBT_HEADER
        + debt()
        + "\n"
        + debt("00002/207/25/922/26", type="SKPKB", kjs="310", sanctions="250.000", due="28/02/2026")
        + "\n",
    )
    first = import_run(kind="debts", path_or_fileobj=path)
    assert (first.imported, first.rejected, first.exit_code) == (2, 0, 0)
    stp = DebtDocument.objects.get(number="00001/107/25/922/26")
    assert (stp.taxpayer, stp.principal, stp.amount_due, stp.state) == (taxpayer, 1_250_000, 1_250_000, "open")
    assert stp.due_date == dt.date(2026, 2, 15)  # document date + 1 month
    assert (stp.period_start, stp.period_end) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    skpkb = DebtDocument.objects.get(number="00002/207/25/922/26")
    assert (skpkb.amount_due, skpkb.due_date) == (1_500_000, dt.date(2026, 2, 28))
    second = import_run(kind="debts", path_or_fileobj=path)
    assert (second.imported, second.updated, second.unchanged) == (0, 0, 2)


def test_it_updates_the_amount_still_payable_but_keeps_a_state_it_was_not_told(taxpayer, write):
    import_run(kind="debts", path_or_fileobj=write("a.csv", DEBT_HEADER + debt() + "\n"))
    DebtDocument.objects.update(state="instalment")
    result = import_run(kind="debts", path_or_fileobj=write("b.csv", DEBT_HEADER + debt(amount="500.000") + "\n"))
    assert result.updated == 1
    document = DebtDocument.objects.get()
    assert (document.amount_due, document.state) == (500_000, "instalment")


@pytest.mark.parametrize(
    "override, column, message",
    [
        (dict(principal="-1.000"), "pokok", "must not be negative"),
        (dict(sanctions="(5.000)"), "sanksi", "must not be negative"),
        (dict(date="31/02/2026"), "tanggal_ketetapan", "not a real date"),
        (dict(due="2026-13-01"), "jatuh_tempo", "no month 13"),
        (dict(office="999"), "kode_kpp", "unknown office code 999"),
        (dict(kap="41112"), "kap", "KAP must be exactly 6 digits"),
        (dict(kjs="3OO"), "kjs", "KJS must be exactly 3 digits"),
        (dict(type="SPT"), "jenis_ketetapan", "document type 'SPT' is not one of"),
        (dict(npwp=dotted(npwp15(2))), "npwp", "no taxpayer with this NPWP"),
        (dict(amount="abc"), "jumlah", "not a number of rupiah"),
        (dict(due="01/01/2026"), "jatuh_tempo", "before the document date"),
        (dict(year="25"), "tahun_pajak", "four digits"),
    ],
)
def test_it_rejects_a_bad_debt_row_with_its_row_number(taxpayer, write, override, column, message):
    path = write("skp.csv", DEBT_HEADER + debt() + "\n" + debt("00009/107/25/922/26", **override) + "\n")
    result = import_run(kind="debts", path_or_fileobj=path)
    assert (result.imported, result.rejected, result.exit_code) == (1, 1, 3)
    (line,) = report_rows(result.report_path)
    assert line["row"] == "3" and message in line["error"]
    assert line["column"] == column  # as the file spells it
    assert list(DebtDocument.objects.values_list("number", flat=True)) == ["00001/107/25/922/26"]


def test_it_warns_about_an_unusual_kjs_or_kap_but_imports_the_document(taxpayer, write):
    result = import_run(
        kind="debts", path_or_fileobj=write("skp.csv", DEBT_HEADER + debt(kjs="320", kap="411999") + "\n")
    )
    assert (result.imported, result.warnings) == (1, 1)
    assert "KAP 411999" in result.report[0].error and "KJS 320 is unusual for STP" in result.report[0].error


def test_it_refuses_a_document_number_that_belongs_to_another_taxpayer(taxpayer, office, write):
    other = make_taxpayer(office, "Lain", npwp15=npwp15(2))
    make_document(other, number="00001/107/25/922/26")
    result = import_run(kind="debts", path_or_fileobj=write("skp.csv", DEBT_HEADER + debt() + "\n"))
    assert result.rejected == 1 and "another taxpayer" in result.report[0].error


LETTER_HEADER = "kode_kpp,nomor_surat,tanggal_surat,npwp,tanggal_terima,nomor_ketetapan\n"


def test_it_imports_surat_teguran_covering_several_documents(taxpayer, write):
    make_document(taxpayer, number="A/1", issue_date=dt.date(2026, 1, 5))
    make_document(taxpayer, number="A/2", issue_date=dt.date(2026, 1, 5))
    path = write("st.csv", LETTER_HEADER + f'922,ST-1/2026,2026-08-03,{npwp15(1)},2026-08-06,"A/1; A/2"\n')
    assert import_run(kind="letters", path_or_fileobj=path).imported == 1
    letter = SuratTeguran.objects.get()
    assert set(letter.documents.values_list("number", flat=True)) == {"A/1", "A/2"}
    assert letter.surat_paksa_due_date == dt.date(2026, 8, 27)
    assert import_run(kind="letters", path_or_fileobj=path).unchanged == 1
    changed = write("st2.csv", LETTER_HEADER + f"922,ST-1/2026,2026-08-03,{npwp15(1)},,A/1\n")
    assert import_run(kind="letters", path_or_fileobj=changed).updated == 1
    letter.refresh_from_db()
    assert letter.delivered_date == dt.date(2026, 8, 6)  # an empty cell never erases a delivery
    assert list(letter.documents.values_list("number", flat=True)) == ["A/1"]


@pytest.mark.parametrize(
    "line, message",
    [
        (f"922,ST-2,2026-08-03,{npwp15(1)},,A/1;A/9", "no such document at this office: A/9"),
        (f"922,ST-2,2026-08-03,{npwp15(1)},2026-08-01,A/1", "delivered before the letter date"),
        (f"922,ST-2,30/02/2026,{npwp15(1)},,A/1", "not a real date"),
        (f"921,ST-2,2026-08-03,{npwp15(1)},,A/1", "unknown office code 921"),
        (f"922,ST-2,2026-08-03,{npwp15(1)},,", "no document numbers"),
    ],
)
def test_it_rejects_a_bad_letter_and_writes_nothing_of_it(taxpayer, write, line, message):
    make_document(taxpayer, number="A/1")
    result = import_run(kind="letters", path_or_fileobj=write("st.csv", LETTER_HEADER + line + "\n"))
    assert (result.rejected, result.exit_code) == (1, 3)
    assert result.report[0].row == 2 and message in result.report[0].error
    assert not SuratTeguran.objects.exists()


PAYMENT_HEADER = "ntpn,kode_billing,npwp,no_ketetapan,kap,kjs,jumlah,tanggal_bayar,bank\n"


def test_it_records_payments_through_the_ledger_and_reports_refusals(taxpayer, write):
    make_document(taxpayer, number="A/1", amount=1_000_000)
    ntpn = "0a1b2c3d4e5f6789"
    lines = [
        f"{ntpn},,{npwp15(1)},A/1,411125,300,1.000.000,2026-09-01 10:00,Bank NTT",
        f"{ntpn.upper()},,{npwp15(1)},A/1,411125,300,1.000.000,2026-09-01 10:00,Bank NTT",
        f"{ntpn},,{npwp15(1)},A/1,411125,300,900.000,2026-09-01 10:00,Bank NTT",
        f"SHORT,,{npwp15(1)},A/1,411125,300,1,2026-09-01 10:00,BRI",
        f"1111222233334444,412345678901234,{npwp15(1)},A/1,411125,300,5,2026-09-01 10:00,BRI",
        f"1111222233335555,,{npwp15(1)},A/1,411125,300,0,2026-09-01 10:00,BRI",
        f"1111222233336666,,{npwp15(1)},A/1,411125,300,-5,2026-09-01 10:00,BRI",
    ]
    path = write("bayar.csv", PAYMENT_HEADER + "\n".join(lines) + "\n")
    result = import_run(kind="payments", path_or_fileobj=path)
    assert (result.imported, result.unchanged, result.rejected) == (1, 1, 5)
    payment = Payment.objects.get()
    assert (payment.ntpn, payment.amount) == ("0A1B2C3D4E5F6789", 1_000_000)
    errors = {r["row"]: r["error"] for r in report_rows(result.report_path)}
    assert "4" in errors  # same NTPN, different amount
    assert "16 letters or digits" in errors["5"]
    assert "starts with 0, 1, 2 or 3" in errors["6"]
    assert "more than 0" in errors["7"]
    assert "negative" in errors["8"]
    again = import_run(kind="payments", path_or_fileobj=path)
    assert (again.imported, again.unchanged) == (0, 2)
    assert Payment.objects.count() == 1


def test_the_sample_files_import_cleanly_in_order(office, capsys, tmp_path):
    from django.conf import settings

    samples = settings.BASE_DIR / "samples"
    for kind in ("taxpayers", "debts", "letters", "payments"):
        call_command("import_data", kind, str(samples / f"{kind}.csv"), "--errors", str(tmp_path / "report.csv"))
        assert "rejected 0" in capsys.readouterr().out
    assert DebtDocument.objects.count() == 20 and SuratTeguran.objects.count() == 20 and Payment.objects.count() == 20
    call_command("import_data", "taxpayers", str(samples / "taxpayers.xlsx"), "--errors", str(tmp_path / "report.csv"))
    assert "imported 0, updated 0, unchanged 10, rejected 0" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("import_data", "payments", str(samples / "debts.csv"), "--errors", str(tmp_path / "report.csv"))


def test_it_answers_office_b_importing_a_debt_for_an_office_922_npwp_exactly_as_for_an_unknown_npwp(
    office, write, client
):
    """The attack: office B's staff import a debt for an office-922 NPWP, then read their debt list."""
    from triplec.accounts.roles import Role
    from triplec.tests.support import make_office, make_user

    kupang_taxpayer = make_taxpayer(office, "Yohanes Ndun", npwp15=npwp15(1))
    other = make_office("923", "KPP Pratama Atambua")
    staff_b = make_user("staf_b", Role.COLLECTION_STAFF, office=other)
    rows = (
        DEBT_HEADER
        + debt("00001/107/25/923/26", office="923")
        + "\n"
        + debt("00002/107/25/923/26", office="923", npwp=dotted(npwp15(2)))
        + "\n"
    )
    report = write("report.csv", "")
    result = import_run(kind="debts", path_or_fileobj=write("b.csv", rows), actor=staff_b, report_path=str(report))
    assert (result.imported, result.rejected) == (0, 2)
    known, unknown = report_rows(report)
    strip = lambda r: {k: v for k, v in r.items() if k not in ("row", "npwp", "no_ketetapan")}  # noqa: E731
    assert strip(known) == strip(unknown) and "office" not in str(known).replace("office_code", "")
    assert not DebtDocument.objects.exists()
    client.force_login(staff_b)
    assert "Yohanes Ndun" not in client.get("/debts/").content.decode()
    assert kupang_taxpayer.npwp16 not in client.get("/debts/?format=csv").getvalue().decode()
