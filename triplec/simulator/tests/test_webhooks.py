"""Webhooks from the running simulator to a local receiver: signatures, statuses, retries and injected faults."""

import hashlib
import hmac
import json
import re

from triplec.simulator.testing import WebhookReceiver
from triplec.simulator.tests.conftest import template_payload


def send_ok(sim, **kwargs) -> str:
    response = sim.send(template_payload(**kwargs))
    assert response.status_code == 200, response.text
    return response.json()["messages"][0]["id"]


def test_it_matches_the_signature_vector_of_the_contract():
    body = b'{"object":"whatsapp_business_account","entry":[]}'
    digest = hmac.new(b"app_secret", body, hashlib.sha256).hexdigest()
    assert f"sha256={digest}" == "sha256=c236c758c9b2bd40b388a550eeca09eaca72384dd0aa5e7c31d19cddac5bba46"
    request = {"body": body, "headers": {"X-Hub-Signature-256": f"sha256={digest}"}}
    assert WebhookReceiver.signature_ok(request, "app_secret")
    assert not WebhookReceiver.signature_ok(request, "another_secret")


def test_it_signs_every_webhook_with_the_app_secret(sim):
    sim.configure(app_secret="app_secret")
    wamid = send_ok(sim)
    sim.wait_for(lambda: len(sim.receiver.statuses_of(wamid)) == 3)
    for request in sim.receiver.requests:
        assert WebhookReceiver.signature_ok(request, "app_secret")
        assert not WebhookReceiver.signature_ok(request, "demo-app-secret")


def test_it_reports_sent_delivered_read_in_metas_shape(sim):
    wamid = send_ok(sim, callback="outbox-42")
    # Separate POSTs may overtake each other on a busy machine (Meta does not promise order either).
    assert sim.wait_for(lambda: sorted(sim.receiver.statuses_of(wamid)) == ["delivered", "read", "sent"])
    sim.receiver.requests.sort(
        key=lambda r: ["sent", "delivered", "read"].index(
            json.loads(r["body"])["entry"][0]["changes"][0]["value"]["statuses"][0]["status"]
        )
    )
    payload = sim.receiver.payloads()[0]
    assert payload["object"] == "whatsapp_business_account"
    entry = payload["entry"][0]
    assert entry["id"] == sim.waba_id
    change = entry["changes"][0]
    assert change["field"] == "messages"
    value = change["value"]
    assert value["metadata"] == {"display_phone_number": "62380821123", "phone_number_id": sim.phone_number_id}
    status = value["statuses"][0]
    assert status["id"] == wamid and status["recipient_id"] == "6281234567890"
    assert status["biz_opaque_callback_data"] == "outbox-42"
    assert status["pricing"] == {"billable": True, "pricing_model": "PMP", "type": "regular", "category": "utility"}
    assert status["timestamp"].isdigit()
    stored = sim.by_callback("outbox-42")[0]
    assert [s["status"] for s in stored["statuses"]] == ["sent", "delivered", "read"]


def test_it_leaves_messages_unread_until_the_phone_opens_them_when_auto_read_is_off(sim):
    sim.configure(auto_read=False)
    wamid = send_ok(sim)
    sim.wait_for(lambda: sorted(sim.receiver.statuses_of(wamid)) == ["delivered", "sent"])
    assert sim.messages()[0]["status"] == "delivered"
    sim.http.post("/phone/api/chat/6281234567890/read")
    sim.wait_for(lambda: sorted(sim.receiver.statuses_of(wamid)) == ["delivered", "read", "sent"])


def test_it_retries_refused_webhooks_with_exponential_backoff(sim):
    sim.configure(webhook_retry={"max_attempts": 5, "base_ms": 100})
    sim.receiver.statuses = [500, 503, 403]
    result = sim.inbound(from_="6281234567890", name="Budi", text="Saya mau bayar")
    assert result["webhook_status"] == 500
    sim.wait_for(lambda: len(sim.receiver.requests) == 4, timeout=5)
    times = [r["at"] for r in sim.receiver.requests]
    gaps = [b - a for a, b in zip(times, times[1:])]
    # 100 ms, 200 ms, 400 ms: each wait at least the planned backoff (a busy machine only adds to it).
    assert gaps[0] >= 0.09 and gaps[1] >= 0.19 and gaps[2] >= 0.39
    bodies = {r["body"] for r in sim.receiver.requests}
    assert len(bodies) == 1  # the very same payload, re-signed identically
    [message] = sim.receiver.inbound_messages()
    assert message["text"] == {"body": "Saya mau bayar"}
    stats = sim.stats()["webhooks"]
    assert stats["failed"] == 3 and stats["retried"] == 3 and stats["sent"] == 1


def test_it_gives_up_after_the_last_attempt(sim):
    sim.configure(webhook_retry={"max_attempts": 2, "base_ms": 20})
    sim.receiver.default_status = 500
    sim.inbound(from_="6281234567890", text="Halo")
    sim.wait_for(lambda: sim.stats()["webhooks"]["dropped"] == 1)
    assert len(sim.receiver.requests) == 2


def test_it_holds_webhooks_while_our_endpoint_is_down_and_delivers_them_later(sim):
    sim.configure(faults={"webhook_down": True}, webhook_retry={"max_attempts": 20, "base_ms": 20, "max_ms": 100})
    wamid = send_ok(sim)
    sim.wait_for(lambda: sim.stats()["webhooks"]["failed"] >= 6)
    assert sim.receiver.requests == []
    sim.configure(faults={"webhook_down": False})
    sim.wait_for(lambda: sorted(sim.receiver.statuses_of(wamid)) == ["delivered", "read", "sent"])


def test_it_retries_when_our_endpoint_is_unreachable(simulator):
    receiver = WebhookReceiver()
    url = receiver.url
    receiver.stop()  # nothing listens on that port any more
    simulator.configure(webhook_url=url, webhook_retry={"max_attempts": 3, "base_ms": 20})
    assert simulator.inbound(from_="6281234567890", text="Halo")["webhook_status"] is None
    simulator.wait_for(lambda: simulator.stats()["webhooks"]["dropped"] == 1)
    assert simulator.stats()["webhooks"]["retried"] == 2


def test_it_delivers_inbound_messages_signed_with_contacts_and_context(sim):
    template_wamid = send_ok(sim)
    result = sim.inbound(
        from_="6281234567890",
        name="Budi Santoso",
        button={"payload": "KODE_BILLING:1", "text": "Minta kode billing"},
        context_id=template_wamid,
    )
    assert result["webhook_status"] == 200 and result["wamid"].startswith("wamid.")
    sim.inbound(from_="6281234567890", interactive={"type": "list_reply", "id": "doc-1", "title": "STP 00123"})
    sim.inbound(from_="6281234567890", user_id="ID.99887766", text="Halo")
    sim.inbound(user_id="ID.55501", username="budi.kupang", name="Budi", text="Halo juga")
    messages = sim.wait_for(lambda: len(sim.receiver.inbound_messages()) == 4 and sim.receiver.inbound_messages())
    button, listed, text, username = messages
    assert button["type"] == "button" and button["button"] == {
        "payload": "KODE_BILLING:1",
        "text": "Minta kode billing",
    }
    assert button["context"] == {"from": "62380821123", "id": template_wamid}
    assert listed["interactive"] == {"type": "list_reply", "list_reply": {"id": "doc-1", "title": "STP 00123"}}
    # Every message names the BSUID in `from_user_id`; `from` is the phone only when it may be shared.
    assert button["from"] == "6281234567890" and re.fullmatch(r"ID\.\d{20}", button["from_user_id"])
    assert text["from"] == "6281234567890" and text["from_user_id"] == "ID.99887766"
    assert "from" not in username and username["from_user_id"] == "ID.55501"
    contacts = [
        p["entry"][0]["changes"][0]["value"].get("contacts")
        for p in sim.receiver.payloads()
        if "messages" in p["entry"][0]["changes"][0]["value"]
    ]
    assert contacts[0] == [
        {"profile": {"name": "Budi Santoso"}, "wa_id": "6281234567890", "user_id": button["from_user_id"]}
    ]
    assert contacts[2] == [{"profile": {"name": "Budi Santoso"}, "wa_id": "6281234567890", "user_id": "ID.99887766"}]
    assert contacts[3] == [{"profile": {"name": "Budi", "username": "budi.kupang"}, "user_id": "ID.55501"}]
    assert all(WebhookReceiver.signature_ok(r, sim.app_secret) for r in sim.receiver.requests)


def test_it_rejects_bad_inbound_requests(simulator):
    for payload in (
        {"text": "tanpa nomor"},
        {"from": "6281234567890"},
        {"from": "12", "text": "x"},
        {"from": "6281234567890", "button": {"payload": "x"}},
    ):
        response = simulator.http.post("/_sim/inbound", json=payload)
        assert response.status_code == 400 and response.json()["error"]


def test_it_injects_duplicates_reordering_and_skipped_delivered(sim):
    sim.configure(faults={"duplicate_webhook": 1.0})
    wamid = send_ok(sim)
    sim.wait_for(lambda: len(sim.receiver.statuses_of(wamid)) == 6)
    assert sorted(sim.receiver.statuses_of(wamid)) == ["delivered"] * 2 + ["read"] * 2 + ["sent"] * 2

    # Wide gaps, so that the order the receiver sees is the order the simulator chose, even on a busy machine.
    sim.configure(
        faults={"duplicate_webhook": 0.0, "reorder_statuses": 1.0},
        delays_ms={"sent": 10, "delivered": 300, "read": 300},
    )
    wamid = send_ok(sim, to="6281300000001")
    sim.wait_for(lambda: len(sim.receiver.statuses_of(wamid)) == 3, timeout=8)
    assert sim.receiver.statuses_of(wamid) == ["sent", "read", "delivered"]

    sim.configure(faults={"reorder_statuses": 0.0, "skip_delivered": 1.0})
    wamid = send_ok(sim, to="6281300000002")
    sim.wait_for(lambda: sim.receiver.statuses_of(wamid) == ["sent", "read"], timeout=8)
    assert [s["status"] for s in sim.messages(to="6281300000002")[0]["statuses"]] == ["sent", "read"]


def test_it_injects_http_500_429_and_timeouts(simulator):
    simulator.configure(faults={"http_500": 1.0})
    response = simulator.send(template_payload())
    assert response.status_code == 500 and response.json()["error"]["is_transient"] is True
    simulator.configure(faults={"http_500": 0.0, "http_429": 1.0})
    assert simulator.send(template_payload()).status_code == 429
    assert simulator.messages() == []
    simulator.configure(faults={"http_429": 0.0, "timeout": 1.0, "timeout_seconds": 0.3, "timeout_accept": 1.0})
    import httpx

    try:
        simulator.http.post(
            f"/v25.0/{simulator.phone_number_id}/messages",
            json=template_payload(callback="t1"),
            headers={"Authorization": f"Bearer {simulator.access_token}"},
            timeout=0.1,
        )
        raise AssertionError("the request should have timed out")
    except httpx.TimeoutException:
        pass
    # The client gave up, yet the message was accepted: by-callback tells the dispatcher so.
    assert len(simulator.by_callback("t1")) == 1
    stats = simulator.stats()["faults"]
    assert stats == {"http_500": 1, "http_429": 1, "timeout": 1, "timeout_accepted": 1}


def test_it_repeats_the_same_faults_for_the_same_seed(simulator):
    def run(seed: int) -> list:
        simulator.reset()
        simulator.configure(
            seed=seed,
            per_number_mps=None,
            pair_limit=None,
            faults={
                "http_500": 0.2,
                "http_429": 0.1,
                "duplicate_webhook": 0.3,
                "reorder_statuses": 0.3,
                "skip_delivered": 0.2,
            },
        )
        codes = [simulator.send(template_payload(to=f"6281400{i:06d}")).status_code for i in range(60)]
        return codes + [m["faults"] for m in simulator.messages()]

    first, second, other = run(7), run(7), run(8)
    assert first == second
    assert first != other
    assert 500 in first[:60] and 429 in first[:60] and 200 in first[:60]


def test_it_answers_the_callback_lookup_for_a_crashed_dispatcher(simulator):
    assert simulator.http.get("/_sim/messages/by-callback/never-sent").status_code == 404
    assert simulator.by_callback("never-sent") == []
    simulator.configure(pair_limit=None)
    simulator.send(template_payload(callback="dup-me"))
    simulator.send(template_payload(callback="dup-me"))
    simulator.send(template_payload(callback="other"))
    response = simulator.http.get("/_sim/messages/by-callback/dup-me")
    assert response.status_code == 200
    assert len(response.json()["messages"]) == 2  # more than one means a duplicate
    assert [m["biz_opaque_callback_data"] for m in simulator.messages(callback="other")] == ["other"]
    assert [m["seq"] for m in simulator.messages(since=1)] == [2, 3]


def test_a_new_receiver_on_a_used_port_gets_the_webhooks_sent_after_it_started(sim):
    """The simulator pools its connections; a receiver that took over a stopped one's port must still be reached."""
    first = sim.receiver
    send_ok(sim)
    sim.wait_for(lambda: len(first.requests) == 3)
    first.stop()
    second = WebhookReceiver(port=int(first.base_url.rsplit(":", 1)[1]))
    try:
        sim.receiver = second
        wamid = send_ok(sim)
        sim.wait_for(lambda: sorted(second.statuses_of(wamid)) == ["delivered", "read", "sent"])
    finally:
        second.stop()
