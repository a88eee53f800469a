"""`triplec bot classify` and `triplec bot evaluate`."""

import io
import json

import pytest
from django.core.management import CommandError, call_command


def test_it_classifies_stdin_to_one_json_line_per_message() -> None:
    out = io.StringIO()
    call_command(
        "bot",
        "classify",
        stdin=io.StringIO("sy blm bayar, minta kode billing\n\nsonde mau dapat pesan lagi\n"),
        stdout=out,
    )
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(r["text"], r["intent"]) for r in rows] == [
        ("sy blm bayar, minta kode billing", "kode_billing"),
        ("sonde mau dapat pesan lagi", "berhenti"),
    ]
    assert set(rows[0]) == {"text", "intent", "confidence"}
    assert 0 < rows[0]["confidence"] <= 1


def test_it_explains_on_request() -> None:
    out = io.StringIO()
    call_command("bot", "classify", "--explain", stdin=io.StringIO("ntpn 8f2a-3c91-b7d4-0e65 sdh bayar\n"), stdout=out)
    row = json.loads(out.getvalue())
    assert row["ntpn"] == "8F2A3C91B7D40E65"
    assert "sudah_bayar:ntpn" in row["matched"]


def test_it_evaluates_per_intent_with_confusions(tmp_path) -> None:
    labelled = tmp_path / "set.tsv"
    labelled.write_text("text\tintent\nhalo\tsalam\nstop\tberhenti\nstop dulu\tmulai\n", encoding="utf-8")
    out = io.StringIO()
    call_command("bot", "evaluate", "--file", str(labelled), "--errors", stdout=out)
    text = out.getvalue()
    assert "2/3 correct" in text
    assert "mulai -> berhenti: 1" in text
    assert "[mulai -> berhenti 0.97] stop dulu" in text
    assert "misses at confidence >= 0.9: 1" in text and "0.9-1.00" in text
    rows = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    summary = next(row for row in rows if row["kind"] == "summary")
    assert summary["set"] == "set.tsv" and summary["total"] == 3 and summary["correct"] == 2
    assert summary["misses_at_0.9"] == 1 and summary["calibrated"] is False
    assert {"kind": "confusion", "set": "set.tsv", "expected": "mulai", "got": "berhenti", "count": 1} in rows
    assert [row["band"] for row in rows if row["kind"] == "band"][0] == "0.9-1.00"
    assert {row["intent"] for row in rows if row["kind"] == "intent"} >= {"salam", "berhenti", "mulai"}


def test_it_prints_a_calibration_table_per_band_and_maps_the_blind_intent_names(tmp_path) -> None:
    blind = tmp_path / "blind.csv"
    blind.write_text(
        "text,intent,register\nhalo kak,sapaan,santai\nrincian tagihan saya dong,detail,santai\n"
        '"ada yg ngaku petugas pajak, minta pulsa",lapor_penipuan,kupang\n',
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("bot", "calibration", str(blind), stdout=out)
    text = out.getvalue()
    assert "blind.csv: 3/3 correct" in text
    assert "band" in text and "stated" in text and "accuracy" in text
    assert "misses at confidence >= 0.9: 0" in text


def test_it_fails_clearly_on_a_malformed_file(tmp_path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("halo\tsalam\nhalo\tgreeting\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"bad.tsv:2: unknown intent 'greeting'"):
        call_command("bot", "evaluate", "--file", str(bad), stdout=io.StringIO())
    with pytest.raises(CommandError, match="not found"):
        call_command("bot", "evaluate", "--file", str(tmp_path / "missing.tsv"), stdout=io.StringIO())


def test_it_fails_below_the_minimum_accuracy(tmp_path) -> None:
    labelled = tmp_path / "set.tsv"
    labelled.write_text("halo\tberhenti\n", encoding="utf-8")
    with pytest.raises(CommandError, match="below"):
        call_command("bot", "evaluate", "--file", str(labelled), "--min-accuracy", "0.95", stdout=io.StringIO())
