import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from triplec.accounts.roles import Role
from triplec.taxpayers.models import Taxpayer
from triplec.tests.support import make_office, make_user, valid_npwp15

pytestmark = pytest.mark.django_db


def upload(text: str, name: str = "wp.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_it_imports_an_uploaded_file_and_shows_the_summary_and_rejected_rows(client):
    office = make_office("922")
    client.force_login(make_user("staf", Role.COLLECTION_STAFF, office=office))
    good = valid_npwp15()
    text = f"npwp,name,taxpayer_type,office_code\n{good},Budi Santoso,OP,922\n12345,Salah,OP,922\n"
    response = client.post("/import/", {"kind": "taxpayers", "file": upload(text)}, follow=True)
    assert Taxpayer.objects.filter(npwp15=good).exists()
    run = response.context["run"]
    assert (run.imported, run.rejected) == (1, 1)
    body = response.content.decode()
    assert 'id="import-report"' in body and "12345" in body
    report = client.get(f"/import/{run.pk}/report.csv")
    content = b"".join(report.streaming_content) if report.streaming else report.content
    assert b"row,column,value,error" in content and b"npwp" in content


def test_it_refuses_a_file_that_is_not_csv_or_xlsx_and_writes_nothing(client):
    office = make_office("922")
    client.force_login(make_user("staf", Role.COLLECTION_STAFF, office=office))
    response = client.post("/import/", {"kind": "taxpayers", "file": upload("x", "wp.pdf")})
    assert response.status_code == 200 and "Hanya berkas CSV dan XLSX" in response.content.decode()
    assert not Taxpayer.objects.exists()


def test_only_roles_that_may_import_see_the_import_page(client):
    office = make_office("922")
    client.force_login(make_user("petugas1", Role.SERVICE_OFFICER, office=office))
    assert client.get("/import/").status_code == 403


def test_it_shows_each_kinds_columns_and_gives_an_empty_file_to_fill_in_that_imports(client):
    office = make_office("922")
    client.force_login(make_user("staf", Role.COLLECTION_STAFF, office=office))
    page = client.get("/import/").content.decode()
    for kind in ("taxpayers", "debts", "letters", "payments"):
        assert f'id="format-{kind}"' in page and f"/import/template/{kind}.xlsx" in page
    assert "kode_kpp" in page and "nama wajib pajak" in page  # Indonesian column names and what they hold

    template = client.get("/import/template/taxpayers.csv")
    content = b"".join(template.streaming_content).decode("utf-8-sig")
    header = content.strip().split(",")
    assert header[:4] == ["npwp", "nik", "nitku", "nama"] and "kode_kpp" in header and "nomor_wa" in header
    filled = dict.fromkeys(header, "") | {"npwp": valid_npwp15(), "nama": "Budi Santoso", "kode_kpp": "922"}
    text = content + ",".join(filled[h] for h in header) + "\n"
    response = client.post("/import/", {"kind": "taxpayers", "file": upload(text)}, follow=True)
    assert (response.context["run"].imported, response.context["run"].rejected) == (1, 0)
    assert Taxpayer.objects.get().name == "Budi Santoso"

    xlsx = client.get("/import/template/payments.xlsx")
    assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content).startswith(b"PK")


def test_it_answers_404_for_an_unknown_kind_or_format_and_403_to_roles_that_may_not_import(client):
    office = make_office("922")
    client.force_login(make_user("staf", Role.COLLECTION_STAFF, office=office))
    assert client.get("/import/template/secrets.csv").status_code == 404
    assert client.get("/import/template/taxpayers.exe").status_code == 404
    client.force_login(make_user("petugas1", Role.SERVICE_OFFICER, office=office))
    assert client.get("/import/template/taxpayers.csv").status_code == 403
