"""The phone page: its JSON endpoints, and one real Chromium session replying to a Surat Teguran."""

import json

import pytest
from playwright.sync_api import expect

from triplec.simulator.testing import WebhookReceiver, document_header, template_send

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def send_notice(sim, to: str = "6281234567890") -> str:
    sim.receiver.files["/surat/ST-00123.pdf"] = (PDF, "application/pdf")
    payload = template_send(
        "surat_teguran_v1",
        ("Budi Santoso", "ST-00123/WPJ.21/KP.03/2026", "1 Oktober 2026", "Rp1.500.000"),
        to=to,
        header=document_header(sim.receiver.base_url + "/surat/ST-00123.pdf", "Surat Teguran ST-00123.pdf"),
        buttons=[
            {
                "type": "button",
                "sub_type": "quick_reply",
                "index": "1",
                "parameters": [{"type": "payload", "payload": "KODE_BILLING:st-1"}],
            }
        ],
        callback="st-1",
    )
    response = sim.send(payload)
    assert response.status_code == 200, response.text
    return response.json()["messages"][0]["id"]


def test_it_shows_a_rendered_template_with_its_fetched_document(sim):
    wamid = send_notice(sim)

    def settled():  # the PDF fetched and the last status (read) in: nothing else will change
        chat = sim.http.get("/phone/api/chat/6281234567890").json()
        item = chat["items"][0]
        return item["view"]["header"].get("media_id") and item["status"] == "read" and chat

    chat = sim.wait_for(settled)
    item = chat["items"][0]
    assert item["wamid"] == wamid
    assert item["view"]["body"].startswith("Yth. Budi Santoso,")
    assert [b["text"] for b in item["view"]["buttons"]] == ["Rincian tagihan", "Minta kode billing", "Hubungi petugas"]
    assert item["view"]["buttons"][1]["payload"] == "KODE_BILLING:st-1"
    assert item["view"]["buttons"][0]["payload"] == "Rincian tagihan"
    pdf = sim.http.get(f"/phone/media/{item['view']['header']['media_id']}")
    assert pdf.status_code == 200 and pdf.content == PDF
    assert pdf.headers["content-type"] == "application/pdf"
    # Unchanged since the version the page holds: nothing to redraw.
    assert "items" not in sim.http.get(f"/phone/api/chat/6281234567890?v={chat['version']}").json()
    chats = sim.http.get("/phone/api/chats").json()["chats"]
    assert chats[0]["key"] == "6281234567890"


def test_it_turns_phone_replies_into_signed_inbound_webhooks(sim):
    wamid = send_notice(sim)
    response = sim.http.post(
        "/phone/api/chat/6281234567890/reply",
        json={"button": {"payload": "KODE_BILLING:st-1", "text": "Minta kode billing"}, "context_id": wamid},
    )
    assert response.json()["webhook_status"] == 200
    [message] = sim.wait_for(lambda: sim.receiver.inbound_messages())
    assert message["button"]["payload"] == "KODE_BILLING:st-1" and message["context"]["id"] == wamid
    assert sim.http.post("/phone/api/chat/6281234567890/reply", json={"text": "  "}).status_code == 400


def test_it_serves_the_phone_pages(simulator):
    for path in ("/phone/", "/phone/6281234567890"):
        page = simulator.http.get(path)
        assert page.status_code == 200 and "Simulator WhatsApp" in page.text
    assert simulator.http.get("/").headers["location"] == "/phone/"
    assert "poll" in simulator.http.get("/phone/static/phone.js").text
    assert simulator.http.get("/phone/static/server.py").status_code == 404  # only the page assets


@pytest.mark.browser
@pytest.mark.slow
def test_it_replies_from_the_phone_page_in_chromium(sim, page):
    wamid = send_notice(sim)
    page.goto(f"{sim.base_url}/phone/6281234567890")
    page.get_by_text("Surat Teguran ST-00123.pdf").wait_for()
    page.get_by_role("link", name="Buka dokumen").wait_for()  # the PDF was fetched and can be opened
    page.locator('.ticks[data-status="read"]').first.wait_for()
    page.get_by_role("button", name="Minta kode billing").click()
    page.locator(".msg.out", has_text="Minta kode billing").wait_for()
    page.get_by_placeholder("Ketik pesan").fill("Saya sudah bayar kemarin")
    page.keyboard.press("Enter")
    page.locator(".msg.out", has_text="Saya sudah bayar kemarin").wait_for()

    messages = sim.wait_for(lambda: len(sim.receiver.inbound_messages()) == 2 and sim.receiver.inbound_messages())
    button, text = messages
    assert button["type"] == "button"
    assert button["button"] == {"payload": "KODE_BILLING:st-1", "text": "Minta kode billing"}
    assert button["context"]["id"] == wamid
    assert text["type"] == "text" and text["text"] == {"body": "Saya sudah bayar kemarin"}
    inbound_requests = [
        r
        for r in sim.receiver.requests
        if any("messages" in change["value"] for entry in json.loads(r["body"])["entry"] for change in entry["changes"])
    ]
    assert len(inbound_requests) == 2
    assert all(WebhookReceiver.signature_ok(r, sim.app_secret) for r in inbound_requests)


@pytest.mark.browser
@pytest.mark.slow
def test_it_keeps_the_newest_message_in_view_above_the_composer(sim, page):
    """Like WhatsApp: the conversation scrolls inside the phone, the newest message at the bottom, the typing
    field always on screen; a message arriving while the taxpayer is at the bottom comes into view by itself."""
    page.set_viewport_size({"width": 420, "height": 700})
    for _ in range(5):
        send_notice(sim)
    page.goto(f"{sim.base_url}/phone/6281234567890")
    expect(page.locator(".msg.in")).to_have_count(5)
    expect(page.locator(".msg.in").last).to_be_in_viewport()
    expect(page.get_by_placeholder("Ketik pesan")).to_be_in_viewport()
    # The page itself is one screen high: only the conversation scrolls.
    assert page.evaluate("document.scrollingElement.scrollHeight <= window.innerHeight")
    send_notice(sim)
    expect(page.locator(".msg.in")).to_have_count(6)
    expect(page.locator(".msg.in").last).to_be_in_viewport()
    expect(page.get_by_placeholder("Ketik pesan")).to_be_in_viewport()
