import pytest
from django.utils import translation

from triplec.offices.models import Office


@pytest.fixture
def office(db) -> Office:
    return Office.objects.create(code="922", name="KPP Pratama Kupang")


@pytest.fixture
def write(tmp_path):
    """write("name.csv", text_or_bytes) -> path of a file in a per-test folder."""

    def _write(name: str, content: str | bytes, encoding: str = "utf-8"):
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return _write


@pytest.fixture(autouse=True)
def english():
    """The report's phrases are checked in English here (the code's language); test_report_language.py checks
    them in Indonesian."""
    with translation.override("en"):
        yield
