import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from triplec.accounts.roles import Role
from triplec.audit.models import AuditEntry
from triplec.imports.kinds.debts import DebtsKind
from triplec.imports.services import map_header
from triplec.ledger.models import DocumentState, DocumentType, SuratTeguran
from triplec.tests.support import make_document, make_office, make_taxpayer, make_user

call_command("compile_translations", verbosity=0)
pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger():
    kupang, atambua = make_office("922"), make_office("923", "KPP Pratama Atambua")
    ar = make_user("ar1", Role.ACCOUNT_REPRESENTATIVE, office=kupang)
    budi = make_taxpayer(kupang, name="Budi Kupang", account_representative=ar)
    cv = make_taxpayer(kupang, name="CV Sasando")
    today = timezone.localdate()
    small = make_document(
        budi, number="00001/101/25/922/26", amount=250_000, kap="411125", issue_date=today - dt.timedelta(days=100)
    )
    big = make_document(
        cv,
        number="00002/206/24/922/26",
        amount=150_000_000,
        kap="411126",
        document_type=DocumentType.SKPKB,
        kjs="310",
        issue_date=today - dt.timedelta(days=10),
    )
    paid = make_document(
        cv, number="00003/107/25/922/26", amount=0, principal=1_000_000, kap="411211", state=DocumentState.PAID
    )
    st = SuratTeguran.objects.create(
        office=kupang,
        taxpayer=budi,
        number="ST-1",
        issue_date=today - dt.timedelta(days=50),
        delivered_date=today - dt.timedelta(days=45),
    )
    st.documents.add(small)
    other = make_document(make_taxpayer(atambua, name="Maria Atambua"), number="00009/101/25/923/26", amount=777_000)
    return kupang, ar, small, big, paid, other


def numbers(response) -> list[str]:
    return [d.number for d in response.context["page"].object_list]


def test_it_lists_only_the_users_office_and_administrators_see_all(client, ledger):
    kupang, *_ = ledger
    client.force_login(make_user("staf", Role.COLLECTION_STAFF, office=kupang))
    assert sorted(numbers(client.get("/debts/"))) == [
        "00001/101/25/922/26",
        "00002/206/24/922/26",
        "00003/107/25/922/26",
    ]
    client.force_login(make_user("admin", Role.ADMINISTRATOR))
    assert "00009/101/25/923/26" in numbers(client.get("/debts/"))


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"document_type": "SKPKB"}, ["00002/206/24/922/26"]),
        ({"kap": "411125"}, ["00001/101/25/922/26"]),
        ({"state": "paid"}, ["00003/107/25/922/26"]),
        ({"amount_min": "1000000"}, ["00002/206/24/922/26"]),
        ({"amount_min": "100000", "amount_max": "300000"}, ["00001/101/25/922/26"]),
        ({"due": "overdue", "state": "open"}, ["00001/101/25/922/26"]),
        ({"due": "not_due"}, ["00002/206/24/922/26"]),
        ({"teguran": "delivered"}, ["00001/101/25/922/26"]),
        ({"teguran": "none", "state": "open"}, ["00002/206/24/922/26"]),
        ({"q": "206/24"}, ["00002/206/24/922/26"]),
    ],
)
def test_it_filters_the_debt_list(client, ledger, params, expected):
    kupang, *_ = ledger
    client.force_login(make_user("staf", Role.COLLECTION_STAFF, office=kupang))
    assert numbers(client.get("/debts/", params)) == expected


def test_it_filters_by_account_representative_and_by_npwp(client, ledger):
    kupang, ar, small, *_ = ledger
    client.force_login(make_user("staf", Role.COLLECTION_STAFF, office=kupang))
    assert numbers(client.get("/debts/", {"ar": ar.pk})) == [small.number]
    assert numbers(client.get("/debts/", {"q": small.taxpayer.npwp15})) == [small.number]


def test_it_sorts_by_amount_descending_by_default_and_by_any_column(client, ledger):
    kupang, *_ = ledger
    client.force_login(make_user("staf", Role.COLLECTION_STAFF, office=kupang))
    assert numbers(client.get("/debts/"))[0] == "00002/206/24/922/26"
    assert numbers(client.get("/debts/", {"sort": "amount"}))[0] == "00003/107/25/922/26"
    assert numbers(client.get("/debts/", {"sort": "-number"}))[0] == "00003/107/25/922/26"


def test_it_reports_a_wrong_filter_and_keeps_the_others(client, ledger):
    kupang, *_ = ledger
    client.force_login(make_user("staf", Role.COLLECTION_STAFF, office=kupang))
    response = client.get("/debts/", {"amount_min": "lots", "kap": "411125"})
    assert numbers(response) == ["00001/101/25/922/26"]
    assert "Sebagian saringan tidak valid" in response.content.decode()


def test_it_exports_the_filtered_list_as_csv_and_audits_it(client, ledger):
    kupang, *_ = ledger
    staff = make_user("staf", Role.COLLECTION_STAFF, office=kupang)
    client.force_login(staff)
    response = client.get("/debts/", {"state": "open", "format": "csv", "headers": "codes"})
    assert response["Content-Type"].startswith("text/csv") and "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [r["document_number"] for r in rows] == ["00002/206/24/922/26", "00001/101/25/922/26"]
    assert rows[0]["amount_due"] == "150000000" and rows[0]["kap_name"] == "PPh Pasal 25/29 Badan"
    assert rows[1]["teguran_delivered_date"] != "" and rows[1]["account_representative"] == "ar1"
    entry = AuditEntry.objects.get(action="ledger.export", actor=staff)
    assert entry.detail["rows"] == 2 and entry.detail["filters"] == {"state": "open"}


def test_it_exports_xlsx_with_the_same_rows_never_across_offices(client, ledger):
    kupang, *_ = ledger
    client.force_login(make_user("staf", Role.COLLECTION_STAFF, office=kupang))
    response = client.get("/debts/", {"format": "xlsx"})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    # The header in the reader's language; its Indonesian words are the debts import's own column aliases.
    assert rows[0][:5] == ("Kode KPP", "NPWP", "Nama Wajib Pajak", "Jenis Ketetapan", "Nomor Ketetapan")
    mapped = dict(zip(rows[0], map_header(DebtsKind, list(rows[0]), "tunggakan.xlsx")))
    assert {code for code in mapped.values() if code} == {c.name for c in DebtsKind.columns} - {"state_reason"}
    assert sorted(r[4] for r in rows[1:]) == ["00001/101/25/922/26", "00002/206/24/922/26", "00003/107/25/922/26"]
    big = next(r for r in rows[1:] if r[4] == "00002/206/24/922/26")
    assert big[14] == 150_000_000
    assert AuditEntry.objects.filter(action="ledger.export", detail__format="xlsx").count() == 1


def test_roles_without_ledger_view_permission_get_403(client, ledger):
    kupang, *_ = ledger
    client.force_login(make_user("nobody", office=kupang))
    assert client.get("/debts/").status_code == 403
