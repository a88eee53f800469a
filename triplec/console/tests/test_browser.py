import pytest

from triplec.accounts.roles import Role
from triplec.audit.models import AuditEntry
from triplec.taxpayers.models import ContactSource
from triplec.taxpayers.services import contact_set_number
from triplec.tests.support import make_document, make_office, make_taxpayer, make_user


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_it_logs_in_searches_a_dotted_npwp_and_opens_the_taxpayer_page(live_server, page):
    office = make_office("922")
    make_user("staf", Role.COLLECTION_STAFF, office=office)
    taxpayer = make_taxpayer(office, name="Yohanes Benu")
    make_taxpayer(office, name="Maria Lay")
    make_document(taxpayer, amount=2_500_000)
    contact_set_number(taxpayer=taxpayer, phone="+6281234567890", source=ContactSource.REGISTRATION)
    n = taxpayer.npwp15
    dotted = f"{n[:2]}.{n[2:5]}.{n[5:8]}.{n[8]}-{n[9:12]}.{n[12:]}"

    page.goto(live_server.url + "/taxpayers/")
    page.get_by_label("Nama pengguna").fill("staf")
    page.locator("#id_password").fill("demo12345")
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/taxpayers/")
    page.keyboard.press("/")  # the documented shortcut focuses the search field
    page.keyboard.type(dotted)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/taxpayers/{taxpayer.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Yohanes Benu"
    assert page.locator("[data-figure=owed]").inner_text() == "Rp2.500.000"
    assert page.locator("#contact-phone").inner_text() == "+6281234567890"
    assert AuditEntry.objects.filter(action="taxpayer.view", taxpayer=taxpayer).count() == 1
