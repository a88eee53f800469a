import pytest

from triplec.offices.models import Office
from triplec.tests.support import make_office


@pytest.fixture
def office() -> Office:
    return make_office()
