"""The campaign form in sections: every field in exactly one, the criterion's own sections shown for it alone."""

import pytest
from playwright.sync_api import expect

from triplec.accounts.roles import Role
from triplec.campaigns.forms import SECTIONS, CampaignForm
from triplec.tests.support import make_office, make_user


def test_every_field_of_the_campaign_form_stands_in_exactly_one_section():
    placed = [name for _, _, names in SECTIONS for name in names]
    assert sorted(placed) == sorted(CampaignForm.base_fields) and len(placed) == len(set(placed))


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_it_shows_the_sections_of_the_chosen_criterion_only(live_server, page):
    make_user("staf", Role.COLLECTION_STAFF, office=make_office())
    page.goto(live_server.url + "/campaigns/new/")
    page.get_by_label("Nama pengguna").fill("staf")
    page.locator("#id_password").fill("demo12345")
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/campaigns/new/")
    sections = {c: page.locator(f'fieldset[data-criterion="{c}"]') for c in "abc"}
    for section in sections.values():  # nothing chosen yet: every section
        expect(section).to_be_visible()
    page.locator("#id_criterion").select_option("c")
    expect(sections["c"]).to_be_visible()
    expect(page.locator("#id_npwp_list")).to_be_visible()
    expect(sections["a"]).to_be_hidden()
    expect(sections["b"]).to_be_hidden()
    page.locator("#id_criterion").select_option("a")
    expect(sections["a"]).to_be_visible()
    expect(sections["c"]).to_be_hidden()
    expect(page.locator("#id_frequency_cap_days")).to_be_visible()  # the sections of every criterion stay
