"""The fault test: injected HTTP 500s, timeouts, duplicate and reordered webhooks, and a dispatcher subprocess
killed with SIGKILL twice. Reduced size here; `triplec bench run faults` runs the full 2,000."""

import pytest

from bench.faults import run_fault_scenario
from triplec.messaging.registry import templates_sync

from .factories import make_channel


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_it_sends_every_message_exactly_once_through_faults_and_two_kills(simulator, live_server):
    simulator.configure(webhook_url=f"{live_server.url}/whatsapp/webhook")
    channel = make_channel(base_url=simulator.base_url)
    templates_sync(channel=channel)
    result = run_fault_scenario(channel=channel, sim_base_url=simulator.base_url, size=300, rate=100)
    assert result["kills"] == 2
    assert (result["received_once"], result["duplicates"], result["missing"], result["failed"]) == (300, 0, 0, 0)
    assert result["faults"]["http_500"] > 0 and result["faults"]["timeout"] > 0
