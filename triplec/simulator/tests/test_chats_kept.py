"""The phone keeps its chats across a restart of the simulator, as WhatsApp does: the 24-hour window a taxpayer
opened stays open (an officer's reply still goes), and the chat shows what it received before."""

import json

from triplec.simulator.config import DEFAULT_CONFIG, merge_config
from triplec.simulator.state import Simulator
from triplec.simulator.testing import SimulatorProcess, _django_whatsapp_settings
from triplec.simulator.tests.conftest import text_payload


def test_a_restart_keeps_the_window_and_the_chat(tmp_path):
    chats_file = tmp_path / "chats.json"
    first = SimulatorProcess(**_django_whatsapp_settings(), config={"chats_file": str(chats_file)})
    first.start()
    try:
        first.inbound(from_="6281234567890", name="Budi", text="Saya mau bicara dengan petugas")
        assert first.send(text_payload(body="Selamat siang, Pak Budi")).status_code == 200
    finally:
        first.stop()  # a graceful stop writes what changed in the last second
    assert json.loads(chats_file.read_text())["messages"]

    second = SimulatorProcess(**_django_whatsapp_settings(), config={"chats_file": str(chats_file)})
    second.start()
    try:
        response = second.send(text_payload(body="Kode billing Bapak sudah kami kirim"))
        assert response.status_code == 200, response.text  # the window the taxpayer opened is still open
        bodies = [m["body"].get("text", {}).get("body") for m in second.messages()]
        assert bodies == ["Selamat siang, Pak Budi", "Kode billing Bapak sudah kami kirim"]
        wamids = [m["wamid"] for m in second.messages()]
        assert len(set(wamids)) == 2
    finally:
        second.stop()


def test_a_damaged_chats_file_starts_empty_chats_instead_of_failing(tmp_path):
    chats_file = tmp_path / "chats.json"
    chats_file.write_text("{not json")
    sim = Simulator(merge_config(DEFAULT_CONFIG, {"chats_file": str(chats_file)}))
    assert sim.users == {} and sim.messages == []
