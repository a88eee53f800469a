from django.core.management import call_command

# The UI is checked in Indonesian: the catalogues must be compiled before Django first loads them.
call_command("compile_translations", verbosity=0)

import pytest


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    }
