import json
import os
import sqlite3
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from bench import registry
from bench.command import Command


def test_bench_list_names_every_registered_benchmark(capsys):
    call_command(Command(), "list")
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith("import "))
    assert "sqlite3.executemany" in line and "default size 100,000" in line


def test_bench_run_refuses_an_unknown_benchmark():
    with pytest.raises(CommandError, match="no benchmark 'nope'"):
        call_command(Command(), "run", "nope")


def test_register_wants_a_module_and_function():
    with pytest.raises(ValueError):
        registry.register("x", "bench.import_bench", 1, "no colon")
    assert registry.get("import").load().__name__ == "run"


@pytest.mark.slow
def test_bench_run_import_prints_one_json_line_from_a_throwaway_database(tmp_path):
    triplec = os.path.join(os.path.dirname(sys.executable), "triplec")
    env = {**os.environ, "TRIPLEC_DATA_DIR": str(tmp_path)}  # nothing of the user's data folder is touched
    done = subprocess.run(
        [triplec, "bench", "run", "import", "--size", "300"], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1
    line = json.loads(lines[0])
    assert line["name"] == "import" and line["size"] == 300
    for name in registry.REQUIRED_FIELDS:
        assert name in line
    assert line["rate"] > 0 and line["baseline_rate"] > 0
    assert line["ratio"] == pytest.approx(line["rate"] / line["baseline_rate"], rel=0.01)
    user_db = tmp_path / "triplec.sqlite3"
    if user_db.exists():  # the user's database (here: an empty one) received no tables or rows
        with sqlite3.connect(user_db) as db:
            assert db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone() == (0,)
    assert not list(tmp_path.glob("*bench*"))
