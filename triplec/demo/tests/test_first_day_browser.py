"""An office's first day, from the console alone: a database `triplec demo` has just built, every process of the
demo running as `triplec demo` runs them, and from then on only Chromium: the console as each role, and the
taxpayer on the simulator's phone page. No ORM write after the demo build (the test reads the database to pick
the phone it watches, to type what the taxpayer knows, and to check the outcome).

1. staf creates a criterion (a) campaign and submits it;
2. kasi approves and starts it;
3. the messages reach the phones, each with its PDF letter;
4. the taxpayer asks for the details, answers the identity question (when the number's verification is old, as
   the demo has it on most days), gets them, and asks for an officer;
5. petugas1 answers in the inbox and sends a billing code; both reach the phone;
6. staf imports the bank's payment file for that billing code;
7. the receipt reaches the phone.

Any hour, any day: the section head opens the office around the clock in the console (and the administrator
removes a national holiday falling today), as an office that wants its first messages out at once would. Every
process runs on the same clock (`make test-shifted` shifts them all). Screenshots of each step go to the test's
tmp_path, and to docs/figures/first-day/ when TRIPLEC_SCREENSHOTS=1.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import string
import threading
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import formats, timezone, translation
from playwright.sync_api import expect

from triplec.billing.models import BillingCode
from triplec.campaigns.models import Campaign, Target, TargetStatus
from triplec.conversations.identity import NO_CHALLENGE, challenge_kind, needs_challenge
from triplec.core.processes import Supervisor, free_port, port_holder, wait_until
from triplec.demo.management.commands.demo import processes
from triplec.demo.services import DEMO_PASSWORD, demo_build
from triplec.ledger.models import Payment
from triplec.messaging.models import Template, TemplateStatus
from triplec.offices.models import Holiday
from triplec.taxpayers.models import Contact
from triplec.tests.support import database_url_for_subprocess, serve_static

TAXPAYERS = 200  # 6-12 new Surat Teguran on any day, at least one to a verified number of one taxpayer
SEED = 922
FIGURES = Path(settings.BASE_DIR) / "docs" / "figures" / "first-day"
# A message queued in the one closed minute (23.59-00.00 WITA) goes at midnight: every wait allows for it.
WAIT_MS = 75_000


@dataclass
class Demo:
    url: str  # the console
    hooks_url: str  # WhatsApp's webhooks
    phone_url: str  # the simulator, with the taxpayer's phone at /phone/


# Meta's subscription handshake: the webhook process answers it once it is up.
HANDSHAKE = {"hub.mode": "subscribe", "hub.verify_token": settings.WHATSAPP_VERIFY_TOKEN, "hub.challenge": "siap"}


def _ports() -> tuple[int, int]:
    """A web port whose webhook port (+10) is free too, and the simulator's."""
    while True:
        web = free_port()
        if web + 10 < 65536 and port_holder(web + 10) is None:
            return web, free_port()


def _answers(demo: Demo) -> bool:
    try:
        web = httpx.get(f"{demo.url}/login/", timeout=2).status_code == 200
        hooks = httpx.get(demo.hooks_url, params=HANDSHAKE, timeout=2).text == HANDSHAKE["hub.challenge"]
        sim = httpx.get(f"{demo.phone_url}/_sim/health", timeout=2).json().get("ok")
        return web and hooks and bool(sim)
    except (httpx.HTTPError, ValueError):
        return False


@pytest.fixture
def demo(transactional_db, tmp_path):
    """`triplec demo` on the test database: its data build, then its processes under its supervisor."""
    demo_build(taxpayers=TAXPAYERS, seed=SEED)
    web, sim = _ports()
    running = Demo(
        url=f"http://127.0.0.1:{web}",
        hooks_url=f"http://127.0.0.1:{web + 10}/whatsapp/webhook",
        phone_url=f"http://127.0.0.1:{sim}",
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_subprocess(),
        "TRIPLEC_DATA_DIR": str(tmp_path / "data"),  # the job queue, stored letters, the simulator's templates
        "SIMULATOR_PORT": str(sim),
        "WHATSAPP_BASE_URL": running.phone_url,
        "SITE_URL": running.url,
        # The demo's passwords were hashed by this test process with the test run's quick hasher: without it, the
        # first login of each user would hash again at the production cost (seconds on this machine).
        "TRIPLEC_FAST_HASHING": "1",
    }
    static = tmp_path / "data" / "static"  # granian's static mount (empty: the browser gets them from the finders)
    static.mkdir(parents=True)
    with override_settings(SIMULATOR_PORT=sim, STATIC_ROOT=static):
        commands = processes("127.0.0.1", web)
    log = open(tmp_path / "supervisor.log", "w")
    supervisor = Supervisor(commands, env=env, log=lambda line: print(line, file=log, flush=True))
    thread = threading.Thread(target=supervisor.run, kwargs={"handle_signals": False}, daemon=True)
    thread.start()
    try:
        wait_until(lambda: _answers(running), timeout=60, interval=0.2, message="the demo's processes did not start")
        # The dispatcher syncs the simulator's templates (approved in its seed) when it starts, as in `make demo`.
        wait_until(
            lambda: (
                Template.objects.filter(
                    name__in=("surat_teguran_rinci_pdf", "bukti_pembayaran_v1"), status=TemplateStatus.APPROVED
                ).count()
                == 2
            ),
            timeout=60,
            interval=0.2,
            message="the dispatcher did not sync the templates",
        )
        yield running
    finally:
        supervisor.stop_requested.set()
        thread.join(timeout=60)
        log.close()


class Screens:
    """Each step's screenshot: always in tmp_path; also in docs/figures/first-day/ with TRIPLEC_SCREENSHOTS=1."""

    def __init__(self, tmp_path: Path):
        self.dirs = [tmp_path / "screens"]
        if os.environ.get("TRIPLEC_SCREENSHOTS") == "1":
            self.dirs.append(FIGURES)
        for d in self.dirs:
            d.mkdir(parents=True, exist_ok=True)

    def __call__(self, page, name: str, *, full_page: bool = True) -> None:
        shot = page.screenshot(full_page=full_page)
        for d in self.dirs:
            (d / f"{name}.png").write_bytes(shot)


class Browsers:
    """One browser context per person: each console user, and the taxpayer's phone."""

    def __init__(self, browser, demo: Demo):
        self.browser, self.demo, self.contexts = browser, demo, []

    def console(self, username: str):
        context = self.browser.new_context(locale="id-ID", viewport={"width": 1366, "height": 900})
        context.route("**/static/**", serve_static)
        self.contexts.append(context)
        page = context.new_page()
        page.goto(f"{self.demo.url}/login/")
        page.get_by_label("Nama pengguna").fill(username)
        page.locator("#id_password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_url(f"{self.demo.url}/")
        return page

    def phone(self, number: str):
        context = self.browser.new_context(locale="id-ID", viewport={"width": 420, "height": 860})
        self.contexts.append(context)
        page = context.new_page()
        page.goto(f"{self.demo.phone_url}/phone/{number}")
        return page

    def keep_screens(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for n, context in enumerate(self.contexts):
            for m, page in enumerate(context.pages):
                page.screenshot(path=folder / f"{n}-{m}.png")

    def close(self) -> None:
        """Before the processes stop: open live streams (SSE) would keep the web server's shutdown waiting."""
        for context in self.contexts:
            context.close()


def _settled(phone) -> None:
    """Every message from the office on the phone has its final ticks (delivered, read or failed), not the clock."""
    pending = '.msg.in .ticks:not([data-status="delivered"]):not([data-status="read"]):not([data-status="failed"])'
    expect(phone.locator(pending)).to_have_count(0, timeout=WAIT_MS)


def _indonesian_date(day: dt.date) -> str:
    """How the office calendar page writes a holiday's date ("Jumat, 25 Desember 2026")."""
    with translation.override("id"):
        return formats.date_format(day, "l, j F Y")


def _watched_target(campaign: Campaign) -> tuple[Target, bool]:
    """The phone the test watches, and whether the bot will ask it the identity question first.

    A queued message to a number of one taxpayer whose number was verified at registration: a receipt goes only
    to a verified number (docs/payments.md). Preferably one whose verification is older than the bot accepts, so
    that the taxpayer is asked the identity question; the demo holds such a taxpayer on most days, and on the
    others the bot gives the details at once."""
    now = timezone.now()
    candidates = []
    for target in Target.objects.filter(campaign=campaign, status=TargetStatus.QUEUED).select_related(
        "taxpayer", "letter"
    ):
        contact = Contact.objects.get(taxpayer=target.taxpayer)
        if contact.verified_at is None or Contact.objects.filter(phone=contact.phone).count() > 1:
            continue
        asked = bool(needs_challenge(contact, now))
        if asked and challenge_kind(target.taxpayer) == NO_CHALLENGE:
            continue  # nothing to ask this taxpayer: the bot hands over for an officer to confirm who they are
        candidates.append((not asked, target.letter.number, target, asked))
    assert candidates, "no queued message to a verified number of one taxpayer the bot can serve"
    _, _, target, asked = min(candidates, key=lambda c: c[:2])
    return target, asked


def _challenge_answer(taxpayer) -> str:
    """What the taxpayer reads on their NPWP card, as identity.challenge_question asks it."""
    if challenge_kind(taxpayer) == "npwp15_serial":
        return taxpayer.npwp15[4:8]  # digits 5-8 of the old NPWP
    return taxpayer.npwp15[5:9]  # the four digits the mask hides (09.254.•••.•-407.000)


@pytest.mark.browser
@pytest.mark.slow
def test_an_office_runs_its_first_day_from_the_console_alone(demo, browser, tmp_path):
    screens = Screens(tmp_path)
    people = Browsers(browser, demo)
    try:
        _first_day(demo, people, screens, tmp_path)
    except BaseException:
        people.keep_screens(tmp_path / "failure")  # what each person saw when it failed
        raise
    finally:
        people.close()


def _first_day(demo: Demo, people: Browsers, screens: Screens, tmp_path: Path) -> None:
    zone = zoneinfo.ZoneInfo("Asia/Makassar")

    # 0. Open around the clock, from the console: the section head sets the hours; a national holiday today or
    #    tomorrow (the run may cross midnight) is removed by the administrator, the one role allowed to.
    kasi = people.console("kasi")
    kasi.goto(f"{demo.url}/office/calendar/")
    kasi.locator("#id_opens_at").fill("00:00")
    kasi.locator("#id_closes_at").fill("23:59")
    for box in kasi.locator("input[name=working_days]").all():
        box.check()
    kasi.locator("#save-hours").click()
    expect(kasi.locator(".page-head .muted")).to_contain_text("Senin–Minggu pukul 00.00–23.59 WITA")
    today = timezone.localtime(timezone.now(), zone).date()
    closed = Holiday.objects.filter(date__in=[today, today + dt.timedelta(days=1)]).values_list("date", flat=True)
    if closed:
        admin = people.console("admin")
        admin.goto(f"{demo.url}/office/calendar/")
        for day in closed:
            row = admin.locator(".holidays-card tr", has_text=_indonesian_date(day))
            row.get_by_role("button", name="Hapus").click()
            expect(admin.locator(".holidays-card tr", has_text=_indonesian_date(day))).to_have_count(0)
    screens(kasi, "00-office-hours", full_page=False)

    # 1. staf creates a criterion (a) campaign (the Surat Teguran issued in the last 7 days) and submits it.
    staf = people.console("staf")
    staf.get_by_role("link", name="Kampanye", exact=True).click()
    staf.get_by_role("link", name="Kampanye baru").click()
    staf.locator("#id_name").fill("Surat Teguran pekan ini")
    staf.locator("#id_criterion").select_option("a")
    staf.locator("#save-campaign").click()
    staf.wait_for_url(re.compile(r"/campaigns/\d+/$"))
    campaign = Campaign.objects.get(name="Surat Teguran pekan ini")
    expect(staf.locator("#preview-count")).to_be_visible()
    staf.locator("#submit-campaign").click()
    expect(staf.locator("#campaign-state")).to_have_text("menunggu persetujuan")
    screens(staf, "01-campaign-submitted", full_page=False)

    # 2. kasi approves and starts it; the progress page counts the messages delivered, none failed.
    kasi.goto(f"{demo.url}/campaigns/{campaign.pk}/")
    kasi.locator("#approve-campaign").click()
    expect(kasi.locator("#campaign-state")).to_have_text("disetujui")
    kasi.locator("#start-campaign").click()
    kasi.wait_for_url(f"**/campaigns/{campaign.pk}/progress/")
    queued = Target.objects.filter(campaign=campaign, status=TargetStatus.QUEUED).count()
    assert queued >= 1
    delivered, failed = kasi.locator('td[data-key="delivered"]'), kasi.locator('td[data-key="failed"]')
    wait_until(
        lambda: int(delivered.inner_text()) + int(failed.inner_text()) == queued,
        timeout=WAIT_MS / 1000,
        interval=0.5,
        message="the progress page did not count every message delivered or failed",
    )
    # No message fails, however busy the machine: each goes only once the worker has stored its letter, so
    # WhatsApp's fetch of the PDF is a file read (docs/campaigns.md), and no resend is ever needed.
    assert failed.inner_text() == "0", kasi.locator("#failed-reasons").inner_text()
    expect(delivered).to_have_text(str(queued))
    expect(kasi.locator('td[data-key="preparing_letters"]')).to_have_text("0")
    screens(kasi, "02-campaign-started")

    # 3. The message reaches the taxpayer's phone with the PDF letter, which opens.
    target, asked = _watched_target(campaign)
    taxpayer = target.taxpayer
    phone = people.phone(Contact.objects.get(taxpayer=taxpayer).phone.lstrip("+"))
    phone.get_by_text(target.letter.number).first.wait_for(timeout=WAIT_MS)
    letter = phone.locator(".doc a", has_text="Buka dokumen").first
    letter.wait_for(timeout=WAIT_MS)
    assert httpx.get(demo.phone_url + letter.get_attribute("href"), timeout=20).content.startswith(b"%PDF")
    _settled(phone)
    screens(phone, "03-message-with-letter", full_page=False)

    # 4. The taxpayer asks for the details: the identity question first (when the number's verification is old),
    #    then the details; then they ask for an officer.
    phone.get_by_role("button", name="Rincian tagihan").first.click()
    if asked:
        phone.locator(".msg.in", has_text="Untuk keamanan data").wait_for(timeout=WAIT_MS)
        _settled(phone)
        screens(phone, "04-identity-question", full_page=False)
        phone.get_by_placeholder("Ketik pesan").fill(_challenge_answer(taxpayer))
        phone.keyboard.press("Enter")
    phone.locator(".msg.in", has_text="Total masih harus dibayar").wait_for(timeout=WAIT_MS)
    _settled(phone)
    screens(phone, "04-details", full_page=False)
    phone.get_by_role("button", name="Hubungi petugas").last.click()
    phone.locator(".msg.in", has_text="teruskan kepada petugas").wait_for(timeout=WAIT_MS)

    # 5. petugas1 takes the conversation from the office's queue, answers, and sends a billing code.
    petugas = people.console("petugas1")
    petugas.get_by_role("link", name="Kotak Masuk", exact=True).click()
    petugas.get_by_role("link", name="Belum ditugaskan").click()
    petugas.locator(".queue-item a", has_text=taxpayer.name).click()
    petugas.get_by_role("button", name="Ambil").click()
    expect(petugas.locator(".page-head")).to_contain_text("ditugaskan kepada Ester Manafe")
    petugas.locator("#reply-text").fill(
        "Selamat siang, saya Ester dari KPP Pratama Kupang. Kode billing kami kirimkan."
    )
    petugas.locator("#reply-form button[type=submit]").click()
    phone.locator(".msg.in", has_text="saya Ester dari KPP Pratama Kupang").wait_for(timeout=WAIT_MS)
    for box in petugas.locator("#billing-form input[name=documents]").all():
        box.check()
    petugas.get_by_role("button", name="Terbitkan dan kirim kode billing").click()
    expect(petugas.locator(".messages")).to_contain_text("Kode billing diterbitkan")
    code = BillingCode.objects.get(taxpayer=taxpayer)
    phone.locator(".msg.in", has_text=code.code_display).wait_for(timeout=WAIT_MS)
    sent = petugas.locator(".bubble-out", has_text=code.code_display)
    expect(sent).to_have_attribute("data-state", re.compile("delivered|read"), timeout=WAIT_MS)  # live ticks
    screens(petugas, "05-inbox-answer", full_page=False)
    _settled(phone)
    screens(phone, "05-phone-answer", full_page=False)

    # 6. The bank's file of the day, with that billing code, imported in the console.
    ntpn = "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(16))
    paid_at = timezone.localtime(timezone.now(), zone)
    csv = tmp_path / "penerimaan-bank.csv"
    csv.write_text(
        "ntpn,billing_code,npwp,amount,paid_at,bank\n"
        f"{ntpn},{code.code},{taxpayer.npwp16},{code.amount},{paid_at:%Y-%m-%d %H:%M:%S},Bank NTT\n"
    )
    staf.get_by_role("link", name="Impor", exact=True).click()
    staf.locator("#id_kind").select_option("payments")
    staf.locator("#id_file").set_input_files(str(csv))
    staf.locator("form.card button[type=submit]").click()
    expect(staf.locator("#import-summary .stat.ok .value")).to_have_text("1", timeout=WAIT_MS)
    screens(staf, "06-payment-imported", full_page=False)
    payment = Payment.objects.get(ntpn=ntpn)
    assert (payment.taxpayer_id, payment.amount, payment.match_method) == (taxpayer.pk, code.amount, "billing_code")

    # 7. The receipt reaches the phone.
    phone.locator(".msg.in", has_text=ntpn).wait_for(timeout=WAIT_MS)
    expect(phone.locator(".msg.in", has_text=ntpn)).to_contain_text("Pembayaran Diterima")
    _settled(phone)
    screens(phone, "07-receipt", full_page=False)
