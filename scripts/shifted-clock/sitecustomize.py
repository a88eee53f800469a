"""Shift this Python process's clock by TRIPLEC_TEST_SHIFT_DAYS days, ticking, from interpreter start.

`make test-shifted` puts this folder on PYTHONPATH, so the test process and every server it starts (the live
server's threads, the simulator, granian's workers) see the same shifted clock: the suite must pass on any date.
The browser and the databases keep the real clock; nothing may depend on theirs."""

import datetime as _dt
import os as _os

_days = int(_os.environ.get("TRIPLEC_TEST_SHIFT_DAYS") or 0)
if _days:
    import time_machine as _time_machine

    _time_machine.travel(_dt.datetime.now(_dt.UTC) + _dt.timedelta(days=_days), tick=True).start()
