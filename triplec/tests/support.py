"""Small factories for tests and benchmarks across apps: named offices, users with roles, taxpayers with valid NPWPs,
their documents, Surat Teguran and billing codes, the office's WhatsApp channel."""

import datetime as dt
import itertools
import mimetypes
import os
import subprocess
import sys

import httpx
from django.contrib.auth.models import Group
from django.contrib.staticfiles import finders
from django.db import connection
from django.utils import timezone
from stdnum import luhn

from triplec.accounts.models import User
from triplec.accounts.roles import Role
from triplec.billing.models import BillingCode
from triplec.core.processes import free_port, stop_process_group, wait_until  # noqa: F401 (re-exported)
from triplec.ledger.models import DebtDocument, DocumentType, SuratTeguran
from triplec.ledger.payments import PaymentRow
from triplec.messaging.models import Channel
from triplec.offices.models import Office
from triplec.taxpayers.models import Taxpayer

_serial = itertools.count(1)


def make_office(code: str = "922", name: str = "KPP Pratama Kupang") -> Office:
    office, _ = Office.objects.get_or_create(code=code, defaults={"name": name})
    return office


def make_channel(base_url: str = "http://127.0.0.1:9", provider: str = "simulator", **fields) -> Channel:
    """Office 922's WhatsApp channel (the simulator's phone number id), unless fields say otherwise."""
    office = fields.pop("office", None) or make_office()
    return Channel.objects.create(
        office=office,
        phone_number_id=fields.pop("phone_number_id", "922000000000001"),
        display_number="+62 380 821123",
        waba_id=fields.pop("waba_id", "922000000000002"),
        base_url=base_url,
        provider=provider,
        **fields,
    )


def make_user(username: str, *roles: str, office: Office | None = None, password: str = "demo12345") -> User:
    user = User.objects.create_user(username=username, password=password, office=office, full_name=username.title())
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    if Role.ADMINISTRATOR in roles:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user


def valid_npwp15(serial: int | None = None, kpp: str = "922") -> str:
    """A legacy NPWP with a correct check digit: type 01, a serial, Luhn digit, KPP code, head office."""
    body = f"01{(serial or next(_serial)) % 10**6:06d}"
    return body + luhn.calc_check_digit(body) + kpp + "000"


def make_taxpayer(office: Office, name: str = "Budi Santoso", **fields) -> Taxpayer:
    npwp15 = fields.pop("npwp15", None) or valid_npwp15()
    return Taxpayer.objects.create(office=office, name=name, npwp15=npwp15, npwp16="0" + npwp15, **fields)


def make_document(taxpayer: Taxpayer, number: str | None = None, amount: int = 1_500_000, **fields) -> DebtDocument:
    document = new_document(taxpayer, number, amount, **fields)
    document.save(force_insert=True)
    return document


def new_document(taxpayer: Taxpayer, number: str | None = None, amount: int = 1_500_000, **fields) -> DebtDocument:
    """An open STP of the taxpayer, not saved yet (for `bulk_create`); `fields` replace the defaults."""
    issue = fields.pop("issue_date", dt.date(2026, 9, 1))
    defaults = dict(
        document_type=DocumentType.STP,
        kap="411125",
        kjs="300",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        tax_year=2025,
        principal=amount,
        sanctions=0,
        due_date=DebtDocument.default_due_date(issue),
    )
    defaults.update(fields)
    return DebtDocument(
        office=taxpayer.office,
        taxpayer=taxpayer,
        number=number or f"00{next(_serial):03d}/101/25/922/26",
        issue_date=issue,
        amount_due=defaults.pop("amount_due", amount),
        **defaults,
    )


def make_teguran(
    taxpayer: Taxpayer, *documents: DebtDocument, number: str = "ST-1", issue_date: dt.date, delivered_date=None
) -> SuratTeguran:
    """A Surat Teguran of the taxpayer's office covering `documents`."""
    letter = SuratTeguran.objects.create(
        office=taxpayer.office,
        taxpayer=taxpayer,
        number=number,
        issue_date=issue_date,
        delivered_date=delivered_date,
    )
    letter.documents.add(*documents)
    return letter


def make_billing_code(
    taxpayer: Taxpayer, amount: int, *, items_key: str = "k", issued_at: dt.datetime | None = None
) -> BillingCode:
    """A billing code of the taxpayer (the simulated gateway's), valid for a week from `issued_at` (now)."""
    issued_at = issued_at or timezone.now()
    return BillingCode.objects.create(
        code="123456789012345",
        office=taxpayer.office,
        taxpayer=taxpayer,
        amount=amount,
        issued_at=issued_at,
        expires_at=issued_at + dt.timedelta(days=7),
        items_key=items_key,
        gateway="simulated",
    )


PAID_AT = dt.datetime(2026, 11, 20, 2, 30, tzinfo=dt.UTC)  # when a `payment_row` was paid, unless it says


def payment_row(taxpayer: Taxpayer | None = None, **fields) -> PaymentRow:
    """A payment as the bank's (MPN) data gives it, of `taxpayer`, with a fresh NTPN; `fields` say what it pays (a
    billing code, a document number, a KAP and period) and replace any other value."""
    values = dict(
        ntpn=f"A1B2C3D4E5{next(_serial) % 10**6:06d}",
        billing_code="",
        npwp16=taxpayer.npwp16 if taxpayer else "",
        document_number="",
        kap="",
        kjs="",
        amount=1_500_000,
        paid_at=PAID_AT,
        bank="BANK NTT",
    )
    values.update(fields)
    return PaymentRow(**values)


def database_url_for_subprocess() -> str:
    """DATABASE_URL of the database this test runs on, for a server or worker started as a subprocess."""
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    user = s.get("USER") or "postgres"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


def start_server(
    interface: str,
    app: str,
    *,
    port: int | None = None,
    env: dict | None = None,
    workers: int = 1,
    extra_args: tuple[str, ...] = (),
):
    """Run our app under granian in a subprocess on the test database; returns (process, base_url)."""
    port = port or free_port()
    bin_dir = os.path.dirname(sys.executable)
    proc = subprocess.Popen(
        [
            os.path.join(bin_dir, "granian"),
            "--interface",
            interface,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            *extra_args,
            app,
        ],
        env={**os.environ, "DATABASE_URL": database_url_for_subprocess(), **(env or {})},
        start_new_session=True,  # its own process group, so stop_server reaches granian's workers too
    )
    base_url = f"http://127.0.0.1:{port}"
    wait_until(lambda: _answers(base_url), timeout=20, message=f"{app} did not start on {base_url}")
    return proc, base_url


def stop_server(proc) -> None:
    """Stop a server started by start_server, with all its worker processes, before the test DB goes away."""
    stop_process_group(proc, grace=1)


def _answers(base_url: str) -> bool:
    try:
        httpx.get(base_url + "/login/", timeout=1)
        return True
    except httpx.HTTPError:
        return False


def serve_static(route) -> None:
    """A Playwright route for `**/static/**`: our static files straight from the finders (the servers tests start
    have no collected copy to serve)."""
    path = route.request.url.split("/static/", 1)[1].split("?", 1)[0]
    found = finders.find(path)
    if not found:
        route.fulfill(status=404, body="")
        return
    with open(found, "rb") as fh:
        route.fulfill(status=200, body=fh.read(), content_type=mimetypes.guess_type(found)[0] or "text/plain")
