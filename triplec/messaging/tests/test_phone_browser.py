"""Real Chromium on the simulator's phone page: the taxpayer answers our message, and the answer is in our DB."""

import pytest

from triplec.messaging import dispatcher as dispatcher_module
from triplec.messaging.dispatcher import Dispatcher
from triplec.messaging.models import InboundMessage, OutboundMessage, State, Template
from triplec.messaging.registry import templates_sync
from triplec.tests.support import wait_until

from .factories import KODE_BILLING_PARAMS, make_channel, queue_template


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_it_stores_a_reply_typed_on_the_phone_page(simulator, live_server, page, monkeypatch):
    simulator.configure(webhook_url=f"{live_server.url}/whatsapp/webhook")
    monkeypatch.setattr(dispatcher_module, "is_open", lambda office, at: True)
    channel = make_channel(base_url=simulator.base_url)
    templates_sync(channel=channel)
    template = Template.objects.get(name="kode_billing_v1", is_current=True)
    message = queue_template(channel, "browser", template=template, params=KODE_BILLING_PARAMS)
    d = Dispatcher(rate_override=10)
    wait_until(lambda: d.step() or OutboundMessage.objects.get(pk=message.pk).state != State.QUEUED, timeout=10)

    page.goto(f"{simulator.base_url}/phone/6281234567890")
    page.get_by_text("123456789012345").first.wait_for()
    page.get_by_placeholder("Ketik pesan").fill("Saya sudah bayar kemarin")
    page.keyboard.press("Enter")
    page.locator(".msg.out", has_text="Saya sudah bayar kemarin").wait_for()

    inbound = wait_until(
        lambda: InboundMessage.objects.filter(text="Saya sudah bayar kemarin").first(),
        timeout=10,
        message="the reply did not reach our database",
    )
    assert inbound.peer.wa_id == "6281234567890" and inbound.peer.window_open()
    page.get_by_role("button", name="Sudah bayar").click()
    tapped = wait_until(
        lambda: InboundMessage.objects.filter(type="button").first(),
        timeout=10,
        message="the button tap did not reach our database",
    )
    assert tapped.text == "Sudah bayar"
    assert tapped.context_wamid == OutboundMessage.objects.get(pk=message.pk).wamid
