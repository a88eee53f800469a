"""Contract test: pywa, a widely used third-party Cloud API client, parses every webhook the simulator sends.

The simulator's real webhooks (a real server POSTing to a local receiver) go through pywa's own public intake:
`webhook_update_validator` checks the signature on the raw bytes, `webhook_update_handler` builds its typed update
and hands it to the handler registered for that kind. A shape pywa cannot read (a missing key, a wrong type)
reaches no handler, so each test asserts the update arrived, of the right type, with the right fields.
pywa is a test-only dependency (requirements.txt says so); the product never imports it.
"""

from __future__ import annotations

import base64
import datetime
import json
import logging
from typing import Any

import pytest

pywa = pytest.importorskip("pywa")
from pywa import WhatsApp, handlers, types  # noqa: E402

from triplec.simulator.tests.conftest import template_payload, text_payload  # noqa: E402

PHONE = "6281234567890"
HANDLERS = (
    handlers.MessageHandler,
    handlers.CallbackButtonHandler,
    handlers.CallbackSelectionHandler,
    handlers.MessageStatusHandler,
    handlers.PhoneNumberChangeHandler,
    handlers.TemplateStatusUpdateHandler,
    handlers.TemplateQualityUpdateHandler,
    handlers.TemplateCategoryUpdateHandler,
)


class PywaCouldNotParse(AssertionError):
    pass


def pywa_parse(sim, request: dict[str, Any]) -> Any:
    """Feed one captured webhook (raw bytes and signature header) to pywa; return the typed update it built."""
    wa = WhatsApp(
        phone_id=sim.phone_number_id,
        token=sim.access_token,
        waba_id=sim.waba_id,
        app_secret=sim.app_secret,
        server=None,
        skip_duplicate_updates=False,
    )
    got: list[Any] = []
    wa.add_handlers(*(kind(lambda _client, update: got.append(update)) for kind in HANDLERS))
    assert wa.webhook_update_validator(request["body"], request["headers"]["X-Hub-Signature-256"]) is None
    errors: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                errors.append(record.getMessage() + (f" {record.exc_info[1]!r}" if record.exc_info else ""))

    collector = Collect()
    logger = logging.getLogger("pywa")
    logger.addHandler(collector)
    try:
        assert wa.webhook_update_handler(request["body"]) == ("ok", 200)
    finally:
        logger.removeHandler(collector)
    if len(got) != 1:
        raise PywaCouldNotParse(f"pywa built {len(got)} updates from {request['body'][:300]!r}: {errors}")
    return got[0]


def webhooks(sim, predicate) -> list[dict[str, Any]]:
    return [r for r in list(sim.receiver.requests) if predicate(json.loads(r["body"]))]


def the_webhook(sim, predicate) -> dict[str, Any]:
    return sim.wait_for(lambda: webhooks(sim, predicate) and webhooks(sim, predicate)[0])


def value_of(payload: dict[str, Any]) -> dict[str, Any]:
    return payload["entry"][0]["changes"][0]["value"]


def inbound_webhook(sim, wamid: str) -> dict[str, Any]:
    return the_webhook(sim, lambda p: [m["id"] for m in value_of(p).get("messages", [])] == [wamid])


def status_webhook(sim, wamid: str, status: str) -> dict[str, Any]:
    return the_webhook(
        sim, lambda p: [(s["id"], s["status"]) for s in value_of(p).get("statuses", [])] == [(wamid, status)]
    )


def field_webhook(sim, field: str) -> dict[str, Any]:
    return the_webhook(sim, lambda p: p["entry"][0]["changes"][0]["field"] == field)


def recent(moment: datetime.datetime) -> bool:
    return abs((datetime.datetime.now(datetime.UTC) - moment).total_seconds()) < 120


def test_it_lets_pywa_parse_text_from_a_phone_user(sim):
    wamid = sim.inbound(from_=PHONE, name="Budi Santoso", text="Saya mau bayar")["wamid"]
    message = pywa_parse(sim, inbound_webhook(sim, wamid))
    assert isinstance(message, types.Message)
    assert message.id == wamid and message.type == types.MessageType.TEXT and message.text == "Saya mau bayar"
    assert message.from_user.wa_id == PHONE and message.from_user.name == "Budi Santoso"
    assert message.from_user.bsuid.startswith("ID.")
    assert message.metadata.phone_number_id == sim.phone_number_id and recent(message.timestamp)


def test_it_lets_pywa_parse_text_from_a_username_user(sim):
    wamid = sim.inbound(user_id="ID.55501", username="budi.kupang", name="Budi", text="Halo")["wamid"]
    message = pywa_parse(sim, inbound_webhook(sim, wamid))
    assert message.text == "Halo" and message.from_user.bsuid == "ID.55501"
    assert message.from_user.wa_id is None and message.from_user.username == "budi.kupang"


def test_it_lets_pywa_parse_a_template_quick_reply_with_its_context(sim):
    template_wamid = sim.send(template_payload()).json()["messages"][0]["id"]
    wamid = sim.inbound(
        from_=PHONE, button={"payload": "KODE_BILLING:1", "text": "Minta kode billing"}, context_id=template_wamid
    )["wamid"]
    button = pywa_parse(sim, inbound_webhook(sim, wamid))
    assert isinstance(button, types.CallbackButton)
    assert button.id == wamid and button.data == "KODE_BILLING:1" and button.title == "Minta kode billing"
    assert button.reply_to_message.id == template_wamid and button.from_user.wa_id == PHONE


def test_it_lets_pywa_parse_interactive_button_and_list_replies(sim):
    button_wamid = sim.inbound(from_=PHONE, interactive={"type": "button_reply", "id": "bayar", "title": "Bayar"})[
        "wamid"
    ]
    list_wamid = sim.inbound(
        from_=PHONE,
        interactive={"type": "list_reply", "id": "doc-1", "title": "STP 00123", "description": "Rp1.500.000"},
    )["wamid"]
    button = pywa_parse(sim, inbound_webhook(sim, button_wamid))
    assert isinstance(button, types.CallbackButton) and button.data == "bayar" and button.title == "Bayar"
    selection = pywa_parse(sim, inbound_webhook(sim, list_wamid))
    assert isinstance(selection, types.CallbackSelection)
    assert selection.data == "doc-1" and selection.title == "STP 00123" and selection.description == "Rp1.500.000"


@pytest.mark.parametrize(
    "kind, spec",
    [
        ("image", {"caption": "Bukti bayar", "mime_type": "image/jpeg"}),
        (
            "document",
            {"caption": "SSP", "filename": "ssp.pdf", "content_base64": base64.b64encode(b"%PDF-1.4").decode()},
        ),
        ("audio", {"voice": True}),
        ("video", {"caption": "Video"}),
        ("sticker", {"animated": False}),
    ],
)
def test_it_lets_pywa_parse_every_media_kind(sim, kind, spec):
    wamid = sim.inbound(from_=PHONE, **{kind: spec})["wamid"]
    message = pywa_parse(sim, inbound_webhook(sim, wamid))
    media = getattr(message, kind)
    assert message.type == kind and media.id and len(media.sha256) == 64 and media.mime_type
    if "caption" in spec:
        assert message.caption == spec["caption"]
    if kind == "document":
        assert media.filename == "ssp.pdf"
    if kind == "audio":
        assert message.voice is media
    # The id pywa read resolves on the simulator's Graph API, as a media id does on Meta.
    info = sim.graph("GET", f"/v25.0/{media.id}").json()
    assert info["sha256"] == media.sha256 and info["mime_type"] == media.mime_type


def test_it_lets_pywa_parse_a_location_and_a_reaction(sim):
    loc_wamid = sim.inbound(
        from_=PHONE,
        location={"latitude": -10.1772, "longitude": 123.607, "name": "KPP Pratama Kupang", "address": "Jl. Palapa"},
    )["wamid"]
    location = pywa_parse(sim, inbound_webhook(sim, loc_wamid))
    assert location.location.latitude == -10.1772 and location.location.name == "KPP Pratama Kupang"
    react_wamid = sim.inbound(from_=PHONE, reaction={"message_id": loc_wamid, "emoji": "👍"})["wamid"]
    reaction = pywa_parse(sim, inbound_webhook(sim, react_wamid))
    assert reaction.reaction.emoji == "👍" and reaction.reaction.message_id == loc_wamid


def test_it_lets_pywa_parse_a_changed_number_system_message(sim):
    result = sim.http.post("/_sim/system", json={"from": PHONE, "new_wa_id": "6281299990000"}).json()
    change = pywa_parse(sim, inbound_webhook(sim, result["wamid"]))
    assert isinstance(change, types.PhoneNumberChange)
    assert change.old_wa_id == PHONE and change.new_wa_id == "6281299990000"


def test_it_lets_pywa_parse_sent_delivered_and_read_statuses(sim):
    wamid = sim.send(template_payload(callback="outbox-7")).json()["messages"][0]["id"]
    for state in ("sent", "delivered", "read"):
        status = pywa_parse(sim, status_webhook(sim, wamid, state))
        assert isinstance(status, types.MessageStatus)
        assert status.id == wamid and status.status == state and status.tracker == "outbox-7"
        assert status.from_user.wa_id == PHONE and status.from_user.bsuid.startswith("ID.")
        assert status.pricing.category == "utility" and status.pricing.model == "PMP" and recent(status.timestamp)


def test_it_lets_pywa_parse_statuses_of_a_message_sent_to_a_bsuid(sim):
    sim.inbound(user_id="ID.55501", username="budi.kupang", text="Halo")  # opens the window
    response = sim.send(text_payload(to="ID.55501"))
    assert response.status_code == 200, response.text
    wamid = response.json()["messages"][0]["id"]
    status = pywa_parse(sim, status_webhook(sim, wamid, "read"))
    assert status.from_user.bsuid == "ID.55501" and status.from_user.wa_id is None
    assert status.from_user.username == "budi.kupang"


def test_it_sends_failed_statuses_in_metas_shape(sim):
    sim.configure(non_whatsapp_numbers=[PHONE])
    wamid = sim.send(template_payload()).json()["messages"][0]["id"]
    value = value_of(json.loads(status_webhook(sim, wamid, "failed")["body"]))
    # Meta omits `contacts` on failed statuses, and `recipient_user_id` when the message went to a phone number.
    assert "contacts" not in value
    [status] = value["statuses"]
    assert status["recipient_id"] == PHONE and "recipient_user_id" not in status
    assert status["errors"][0]["code"] == 131026


@pytest.mark.xfail(
    strict=True,
    raises=PywaCouldNotParse,
    reason="pywa 4.5.0's MessageStatus.from_update reads value['contacts'][0], which Meta omits "
    "on failed statuses (the product reads failed statuses without it)",
)
def test_it_lets_pywa_parse_a_failed_status(sim):
    sim.configure(non_whatsapp_numbers=[PHONE])
    wamid = sim.send(template_payload()).json()["messages"][0]["id"]
    status = pywa_parse(sim, status_webhook(sim, wamid, "failed"))
    assert status.status == "failed" and status.error.code == 131026


def test_it_lets_pywa_parse_template_status_quality_and_category_updates(sim):
    created = sim.graph(
        "POST",
        f"/v25.0/{sim.waba_id}/message_templates",
        json={
            "name": "pengingat_v9",
            "language": "id",
            "category": "UTILITY",
            "components": [{"type": "BODY", "text": "Tagihan Anda jatuh tempo."}],
        },
    ).json()
    approved = pywa_parse(sim, field_webhook(sim, "message_template_status_update"))
    assert isinstance(approved, types.TemplateStatusUpdate)
    assert approved.template_id == created["id"] and approved.new_status == "APPROVED" and recent(approved.timestamp)
    assert approved.template_name == "pengingat_v9" and approved.category == "UTILITY"

    sim.http.post(f"/_sim/templates/{created['id']}/quality", json={"new_quality_score": "YELLOW"})
    quality = pywa_parse(sim, field_webhook(sim, "message_template_quality_update"))
    assert isinstance(quality, types.TemplateQualityUpdate)
    assert quality.new_quality_score == "YELLOW" and quality.previous_quality_score == "UNKNOWN"

    sim.http.post(f"/_sim/templates/{created['id']}/category", json={"new_category": "MARKETING"})
    category = pywa_parse(sim, field_webhook(sim, "template_category_update"))
    assert isinstance(category, types.TemplateCategoryUpdate)
    assert category.new_category == "MARKETING" and category.previous_category == "UTILITY"

    sim.http.post(f"/_sim/templates/{created['id']}/status", json={"event": "PAUSED"})
    paused = sim.wait_for(
        lambda: (
            len(webhooks(sim, lambda p: p["entry"][0]["changes"][0]["field"] == "message_template_status_update")) == 2
            and webhooks(sim, lambda p: p["entry"][0]["changes"][0]["field"] == "message_template_status_update")[1]
        )
    )
    assert pywa_parse(sim, paused).new_status == "PAUSED"
