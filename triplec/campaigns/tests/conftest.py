"""Fixtures of the campaign tests: an office in Kupang with staff, a section head, a WhatsApp channel with the
approved Surat Teguran template, and a builder of letters."""

import datetime as dt
import itertools
import zoneinfo

import pytest

from triplec.accounts.roles import Role
from triplec.ledger.models import SuratTeguran
from triplec.messaging.models import TemplateStatus
from triplec.taxpayers.models import Contact
from triplec.tests.support import make_channel, make_document, make_office, make_taxpayer, make_user

WITA = zoneinfo.ZoneInfo("Asia/Makassar")
# A Tuesday, 09:00 in Kupang: the office is open.
NOW = dt.datetime(2026, 10, 6, 9, 0, tzinfo=WITA)
_phones = itertools.count(10_000_001)


@pytest.fixture(autouse=True)
def clock(request, time_machine):
    """One clock per test: the process runs from NOW, so the letters' dates, the campaign's planning and the
    signed links' timestamps agree on any real date. Browser tests keep the real clock, which the browser shares."""
    if request.node.get_closest_marker("browser") is None:
        time_machine.move_to(NOW, tick=True)
    return time_machine


@pytest.fixture
def office(db):
    office = make_office()
    office.address = "Jl. El Tari No. 1, Kupang"
    office.save()
    return office


@pytest.fixture
def channel(office):
    return make_channel(office=office)


@pytest.fixture
def staff(office):
    return make_user("staf", Role.COLLECTION_STAFF, office=office)


@pytest.fixture
def head(office):
    return make_user("kasi", Role.SECTION_HEAD, office=office)


@pytest.fixture
def approved_templates(channel):
    from triplec.campaigns.services import campaign_template

    out = []
    for with_pdf in (True, False):
        t = campaign_template(channel=channel, with_pdf=with_pdf)
        t.status = TemplateStatus.APPROVED
        t.save()
        out.append(t)
    return out


def make_letter(
    office,
    *,
    name="Budi Santoso",
    issued=dt.date(2026, 10, 2),
    delivered=None,
    amounts=(1_500_000,),
    phone: str | None = "auto",
    contact_status="active",
    taxpayer=None,
    kap="411125",
    **doc_fields,
):
    taxpayer = taxpayer or make_taxpayer(office, name=name)
    if phone and not Contact.objects.filter(taxpayer=taxpayer).exists():
        number = f"+62812{next(_phones):08d}" if phone == "auto" else phone
        Contact.objects.create(taxpayer=taxpayer, phone=number, status=contact_status)
    letter = SuratTeguran.objects.create(
        office=office,
        taxpayer=taxpayer,
        number=f"ST-{SuratTeguran.objects.count() + 1:05d}/WPJ.21/KP.03/2026",
        issue_date=issued,
        delivered_date=delivered,
    )
    for amount in amounts:
        letter.documents.add(
            make_document(taxpayer, amount=amount, kap=kap, issue_date=dt.date(2026, 8, 3), **doc_fields)
        )
    return letter


@pytest.fixture
def letter_factory(office):
    return lambda **kw: make_letter(office, **kw)
