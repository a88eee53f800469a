from typing import Any

import pytest

PNID = "922000000000001"


def template_payload(to: str = "6281234567890", callback: str | None = None, **overrides: Any) -> dict[str, Any]:
    """A valid send of the seeded billing-code template (text header, 5 positional body parameters)."""
    payload: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "template",
        "template": {
            "name": "kode_billing_v1",
            "language": {"policy": "deterministic", "code": "id"},
            "components": [
                {"type": "header", "parameters": [{"type": "text", "text": "PPh Pasal 25"}]},
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": v}
                        for v in (
                            "Budi Santoso",
                            "STP 00123/101/25/922/26",
                            "Rp1.500.000",
                            "123456789012345",
                            "15 Oktober 2026",
                        )
                    ],
                },
            ],
        },
    }
    if callback is not None:
        payload["biz_opaque_callback_data"] = callback
    payload.update(overrides)
    return payload


def text_payload(to: str = "6281234567890", body: str = "Halo, ada yang bisa kami bantu?", **extra: Any) -> dict:
    return {"messaging_product": "whatsapp", "to": to, "type": "text", "text": {"body": body}, **extra}


@pytest.fixture
def sim(simulator, webhook_receiver):
    """The simulator delivering its webhooks to a local receiver."""
    simulator.configure(webhook_url=webhook_receiver.url)
    simulator.receiver = webhook_receiver
    return simulator
