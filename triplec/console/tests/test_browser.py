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


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_dashboard_amounts_stay_inside_their_cards_at_office_screen_widths(live_server, page):
    """A large office owes tens of billions: each figure fits its card on one line (no overflow into the next card,
    no break inside a number) at the widths offices use."""
    office = make_office("922")
    make_user("kasi", Role.SECTION_HEAD, office=office)
    taxpayer = make_taxpayer(office, name="PT Besar Sekali")
    make_document(taxpayer, amount=1_234_567_890_123)  # Rp1.234.567.890.123: a trillion rupiah
    make_document(make_taxpayer(office, name="CV Kecil"), amount=41_376_850_400, state="instalment")

    page.goto(live_server.url + "/login/")
    page.get_by_label("Nama pengguna").fill("kasi")
    page.locator("#id_password").fill("demo12345")
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(live_server.url + "/")
    values = page.locator(".stat .value")
    assert "Rp1.275.944.740.523" in values.all_inner_texts()
    for width in (1920, 1366, 1280, 1024, 800):
        page.set_viewport_size({"width": width, "height": 900})
        overflowing = values.evaluate_all(
            """els => els.filter(e => e.scrollWidth > e.clientWidth || e.getClientRects().length !== 1
                                   || e.getBoundingClientRect().height > 2 * parseFloat(getComputedStyle(e).fontSize))
                         .map(e => e.textContent.trim())"""
        )
        assert overflowing == [], f"{width} px: {overflowing}"
