"""POST /messages against the running simulator: Meta's success shape and each synchronous error path."""

import re

from triplec.simulator.testing import template_send
from triplec.simulator.tests.conftest import template_payload, text_payload


def error_code(response) -> int:
    return response.json()["error"]["code"]


def test_it_accepts_a_template_with_metas_success_shape(simulator):
    response = simulator.send(template_payload(callback="msg-1"))
    assert response.status_code == 200
    data = response.json()
    assert data["messaging_product"] == "whatsapp"
    # Since the 2026 BSUID change Meta's answer names the user's business-scoped id too.
    [contact] = data["contacts"]
    assert contact == {"input": "6281234567890", "wa_id": "6281234567890", "user_id": contact["user_id"]}
    assert re.fullmatch(r"ID\.\d{20}", contact["user_id"])
    assert data["messages"][0]["id"].startswith("wamid.")
    assert data["messages"][0]["message_status"] == "accepted"
    [stored] = simulator.messages(to="6281234567890")
    assert stored["wamid"] == data["messages"][0]["id"]
    assert stored["biz_opaque_callback_data"] == "msg-1"
    assert stored["body"]["template"]["name"] == "kode_billing_v1"
    assert "Rp1.500.000" in stored["view"]["body"]


def test_it_gives_every_message_a_unique_wamid(simulator):
    wamids = {simulator.send(template_payload(to=f"62812000{i:05d}")).json()["messages"][0]["id"] for i in range(50)}
    assert len(wamids) == 50


def test_it_refuses_a_bad_token_with_error_190(simulator):
    response = simulator.send(template_payload(), token="wrong-token")
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == 190 and error["type"] == "OAuthException" and "fbtrace_id" in error
    assert simulator.messages() == []
    assert simulator.stats()["rejected"]["190"] == 1


def test_it_refuses_an_unknown_template_with_132001(simulator):
    payload = template_payload()
    payload["template"]["name"] = "tidak_ada"
    response = simulator.send(payload)
    assert response.status_code == 400
    assert error_code(response) == 132001
    assert response.json()["error"]["error_data"]["messaging_product"] == "whatsapp"
    payload = template_payload()
    payload["template"]["language"]["code"] = "en"
    assert error_code(simulator.send(payload)) == 132001
    assert simulator.messages() == []


def test_it_refuses_a_wrong_parameter_count_with_132000(simulator):
    payload = template_payload()
    payload["template"]["components"][1]["parameters"].pop()
    response = simulator.send(payload)
    assert error_code(response) == 132000
    assert "expected 5, received 4" in response.json()["error"]["error_data"]["details"]


def test_it_refuses_named_parameters_on_a_positional_template_with_132012(simulator):
    payload = template_payload()
    for i, param in enumerate(payload["template"]["components"][1]["parameters"]):
        param["parameter_name"] = f"p{i}"
    assert error_code(simulator.send(payload)) == 132012


def test_it_refuses_positional_parameters_on_a_named_template_with_132012(simulator):
    payload = {
        "messaging_product": "whatsapp",
        "to": "6281234567890",
        "type": "template",
        "template": {
            "name": "sapaan_lanjutan_v1",
            "language": {"code": "id"},
            "components": [
                {"type": "body", "parameters": [{"type": "text", "text": "Budi"}, {"type": "text", "text": "tagihan"}]}
            ],
        },
    }
    assert error_code(simulator.send(payload)) == 132012
    for param, name in zip(payload["template"]["components"][0]["parameters"], ("nama", "perihal")):
        param["parameter_name"] = name
    response = simulator.send(payload)
    assert response.status_code == 200
    [stored] = simulator.messages()
    assert stored["view"]["body"].startswith("Yth. Budi, kami dari KPP Pratama Kupang")


def test_it_refuses_a_missing_document_header_with_132012(simulator):
    assert error_code(simulator.send(template_send("surat_teguran_v1", "abcd"))) == 132012


def test_it_refuses_free_form_text_outside_the_window_with_131047(simulator):
    response = simulator.send(text_payload())
    assert error_code(response) == 131047
    # A template may go at any time.
    assert simulator.send(template_payload()).status_code == 200


def test_it_opens_the_window_with_an_inbound_message_and_closes_it_after_24_hours(simulator):
    simulator.inbound(from_="6281234567890", name="Budi", text="Halo")
    assert simulator.send(text_payload()).status_code == 200
    simulator.http.post("/_sim/window", json={"to": "6281234567890", "ago_seconds": 24 * 3600 + 1})
    assert error_code(simulator.send(text_payload())) == 131047
    simulator.http.post("/_sim/window", json={"to": "6281234567890", "ago_seconds": 23 * 3600})
    assert simulator.send(text_payload()).status_code == 200


def test_it_limits_the_per_number_rate_with_130429(simulator):
    simulator.configure(per_number_mps=2, pair_limit=None)
    codes = [simulator.send(template_payload(to=f"6281200{i:06d}")).status_code for i in range(12)]
    assert codes[:2] == [200] * 2  # a full bucket holds one second's worth
    assert 400 in codes
    rejected = simulator.stats()["rejected"]
    assert rejected["130429"] == codes.count(400)
    # The bucket refills: after a bounded wait a message goes through again.
    simulator.wait_for(lambda: simulator.send(template_payload(to="6281299999999")).status_code == 200, timeout=3)


def test_it_limits_the_pair_rate_with_131056(simulator):
    simulator.configure(pair_limit={"count": 3, "seconds": 60}, per_number_mps=None)
    responses = [simulator.send(template_payload()) for _ in range(4)]
    assert [r.status_code for r in responses] == [200, 200, 200, 400]
    assert error_code(responses[3]) == 131056
    # Another taxpayer is not affected.
    assert simulator.send(template_payload(to="6281311112222")).status_code == 200


def test_it_fails_non_whatsapp_numbers_with_131026_by_webhook(sim):
    sim.configure(non_whatsapp_numbers=["+62 812 0000 0001"])
    response = sim.send(template_payload(to="6281200000001", callback="x1"))
    assert response.status_code == 200  # as Meta: accepted, then a failed status
    wamid = response.json()["messages"][0]["id"]
    sim.wait_for(lambda: sim.receiver.statuses_of(wamid) == ["failed"])
    [status] = [s for p in sim.receiver.payloads() for s in p["entry"][0]["changes"][0]["value"]["statuses"]]
    assert status["errors"][0]["code"] == 131026
    assert status["biz_opaque_callback_data"] == "x1"
    assert sim.messages()[0]["status"] == "failed"


def test_it_can_refuse_non_whatsapp_numbers_synchronously(simulator):
    simulator.configure(non_whatsapp_numbers=["6281200000001"], non_whatsapp_mode="sync")
    assert error_code(simulator.send(template_payload(to="6281200000001"))) == 131026
    assert simulator.messages() == []


def test_it_rejects_malformed_requests_without_storing_them(simulator):
    assert error_code(simulator.send({"to": "6281234567890"})) == 100  # no messaging_product
    assert error_code(simulator.send(text_payload(to="12"))) == 100
    response = simulator.http.post(
        f"/v25.0/{simulator.phone_number_id}/messages",
        content=b"{not json",
        headers={"Authorization": f"Bearer {simulator.access_token}"},
    )
    assert error_code(response) == 100
    response = simulator.http.post(
        "/v25.0/111/messages", json=template_payload(), headers={"Authorization": f"Bearer {simulator.access_token}"}
    )
    assert error_code(response) == 100
    assert simulator.messages() == []


def test_it_sends_interactive_buttons_lists_and_documents_inside_the_window(simulator):
    simulator.inbound(from_="6281234567890", text="Rincian")
    buttons = {
        "messaging_product": "whatsapp",
        "to": "6281234567890",
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": "Apa yang ingin Anda lakukan?"},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": "bayar", "title": "Bayar sekarang"}},
                    {"type": "reply", "reply": {"id": "cicil", "title": "Ajukan angsuran"}},
                ]
            },
        },
    }
    assert simulator.send(buttons).status_code == 200
    lst = {
        "messaging_product": "whatsapp",
        "to": "6281234567890",
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": "Pilih tagihan"},
            "action": {
                "button": "Lihat tagihan",
                "sections": [
                    {"title": "Tagihan", "rows": [{"id": "doc-1", "title": "STP 00123", "description": "Rp1.500.000"}]}
                ],
            },
        },
    }
    assert simulator.send(lst).status_code == 200
    doc = {
        "messaging_product": "whatsapp",
        "to": "6281234567890",
        "type": "document",
        "document": {"link": "http://127.0.0.1:9/x.pdf", "filename": "surat.pdf", "caption": "Surat Anda"},
    }
    assert simulator.send(doc).status_code == 200
    too_many = {
        **buttons,
        "interactive": {
            **buttons["interactive"],
            "action": {"buttons": [{"type": "reply", "reply": {"id": str(i), "title": f"T{i}"}} for i in range(4)]},
        },
    }
    assert error_code(simulator.send(too_many)) == 131009
    views = [m["view"] for m in simulator.messages()]
    assert views[0]["reply_buttons"][1] == {"id": "cicil", "title": "Ajukan angsuran"}
    assert views[1]["list"]["sections"][0]["rows"][0]["id"] == "doc-1"
    assert views[2]["header"]["filename"] == "surat.pdf"
    # The link could not be fetched: recorded, not lost.
    simulator.wait_for(lambda: simulator.messages()[2]["media_error"])


def test_it_marks_an_inbound_message_as_read(simulator):
    wamid = simulator.inbound(from_="6281234567890", text="Halo")["wamid"]
    response = simulator.send(
        {"messaging_product": "whatsapp", "status": "read", "message_id": wamid, "typing_indicator": {"type": "text"}}
    )
    assert response.json() == {"success": True}
    assert (
        simulator.send({"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.unknown"}).json()[
            "error"
        ]["code"]
        == 100
    )
    assert simulator.stats()["read_marks"] == 1


def test_it_sends_to_a_business_scoped_user_id(simulator):
    simulator.inbound(from_="6281234567890", user_id="ID.1234567890abc", text="Halo")
    response = simulator.send(text_payload(to=None, recipient="ID.1234567890abc") | {"to": None})
    assert response.status_code == 200, response.text
    contact = response.json()["contacts"][0]
    assert contact["user_id"] == "ID.1234567890abc" and contact["wa_id"] == "6281234567890"
    assert simulator.messages(to="6281234567890")[0]["user_id"] == "ID.1234567890abc"


def test_it_counts_what_it_received_and_rejected(simulator):
    simulator.send(template_payload())
    simulator.send(text_payload())
    stats = simulator.stats()
    assert stats["received"] == 2 and stats["accepted"] == 1 and stats["rejected"]["131047"] == 1
