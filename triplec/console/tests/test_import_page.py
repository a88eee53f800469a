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
