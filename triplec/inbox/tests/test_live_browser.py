"""The live inbox in real Chromium: two officers and a section head in separate browser contexts, our app under
granian (ASGI, SSE) on the test database, the dispatcher as a subprocess, the taxpayer on the simulator's phone
page. Time is never slept away: every wait is a bounded wait on a condition."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from triplec.accounts.roles import Role
from triplec.billing.models import BillingCode
from triplec.conversations.models import Conversation
from triplec.messaging.models import Channel, Peer
from triplec.messaging.registry import templates_sync
from triplec.tests.support import (
    database_url_for_subprocess,
    make_document,
    make_office,
    make_user,
    serve_static,
    wait_until,
)

from .factories import officer, taxpayer_with_contact

NUMBER = "6281234567890"
LIVE_MS = 1_000  # the bound: on screen within one second


@pytest.fixture
def dispatcher_process(transactional_db):
    """`triplec dispatcher` in its own process: the replies reach the phone from there, not from the test."""
    bin_dir = os.path.dirname(sys.executable)
    proc = subprocess.Popen(
        [os.path.join(bin_dir, "triplec"), "dispatcher", "--rate", "50"],
        env={**os.environ, "DATABASE_URL": database_url_for_subprocess()},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    yield proc
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


@pytest.fixture
def new_context(browser):
    """Browser contexts for the test, all closed at its end, passed or failed: an open phone page keeps marking
    the session simulator's messages read."""
    made = []

    def make(**options):
        made.append(browser.new_context(**options))
        return made[-1]

    yield make
    for context in made:
        context.close()


def _logged_in_page(new_context, base_url: str, user):
    client = Client()
    client.force_login(user)
    context = new_context(locale="id-ID")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}])
    context.route("**/static/**", serve_static)
    return context.new_page()


@pytest.mark.browser
@pytest.mark.slow
def test_it_runs_a_live_conversation_between_the_phone_and_the_right_officer(
    asgi_server, dispatcher_process, simulator, new_context
):
    simulator.configure(webhook_url=f"{asgi_server}/whatsapp/webhook")
    office = make_office()
    channel = Channel.objects.create(
        office=office,
        phone_number_id=simulator.phone_number_id,
        display_number="+62 380 821123",
        waba_id=simulator.waba_id,
        base_url=simulator.base_url,
        provider="simulator",
    )
    templates_sync(channel=channel)
    other = officer("petugas_budi", office)  # first in the round-robin: only the AR rule sends it elsewhere
    ar = officer("ar_sari", office, role=Role.ACCOUNT_REPRESENTATIVE)
    head = make_user("kasi_layanan", Role.SECTION_HEAD, office=office)
    taxpayer = taxpayer_with_contact(office, phone=f"+{NUMBER}", name="Yohanes Ndun", account_representative=ar)
    document = make_document(taxpayer, amount=2_750_000)

    page_a = _logged_in_page(new_context, asgi_server, ar)
    page_b = _logged_in_page(new_context, asgi_server, other)
    page_h = _logged_in_page(new_context, asgi_server, head)
    page_a.goto(f"{asgi_server}/inbox/?view=mine")
    page_b.goto(f"{asgi_server}/inbox/?view=mine")
    page_h.goto(f"{asgi_server}/inbox/?view=office")
    for page in (page_a, page_b, page_h):
        expect(page.locator("html[data-live='1']")).to_have_count(1, timeout=10_000)
    # Warm the server process up (the bot's classifier loads on first use) with a stranger's greeting.
    assert simulator.inbound(from_="6289900000001", text="halo")["webhook_status"] == 200
    phone = new_context().new_page()
    phone.goto(f"{simulator.base_url}/phone/{NUMBER}")

    # 1. The taxpayer asks for an officer: the bot hands off, the inbox gives it to the taxpayer's own AR.
    phone.get_by_placeholder("Ketik pesan").fill("Saya mau bicara dengan petugas pajak")
    # "Within one second" counts from the taxpayer pressing Enter on the phone: the simulator's webhook, the
    # bot's turn, the assignment, the bus, the stream, the fragment fetch and the render all fall inside it.
    phone.keyboard.press("Enter")
    expect(page_a.locator(".queue-item", has_text="Yohanes Ndun")).to_be_visible(timeout=LIVE_MS)
    expect(page_h.locator(".queue-item", has_text="Yohanes Ndun")).to_be_visible(timeout=LIVE_MS)
    conversation = Conversation.objects.get(peer__wa_id=NUMBER)
    assert conversation.assigned_to == ar
    expect(page_b.locator(".queue-item")).to_have_count(0)
    page_b.goto(f"{asgi_server}/inbox/?view=unassigned")
    expect(page_b.locator(".queue-item")).to_have_count(0)
    assert page_b.goto(f"{asgi_server}/inbox/{conversation.pk}/").status == 404

    # 2. The AR answers; the reply reaches the phone and the ticks move on in the AR's browser.
    page_a.locator(".queue-item a", has_text="Yohanes Ndun").click()
    page_a.locator(".bubble-in", has_text="Saya mau bicara dengan petugas pajak").wait_for()
    page_a.keyboard.press("Alt+r")
    page_a.locator("#reply-text").fill("Selamat siang Bapak Yohanes, saya Sari dari KPP. Ada yang bisa dibantu?")
    page_a.keyboard.press("Control+Enter")
    phone.locator(".msg.in", has_text="saya Sari dari KPP").wait_for(timeout=10_000)
    bubble = page_a.locator(".bubble-out", has_text="saya Sari dari KPP")
    expect(bubble).to_have_attribute("data-state", "read", timeout=10_000)
    expect(bubble.locator(".tick")).to_have_text("✓✓")

    # 3. A message typed on the phone appears in the open conversation without a reload.
    phone.get_by_placeholder("Ketik pesan").fill("Berapa tagihan saya?")
    phone.keyboard.press("Enter")
    expect(page_a.locator(".bubble-in", has_text="Berapa tagihan saya?")).to_be_visible(timeout=LIVE_MS)

    # 4. A billing code issued from the panel arrives on the phone.
    page_a.locator(f"input[name=documents][value='{document.pk}']").check()
    page_a.get_by_role("button", name="Terbitkan dan kirim kode billing").click()
    code = wait_until(
        lambda: BillingCode.objects.filter(taxpayer=taxpayer).first(), timeout=10, message="no billing code issued"
    )
    phone.locator(".msg.in", has_text=code.code_display).wait_for(timeout=10_000)
    expect(page_a.locator(".bubble-out", has_text=code.code_display)).to_be_visible(timeout=10_000)

    # 5. A day later (the window moved back, not slept): free text is blocked, a template can be sent.
    Peer.objects.filter(pk=conversation.peer_id).update(last_inbound_at=timezone.now() - dt.timedelta(hours=25))
    page_a.reload()
    expect(page_a.locator("#reply-text")).to_have_count(0)
    expect(page_a.get_by_text("Jendela 24 jam sudah tertutup", exact=False)).to_be_visible()
    blocked = page_a.request.post(
        f"{asgi_server}/inbox/{conversation.pk}/reply",
        form={"text": "teks bebas", "csrfmiddlewaretoken": _csrf(page_a)},
    )
    assert blocked.ok and "teks bebas" not in [
        m["body"].get("text", {}).get("body") for m in simulator.messages(to=NUMBER)
    ]
    page_a.locator("#template-select").select_option(label="sapaan_lanjutan_v1")
    params = page_a.locator("#template-params input[name=params]")
    params.nth(0).fill("Yohanes Ndun")
    params.nth(1).fill("kode billing")
    page_a.get_by_role("button", name="Kirim template").click()
    phone.locator(".msg.in", has_text="Yth. Yohanes Ndun, kami dari KPP Pratama Kupang").wait_for(timeout=10_000)
    expect(
        page_a.locator(".bubble-out[data-kind=template]", has_text="ingin melanjutkan percakapan mengenai kode billing")
    ).to_be_visible(timeout=10_000)


def _csrf(page) -> str:
    return page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
