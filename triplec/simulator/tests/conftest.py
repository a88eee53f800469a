from typing import Any

import pytest

from triplec.simulator.testing import BILLING_VALUES, template_send

PNID = "922000000000001"


def template_payload(to: str = "6281234567890", callback: str | None = None, **overrides: Any) -> dict[str, Any]:
    """A valid send of the seeded billing-code template (text header, 5 positional body parameters), with the
    optional fields our client sends too."""
    payload = template_send(
        "kode_billing_v1", BILLING_VALUES, to=to, header={"type": "text", "text": "PPh Pasal 25"}, callback=callback
    )
    payload["recipient_type"] = "individual"
    payload["template"]["language"]["policy"] = "deterministic"
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
