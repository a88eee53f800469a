"""Shift this Python process's clock by TRIPLEC_TEST_SHIFT_DAYS days, ticking, from interpreter start.

`make test-shifted` puts this folder on PYTHONPATH, so the test process and every server it starts (the live
server's threads, the simulator, granian's workers) see the same shifted clock: the suite must pass on any date.
The browser and the databases keep the real clock; nothing may depend on theirs.

time-machine starts a ticking clock at its first reading, not when the travel starts: a process whose first
reading came seconds after start-up (a server importing Django) ran that many seconds behind the others, and a
message one process queued "now" waited that long in another's future. The clock is read once here, so every
process reads the real time plus the shift."""

import datetime as _dt
import os as _os
import time as _time

_days = int(_os.environ.get("TRIPLEC_TEST_SHIFT_DAYS") or 0)
if _days:
    import time_machine as _time_machine

    _time_machine.travel(_dt.datetime.now(_dt.UTC) + _dt.timedelta(days=_days), tick=True).start()
    _time.time()  # the first reading: the clock ticks from here, as the destination was computed just before
