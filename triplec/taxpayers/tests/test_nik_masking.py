"""A role that may not see the NIK never sees it through the NPWP16 or the NITKU either (most individuals' NPWP16
is their NIK since 2024). Written as the finding was made: a service officer opens every page and export that
shows the taxpayer, and the full NIK must be absent from each."""

import pytest
from django.test import Client
from django.urls import reverse

from triplec.accounts.roles import Role
from triplec.inbox.tests.factories import conversation, officer
from triplec.taxpayers.models import Contact, ContactSource, Taxpayer
from triplec.taxpayers.presentation import shown_nitku, shown_npwp
from triplec.tests.support import make_document, make_office, make_user

pytestmark = pytest.mark.django_db

NIK = "5371030101800001"


@pytest.fixture
def nik_based():
    office = make_office()
    taxpayer = Taxpayer.objects.create(office=office, name="Maria Ndun", npwp16=NIK, nik=NIK, nitku=NIK + "000000")
    Contact.objects.create(taxpayer=taxpayer, phone="+6281234567890", source=ContactSource.REGISTRATION)
    make_document(taxpayer)
    return taxpayer


def _pages(taxpayer):
    chat = conversation(taxpayer.office, taxpayer=taxpayer)
    return [
        reverse("taxpayers:detail", args=[taxpayer.pk]),
        reverse("taxpayers:search") + "?q=Maria+Ndun&page=1",
        reverse("ledger:debts"),
        reverse("ledger:debts") + "?format=csv",
        reverse("ledger:debts") + "?format=xlsx",
        reverse("billing:taxpayer", args=[taxpayer.pk]),
        reverse("inbox:conversation", args=[chat.pk]),
        reverse("collect:bailiff"),
    ]


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_it_masks_a_nik_based_npwp16_and_nitku_on_every_page_and_export_for_a_service_officer(client, nik_based):
    client.force_login(officer("petugas1", nik_based.office))
    for url in _pages(nik_based):
        response = client.get(url)
        assert response.status_code == 200, url
        body = _body(response)
        if url.endswith("xlsx"):
            import io

            from openpyxl import load_workbook

            body = str([c.value for row in load_workbook(io.BytesIO(body)).active.iter_rows() for c in row]).encode()
        for shown in (NIK, "5371 0301 0180 0001", "537103010180"):
            assert shown.encode() not in body, (url, shown)
    assert "5371 •••• •••• 0001".encode() in _body(client.get(reverse("taxpayers:detail", args=[nik_based.pk])))


def test_it_shows_the_nik_based_npwp16_whole_to_roles_that_need_the_nik(client, nik_based):
    staff = make_user("staf", Role.COLLECTION_STAFF, office=nik_based.office)
    client.force_login(staff)
    assert "5371 0301 0180 0001" in client.get(reverse("taxpayers:detail", args=[nik_based.pk])).content.decode()
    assert shown_npwp(staff, NIK) == "5371 0301 0180 0001" and shown_nitku(staff, NIK + "000000") == NIK + "000000"


def test_it_never_masks_a_legacy_npwp16_which_carries_no_nik():
    officer_user = make_user("petugas1", Role.SERVICE_OFFICER, office=make_office())
    assert shown_npwp(officer_user, "0012345678922000") == "01.234.567.8-922.000"
    assert shown_nitku(officer_user, "0012345678922000000000") == "0012345678922000000000"
    assert shown_nitku(officer_user, NIK + "000001") == "5371 •••• •••• 0001 000001"


def test_it_masks_the_page_a_search_leads_to(nik_based):
    client = Client()
    client.force_login(make_user("petugas2", Role.SERVICE_OFFICER, office=nik_based.office))
    response = client.get(reverse("taxpayers:search") + "?q=Maria", follow=True)  # one match: its page
    assert response.status_code == 200 and "Maria Ndun" in response.content.decode()
    assert NIK not in response.content.decode()
