"""The SQLite write lock queues writers of every process (web workers, the processing loop) in the kernel."""

import subprocess
import sys

import pytest
from django.db import connection

from triplec.core.writelock import lock_path, write_lock

TRY_LOCK = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
except BlockingIOError:
    sys.exit(3)
"""


@pytest.mark.django_db
def test_it_excludes_other_processes_while_held():
    if connection.vendor != "sqlite":
        with write_lock():  # PostgreSQL has row locks: nothing to queue on
            return
    path = lock_path(connection.settings_dict["NAME"])
    with write_lock():
        assert subprocess.run([sys.executable, "-c", TRY_LOCK, path]).returncode == 3
    assert subprocess.run([sys.executable, "-c", TRY_LOCK, path]).returncode == 0
