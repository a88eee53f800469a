"""`make test-shifted` (scripts/shifted-clock): every process reads the real time plus the same shift, however long
it took to read its clock the first time (a server importing Django takes seconds)."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

SHIFTED_CLOCK = Path(settings.BASE_DIR) / "scripts" / "shifted-clock"
# A process that reads its clock for the first time a while after it started, as a server does after its
# imports: how far its clock is from the real time plus the shift, in seconds (the real time comes from
# time-machine's escape hatch, which reads the system clock).
LATE_READER = """
import time, time_machine
start = time_machine.escape_hatch.time.time()
while time_machine.escape_hatch.time.time() - start < 1.5:
    pass
print(time.time() - time_machine.escape_hatch.time.time() - {shift})
"""


def test_it_shifts_every_process_by_the_same_amount_however_late_it_first_reads_the_clock():
    days = 400
    env = {**os.environ, "PYTHONPATH": str(SHIFTED_CLOCK), "TRIPLEC_TEST_SHIFT_DAYS": str(days)}
    shift = dt.timedelta(days=days).total_seconds()
    out = subprocess.run(
        [sys.executable, "-c", LATE_READER.format(shift=shift)], env=env, capture_output=True, text=True, check=True
    )
    assert abs(float(out.stdout)) < 0.5, out.stdout  # before the fix: 1.5 s behind
