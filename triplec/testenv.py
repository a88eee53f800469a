"""Environment of the test run, set before Django reads its settings (a pytest plugin: `-p triplec.testenv`).

pytest-django loads the settings before any conftest.py is imported, so these defaults live in a plugin that
pytest loads first. They are taken out of os.environ again once the settings are read: servers and workers that
a test starts as subprocesses run with the settings an operator would get (background jobs queued, standard
hashing, which verifies the quick hashes too: PBKDF2 reads the iteration count from the hash).
"""

import os

from django.conf import settings

TEST_DEFAULTS = {
    "TRIPLEC_FAST_HASHING": "1",  # accounts/hashers.py: 1,000 PBKDF2 iterations instead of 1,000,000
    "HUEY_IMMEDIATE": "1",  # background tasks run in the calling thread
}

_added = [name for name in TEST_DEFAULTS if name not in os.environ]
for _name in _added:
    os.environ[_name] = TEST_DEFAULTS[_name]


def pytest_configure(config) -> None:
    """pytest-django has read the settings by now (in pytest_load_initial_conftests)."""
    if settings.configured:
        settings.INSTALLED_APPS  # noqa: B018 (make sure the settings module has been executed)
    for name in _added:
        os.environ.pop(name, None)
