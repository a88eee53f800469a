import pytest
from django.test import RequestFactory
from django.utils import translation
from django.views import defaults

from triplec.accounts.roles import Role
from triplec.tests.support import make_office, make_user

pytestmark = pytest.mark.django_db


def test_it_shows_the_404_page_in_indonesian_with_the_console_layout(client):
    client.force_login(make_user("staf", Role.COLLECTION_STAFF, office=make_office("922")))
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in body and "Kembali ke beranda" in body and 'class="topbar"' in body
    assert "<script>" not in body


def test_it_shows_the_403_page_in_indonesian(client):
    client.force_login(make_user("staf", Role.COLLECTION_STAFF, office=make_office("922")))
    response = client.get("/audit/")
    assert response.status_code == 403 and "Akses ditolak" in response.content.decode()


def test_it_shows_the_404_page_in_english_after_the_language_switch(client):
    client.force_login(make_user("staf", Role.COLLECTION_STAFF, office=make_office("922")))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Page not found" in client.get("/no-such-page/").content.decode()


@pytest.mark.parametrize(
    "view, status, text",
    [
        (defaults.server_error, 500, "Terjadi kesalahan di sisi kami"),
        (defaults.bad_request, 400, "Permintaan tidak valid"),
    ],
)
def test_it_renders_the_400_and_500_pages_without_a_request_context(view, status, text):
    request = RequestFactory().get("/")
    with translation.override("id"):
        response = view(request) if view is defaults.server_error else view(request, Exception())
    assert response.status_code == status and text in response.content.decode()
