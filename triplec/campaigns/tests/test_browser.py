"""End to end in real Chromium: staff create a criterion (a) campaign, the section head approves it in another
browser context, staff start it; the messages reach the simulator's phone with the PDF notice, and the progress
page counts them as delivered without being reloaded."""

import datetime as dt
import re

import httpx
import pytest
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from triplec.accounts.roles import Role
from triplec.campaigns.models import Campaign, CampaignState
from triplec.campaigns.services import campaign_template
from triplec.messaging.dispatcher import Dispatcher
from triplec.messaging.models import OutboundMessage, State, TemplateStatus
from triplec.messaging.registry import templates_sync
from triplec.messaging.tests.factories import make_channel
from triplec.tests.support import make_office, make_user, wait_until

from .conftest import make_letter

PHONES = ("+6281300000001", "+6281300000002")


def _login(context, base_url: str, username: str):
    page = context.new_page()
    page.goto(f"{base_url}/campaigns/")
    page.get_by_label("Nama pengguna").fill(username)
    page.locator("#id_password").fill("demo12345")
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/campaigns/")
    return page


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_it_runs_a_campaign_from_creation_to_the_phone_and_live_progress(simulator, live_server, browser):
    simulator.configure(webhook_url=f"{live_server.url}/whatsapp/webhook")
    office = make_office()
    # Open around the clock, every day: the test does not depend on the wall clock.
    office.opens_at, office.closes_at, office.working_days = dt.time(0, 0), dt.time(23, 59, 59), [0, 1, 2, 3, 4, 5, 6]
    office.save()
    staff = make_user("staf", Role.COLLECTION_STAFF, office=office)
    make_user("kasi", Role.SECTION_HEAD, office=office)
    channel = make_channel(base_url=simulator.base_url, office=office, messages_per_second=20)
    campaign_template(channel=channel, with_pdf=True, submit=True)

    def template_approved():
        templates_sync(channel=channel)
        return channel.templates.filter(
            name="surat_teguran_rinci_pdf", is_current=True, status=TemplateStatus.APPROVED
        ).exists()

    wait_until(template_approved, timeout=10, message="the simulator did not approve the campaign template")
    today = timezone.localdate()
    letters = [
        make_letter(office, name=name, phone=phone, issued=today, amounts=(amount,))
        for name, phone, amount in (("Yohanes Benu", PHONES[0], 2_500_000), ("Maria Lay", PHONES[1], 750_000))
    ]

    with override_settings(SITE_URL=live_server.url):
        staff_ctx, head_ctx = browser.new_context(), browser.new_context()
        try:
            page = _login(staff_ctx, live_server.url, "staf")
            page.goto(f"{live_server.url}/campaigns/new/")
            page.locator("#id_name").fill("Teguran pekan ini")
            page.locator("#id_criterion").select_option("a")
            page.locator("#id_frequency_cap_days").fill("0")
            page.locator("#save-campaign").click()
            page.wait_for_url(re.compile(r"/campaigns/\d+/$"))
            campaign = Campaign.objects.get(name="Teguran pekan ini")
            assert campaign.maker == staff and campaign.criterion == "a"
            page.locator("#submit-campaign").click()
            page.wait_for_url(f"**/campaigns/{campaign.pk}/")
            assert page.locator("#approve-campaign").count() == 0  # never offered to the maker

            head = _login(head_ctx, live_server.url, "kasi")
            head.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
            head.locator("#approve-campaign").click()
            head.wait_for_url(f"**/campaigns/{campaign.pk}/")
            assert Campaign.objects.get(pk=campaign.pk).state == CampaignState.APPROVED

            page.reload()
            assert page.locator("#start-campaign").count() == 0  # starting is the section head's
            head.reload()
            head.locator("#start-campaign").click()
            head.wait_for_url(f"**/campaigns/{campaign.pk}/progress/")
            page.goto(f"{live_server.url}/campaigns/{campaign.pk}/progress/")
            assert page.locator('td[data-key="queued"]').inner_text() == "2"
            assert page.locator('td[data-key="delivered"]').inner_text() == "0"
            page.evaluate("window.__notReloaded = true")

            dispatcher = Dispatcher(rate_override=20)
            wait_until(
                lambda: (
                    dispatcher.step()
                    or not OutboundMessage.objects.filter(state__in=(State.QUEUED, State.SENDING)).exists()
                ),
                timeout=30,
                message="the dispatcher did not send",
            )
            assert OutboundMessage.objects.filter(state=State.FAILED).count() == 0

            # The progress page catches up by itself (polling), delivered and read arrive by webhook.
            # An auto-waiting assertion: wait_for_function evaluates a string, which the page's CSP forbids.
            expect(page.locator('td[data-key="delivered"]')).to_have_text("2", timeout=30_000)
            assert page.evaluate("window.__notReloaded") is True

            # Like Meta, the simulator downloads each PDF from our signed link (SITE_URL = this test server).
            def documents_fetched():
                sent = simulator.messages()
                problems = [m.get("media_error") for m in sent if m.get("media_error")]
                assert not problems, problems
                return len(sent) == 2 and all((m.get("view") or {}).get("header", {}).get("media_id") for m in sent)

            wait_until(documents_fetched, timeout=30, message="the simulator did not fetch the PDF notices")
            phone = staff_ctx.new_page()
            phone.goto(f"{simulator.base_url}/phone/{PHONES[0].lstrip('+')}")
            phone.get_by_text(letters[0].number).first.wait_for()
            phone.get_by_text("Rp2.500.000").first.wait_for()
            phone.get_by_text("surat-teguran.pdf").first.wait_for()
            link = phone.locator(".doc a", has_text="Buka dokumen").first
            link.wait_for(timeout=20_000)
            pdf = httpx.get(simulator.base_url + link.get_attribute("href"), timeout=20)
            assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
            assert phone.get_by_text("Minta kode billing").count() >= 1
        finally:
            staff_ctx.close()
            head_ctx.close()
