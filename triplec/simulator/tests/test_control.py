"""The control API, the template store and media, against the running simulator."""

import json
import time

from triplec.simulator.graph.phone_number import DEFAULT_FIELDS
from triplec.simulator.tests.conftest import template_payload

NEW_TEMPLATE = {
    "name": "pengingat_jatuh_tempo_v1",
    "language": "id",
    "category": "UTILITY",
    "parameter_format": "POSITIONAL",
    "components": [
        {
            "type": "BODY",
            "text": "Yth. {{1}}, tagihan {{2}} jatuh tempo pada {{3}}.",
            "example": {"body_text": [["Budi", "STP 1", "1 Desember 2026"]]},
        }
    ],
}


def test_it_merges_config_and_refuses_unknown_or_bad_settings(simulator):
    config = simulator.configure(faults={"http_500": 0.05}, per_number_mps=None)
    assert config["faults"]["http_500"] == 0.05 and config["faults"]["http_429"] == 0.0
    assert config["per_number_mps"] is None and config["webhook_retry"]["base_ms"] == 50
    for bad in (
        {"nope": 1},
        {"faults": {"http_500": 2}},
        {"faults": {"http_500": 0.6, "http_429": 0.6}},
        {"pair_limit": {"count": 0, "seconds": 6}},
        {"webhook_url": "ftp://x"},
        {"seed": "abc"},
    ):
        response = simulator.http.post("/_sim/config", json=bad)
        assert response.status_code == 400 and response.json()["error"]
    assert simulator.http.get("/_sim/config").json()["faults"]["http_500"] == 0.05  # nothing half-applied


def test_it_resets_state_and_optionally_config(simulator):
    simulator.configure(per_number_mps=1000)
    simulator.send(template_payload())
    simulator.inbound(from_="6281234567890", text="Halo")
    simulator.reset(config=False)
    assert simulator.messages() == [] and simulator.stats()["accepted"] == 0
    assert simulator.http.get("/_sim/config").json()["per_number_mps"] == 1000
    assert (
        simulator.send(
            {"messaging_product": "whatsapp", "to": "6281234567890", "type": "text", "text": {"body": "x"}}
        ).json()["error"]["code"]
        == 131047
    )  # the window is gone too
    simulator.reset(config=True)
    assert simulator.http.get("/_sim/config").json()["per_number_mps"] == 80


def test_it_lists_templates_with_fields_and_cursor_paging(simulator):
    response = simulator.graph(
        "GET", f"/v25.0/{simulator.waba_id}/message_templates", params={"limit": 3, "fields": "name,status,language"}
    )
    data = response.json()
    assert [t["name"] for t in data["data"]] == ["surat_teguran_v1", "kode_billing_v1", "bukti_pembayaran_v1"]
    assert set(data["data"][0]) == {"id", "name", "status", "language"}
    assert "next" in data["paging"]
    after = data["paging"]["cursors"]["after"]
    rest = simulator.graph(
        "GET", f"/v25.0/{simulator.waba_id}/message_templates", params={"limit": 3, "after": after}
    ).json()
    assert [t["name"] for t in rest["data"]] == ["sapaan_lanjutan_v1", "surat_teguran_rinci", "surat_teguran_rinci_pdf"]
    assert "next" not in rest["paging"] and "previous" in rest["paging"]
    notice = rest["data"][0]
    assert notice["parameter_format"] == "NAMED" and notice["status"] == "APPROVED"
    assert simulator.graph("GET", "/v25.0/123/message_templates").json()["error"]["code"] == 100
    assert simulator.graph("GET", f"/v25.0/{simulator.waba_id}/message_templates", token="x").status_code == 401


def test_it_answers_the_template_list_summary(simulator):
    path = f"/v25.0/{simulator.waba_id}/message_templates"
    data = simulator.graph(
        "GET",
        path,
        params={
            "limit": 1,
            "summary": "total_count,message_template_count,message_template_limit,are_translations_complete",
        },
    ).json()
    assert len(data["data"]) == 1
    assert data["summary"] == {
        "total_count": 6,
        "message_template_count": 6,
        "message_template_limit": 250,
        "are_translations_complete": True,
    }
    filtered = simulator.graph("GET", path, params={"name": "kode_billing_v1", "summary": "total_count"}).json()
    assert filtered["summary"] == {"total_count": 1}
    assert "summary" not in simulator.graph("GET", path).json()


def test_it_serves_one_template_by_id_with_fields(simulator):
    listed = simulator.graph(
        "GET", f"/v25.0/{simulator.waba_id}/message_templates", params={"name": "kode_billing_v1"}
    ).json()["data"][0]
    whole = simulator.graph("GET", f"/v25.0/{listed['id']}").json()
    assert whole == listed
    assert simulator.graph("GET", f"/v25.0/{listed['id']}", params={"fields": "name,status"}).json() == {
        "id": listed["id"],
        "name": "kode_billing_v1",
        "status": "APPROVED",
    }
    assert simulator.graph("GET", "/v25.0/7999999999999").json()["error"]["code"] == 100


def test_it_answers_the_phone_number_with_default_or_requested_fields(simulator):
    path = f"/v25.0/{simulator.phone_number_id}"
    default = simulator.graph("GET", path).json()
    assert set(default) == set(DEFAULT_FIELDS)
    asked = simulator.graph("GET", path, params={"fields": "quality_rating,messaging_limit_tier"}).json()
    assert asked == {"id": simulator.phone_number_id, "quality_rating": "GREEN", "messaging_limit_tier": "TIER_1K"}
    unknown = simulator.graph("GET", path, params={"fields": "nope"})
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == 100


def test_it_sends_template_notifications_with_the_entry_time(sim):
    template_id = sim.graph(
        "GET", f"/v25.0/{sim.waba_id}/message_templates", params={"name": "kode_billing_v1"}
    ).json()["data"][0]["id"]
    assert sim.http.post(f"/_sim/templates/{template_id}/status", json={"event": "PAUSED"}).status_code == 200
    assert sim.send(template_payload()).json()["error"]["code"] == 132015
    assert sim.http.post(f"/_sim/templates/{template_id}/quality", json={"new_quality_score": "RED"}).status_code == 200
    impending = sim.http.post(
        f"/_sim/templates/{template_id}/category", json={"new_category": "MARKETING", "impending": True}
    ).json()
    assert impending["webhook"]["correct_category"] == "MARKETING" and impending["template"]["category"] == "UTILITY"
    assert (
        sim.http.post(f"/_sim/templates/{template_id}/quality", json={"new_quality_score": "PINK"}).status_code == 400
    )
    assert sim.http.post("/_sim/templates/1/status", json={"event": "PAUSED"}).status_code == 404
    payloads = sim.wait_for(lambda: len(sim.receiver.payloads()) == 3 and sim.receiver.payloads())
    assert {p["entry"][0]["changes"][0]["field"] for p in payloads} == {
        "message_template_status_update",
        "message_template_quality_update",
        "template_category_update",
    }
    assert all(abs(p["entry"][0]["time"] - time.time()) < 60 for p in payloads)


def test_it_creates_a_template_pending_then_approved_with_a_webhook(sim):
    response = sim.graph("POST", f"/v25.0/{sim.waba_id}/message_templates", json=NEW_TEMPLATE)
    assert response.status_code == 200
    created = response.json()
    assert created["status"] == "PENDING" and created["category"] == "UTILITY"
    send = template_payload()
    send["template"] = {
        "name": NEW_TEMPLATE["name"],
        "language": {"code": "id"},
        "components": [
            {"type": "body", "parameters": [{"type": "text", "text": v} for v in ("Budi", "STP 1", "1 Des")]}
        ],
    }
    assert sim.send(send).json()["error"]["code"] == 132001  # not approved yet
    update = sim.wait_for(
        lambda: [
            p
            for p in sim.receiver.payloads()
            if p["entry"][0]["changes"][0]["field"] == "message_template_status_update"
        ]
    )
    value = update[0]["entry"][0]["changes"][0]["value"]
    assert value["event"] == "APPROVED" and value["message_template_name"] == NEW_TEMPLATE["name"]
    assert value["message_template_id"] == int(created["id"])
    assert sim.send(send).status_code == 200
    duplicate = sim.graph("POST", f"/v25.0/{sim.waba_id}/message_templates", json=NEW_TEMPLATE)
    assert duplicate.json()["error"]["error_subcode"] == 2388024
    bad = sim.graph("POST", f"/v25.0/{sim.waba_id}/message_templates", json={**NEW_TEMPLATE, "name": "Bad Name"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == 100


def test_it_seeds_templates_directly_and_honours_their_status(simulator):
    paused = {**NEW_TEMPLATE, "name": "dijeda_v1", "status": "PAUSED"}
    response = simulator.http.post("/_sim/templates", json=[NEW_TEMPLATE, paused])
    assert [t["status"] for t in response.json()["data"]] == ["APPROVED", "PAUSED"]
    send = template_payload()
    send["template"] = {
        "name": "dijeda_v1",
        "language": {"code": "id"},
        "components": [{"type": "body", "parameters": [{"type": "text", "text": v} for v in ("a", "b", "c")]}],
    }
    assert simulator.send(send).json()["error"]["code"] == 132015
    assert simulator.http.post("/_sim/templates", json={"name": "x"}).status_code == 400


def test_it_stores_uploaded_media_and_serves_it_with_the_token(simulator):
    files = {"file": ("surat.pdf", b"%PDF-1.4 test", "application/pdf")}
    response = simulator.http.post(
        f"/v25.0/{simulator.phone_number_id}/media",
        data={"messaging_product": "whatsapp", "type": "application/pdf"},
        files=files,
        headers={"Authorization": f"Bearer {simulator.access_token}"},
    )
    media_id = response.json()["id"]
    info = simulator.graph("GET", f"/v25.0/{media_id}").json()
    assert info["mime_type"] == "application/pdf" and info["file_size"] == len(b"%PDF-1.4 test")
    path = info["url"].split(str(simulator.port), 1)[1]
    assert simulator.http.get(path).status_code == 401
    assert simulator.graph("GET", path).content == b"%PDF-1.4 test"
    simulator.inbound(from_="6281234567890", text="Kirim suratnya")
    doc = {
        "messaging_product": "whatsapp",
        "to": "6281234567890",
        "type": "document",
        "document": {"id": media_id, "filename": "surat.pdf"},
    }
    assert simulator.send(doc).status_code == 200
    assert simulator.send({**doc, "document": {"id": "999"}}).json()["error"]["code"] == 100
    assert simulator.graph("DELETE", f"/v25.0/{media_id}").json() == {"success": True}


def test_it_runs_the_verification_handshake_against_our_endpoint(simulator, webhook_receiver):
    simulator.configure(webhook_url=webhook_receiver.url)
    assert simulator.http.post("/_sim/handshake", json={}).json()["ok"] is True
    result = simulator.http.post("/_sim/handshake", json={"verify_token": "wrong"}).json()
    assert result["ok"] is False and result["status"] == 403


def test_it_reports_stats_and_recent_webhooks(sim):
    sim.send(template_payload())
    sim.send(template_payload(), token="bad")
    sim.wait_for(lambda: sim.stats()["webhooks"]["sent"] == 3)
    stats = sim.stats()
    assert stats["accepted"] == 1 and stats["rejected"] == {"190": 1} and stats["rejected_total"] == 1
    log = sim.http.get("/_sim/webhooks").json()["webhooks"]
    assert [w["kind"] for w in log] == ["status:sent", "status:delivered", "status:read"]
    assert json.dumps(stats)  # plain JSON
