"""Wake-ups between processes (core.wake): a waiter blocks until another process notifies, on either database."""

import os
import subprocess
import sys

import pytest

from triplec.core import wake
from triplec.tests.support import database_url_for_subprocess

NOTIFY = (
    "import django, os, sys; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'triplec.settings'); "
    "django.setup(); from triplec.core.wake import notify; notify(sys.argv[1])"
)


def _notify_from_another_process(channel: str) -> None:
    subprocess.run(
        [sys.executable, "-c", NOTIFY, channel],
        check=True,
        timeout=60,
        env={**os.environ, "DATABASE_URL": database_url_for_subprocess()},
    )


@pytest.mark.django_db(transaction=True)
def test_it_wakes_a_waiter_when_another_process_notifies():
    waiter = wake.Waiter(wake.OUTBOX)
    try:
        assert waiter.start()
        waiter.wait(0)  # forget the wake-up that starting to listen gives (work queued before it)
        _notify_from_another_process(wake.OUTBOX)
        assert waiter.wait(30)
    finally:
        waiter.close()


@pytest.mark.django_db(transaction=True)
def test_it_does_not_wake_a_waiter_of_another_channel():
    waiter = wake.Waiter(wake.WEBHOOKS)
    try:
        assert waiter.start()
        waiter.wait(0)
        _notify_from_another_process(wake.OUTBOX)
        assert not waiter.wait(0.3)
    finally:
        waiter.close()


def test_it_wakes_at_once_from_the_same_process_without_listening():
    waiter = wake.Waiter(wake.OUTBOX, listen=False)
    waiter.set()
    assert waiter.wait(10)
    assert not waiter.wait(0)


def test_it_waits_longer_while_idle_and_short_again_after_work():
    backoff = wake.Backoff(minimum=0.05, maximum=2.0)
    assert [backoff.next() for _ in range(8)] == [0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 2.0, 2.0]
    backoff.reset()
    assert backoff.next() == 0.05
