"""The demo office: KPP Pratama Kupang with staff, taxpayers, debts, letters and payments that look real.

Everything comes from one `random.Random(seed)` and one seeded Faker, drawn in a fixed order, so the same seed
on the same day gives the same office. Rows are built in memory and written with bulk_create: 3,000 taxpayers
take a few seconds, not minutes.
"""

import datetime as dt
import math
import random
import string
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from faker import Faker
from stdnum import luhn

from triplec.accounts.models import User
from triplec.accounts.roles import Role, sync_role_groups
from triplec.audit.models import AuditEntry
from triplec.core.identifiers import InvalidIdentifier, parse_whatsapp_number
from triplec.ledger.models import (
    DebtDocument,
    DocumentState,
    DocumentType,
    MatchMethod,
    Payment,
    PaymentAllocation,
    SuratPaksa,
    SuratTeguran,
    add_months,
)
from triplec.offices.models import Office
from triplec.offices.services import holidays_load_national
from triplec.taxpayers.models import (
    Contact,
    ContactChange,
    ContactSource,
    ContactStatus,
    FlagKind,
    Taxpayer,
    TaxpayerFlag,
    TaxpayerType,
)

from .places import BANKS, KOTA, MOBILE_PREFIXES, PLACES, STREETS

DEMO_PASSWORD = "demo12345"
OFFICE = dict(
    code="922",
    name="KPP Pratama Kupang",
    address="Jl. Palapa No. 8, Oebobo, Kupang 85111",
    phone="0380-821123",
    time_zone="Asia/Makassar",
    opens_at=dt.time(8),
    closes_at=dt.time(16),
    working_days=[0, 1, 2, 3, 4],
    signer_name="Yohanes Ndoen",
    signer_nip="197805122003121001",
    signer_title="Kepala Kantor",
)
# username, full name, roles, is_superuser
STAFF: list[tuple[str, str, tuple[str, ...], bool]] = [
    ("admin", "Administrator Sistem", (Role.ADMINISTRATOR,), True),
    ("kakpp", "Yohanes Ndoen", (Role.OFFICE_HEAD,), False),
    ("kasi", "Maria Goreti Lay", (Role.SECTION_HEAD,), False),
    ("staf", "Dedi Haryanto", (Role.COLLECTION_STAFF,), False),
    ("ar1", "Agustina Bessie", (Role.ACCOUNT_REPRESENTATIVE,), False),
    ("ar2", "Fransiskus Tefa", (Role.ACCOUNT_REPRESENTATIVE,), False),
    ("petugas1", "Ester Manafe", (Role.SERVICE_OFFICER,), False),
    ("petugas2", "Rudi Kolo", (Role.SERVICE_OFFICER,), False),
    ("jurusita", "Markus Benu", (Role.BAILIFF,), False),
]

# Document type -> (share, KJS, number type code)
DOC_TYPES = [
    (DocumentType.STP, 0.55, "300"),
    (DocumentType.SKPKB, 0.25, "310"),
    (DocumentType.SKPKBT, 0.05, "320"),
    (DocumentType.SK_PEMBETULAN, 0.05, "390"),
    (DocumentType.SK_KEBERATAN, 0.04, "390"),
    (DocumentType.PUTUSAN_BANDING, 0.04, "390"),
    (DocumentType.PUTUSAN_PK, 0.02, "390"),
]
KAPS = {
    TaxpayerType.OP: [("411125", 0.40), ("411211", 0.20), ("411121", 0.15), ("411128", 0.15), ("411124", 0.10)],
    TaxpayerType.BADAN: [("411126", 0.30), ("411211", 0.30), ("411121", 0.15), ("411124", 0.15), ("411128", 0.10)],
}
ANNUAL_KAPS = {"411125", "411126"}  # annual income tax: the period is the whole year


class DemoRefused(Exception):
    """The database already holds taxpayers: loading demo data on top would mix fiction with real work."""


@dataclass(frozen=True)
class DemoSummary:
    """What `demo_build` wrote, made once the office is written."""

    office: Office
    taxpayers: int
    contacts: int
    shared_numbers: int  # WhatsApp numbers that more than one taxpayer gave
    documents: int
    teguran: int
    paksa: int
    payments: int
    users: list[str]

    def __str__(self) -> str:
        return (
            f"{self.office}: {self.taxpayers} taxpayers, {self.contacts} WhatsApp contacts "
            f"({self.shared_numbers} shared numbers), {self.documents} documents, {self.teguran} Surat Teguran, "
            f"{self.paksa} Surat Paksa, {self.payments} payments; staff: {', '.join(self.users)}"
        )


def demo_build(
    *,
    taxpayers: int,
    seed: int,
    today: dt.date | None = None,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Build the demo office. Refuses when taxpayers exist, unless `force`, which first wipes the taxpayer data."""
    if taxpayers < 0:
        raise ValueError("the number of taxpayers must not be negative")
    say = progress or (lambda message: None)
    today = today or timezone.localdate()
    with transaction.atomic():
        if Taxpayer.objects.exists():
            if not force:
                raise DemoRefused(
                    f"The database already holds {Taxpayer.objects.count()} taxpayers; demo data is only loaded into an "
                    "empty one. Use --force to delete every taxpayer, debt, letter and payment first."
                )
            say("Deleting the existing taxpayers, debts, letters and payments…")
            _wipe()
        office = _office(today)
        users = _staff(office)
        builder = _Builder(random.Random(seed), _faker(seed), office, users, today)
        say(f"Generating {taxpayers} taxpayers…")
        builder.taxpayers(taxpayers)
        say("Writing…")
        return builder.write()


def _faker(seed: int) -> Faker:
    fake = Faker("id_ID")
    fake.seed_instance(seed)
    return fake


def _wipe() -> None:
    try:
        PaymentAllocation.objects.all().delete()
        Payment.objects.all().delete()
        SuratPaksa.objects.all().delete()
        SuratTeguran.objects.all().delete()
        DebtDocument.objects.all().delete()
        AuditEntry.objects.filter(taxpayer__isnull=False).delete()
        Taxpayer.objects.all().delete()
    except ProtectedError as exc:
        models = sorted({obj._meta.verbose_name_plural for obj in exc.protected_objects})
        raise DemoRefused(
            f"Cannot delete the existing taxpayers: other records still refer to them ({', '.join(map(str, models))})."
        ) from None


def _office(today: dt.date) -> Office:
    office, _ = Office.objects.update_or_create(
        code=OFFICE["code"], defaults={k: v for k, v in OFFICE.items() if k != "code"}
    )
    holidays_load_national(years=[today.year, today.year + 1], channel="cli")
    return office


def _staff(office: Office) -> dict[str, User]:
    sync_role_groups()
    password = make_password(DEMO_PASSWORD)  # hashed once: nine PBKDF2 runs would be most of the build time
    users = {}
    for username, full_name, roles, superuser in STAFF:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults=dict(
                full_name=full_name,
                first_name=full_name.split()[0],
                last_name=" ".join(full_name.split()[1:]),
                office=office,
                is_superuser=superuser,
                is_staff=Role.ADMINISTRATOR in roles,
                is_active=True,
                password=password,
                email=f"{username}@kpp922.demo.invalid",
            ),
        )
        user.groups.set([Group.objects.get(name=r) for r in roles])
        users[username] = user
    return users


class _Builder:
    """Draws every value of the office in a fixed order, then writes it all in a few bulk inserts."""

    def __init__(self, rng: random.Random, fake: Faker, office: Office, users: dict[str, User], today: dt.date) -> None:
        self.rng, self.fake, self.office, self.users, self.today = rng, fake, office, users, today
        self.now = timezone.now()
        self.tp: list[Taxpayer] = []
        self.contacts: list[tuple[int, Contact, list[ContactChange]]] = []
        self.flags: list[tuple[int, TaxpayerFlag]] = []
        self.docs: list[tuple[int, DebtDocument]] = []
        self.teguran: list[tuple[int, SuratTeguran, list[int]]] = []
        self.paksa: list[tuple[int, int, SuratPaksa]] = []
        self.payments: list[tuple[int, Payment, int, int]] = []  # taxpayer index, payment, document index, amount
        self.seq: dict[str, int] = {}
        self.used_phones: set[str] = set()
        self.used_niks: set[str] = set()
        self.npwp_serials: set[int] = set()

    # --- identities -------------------------------------------------------------------------------
    def taxpayers(self, n: int) -> None:
        shared_pool: list[tuple[str, int]] = []  # (phone, how many more taxpayers may share it)
        for i in range(n):
            entity = self.rng.random() < 0.28
            city, region, kecamatan, kelurahan, postcode = self._place()
            address = (
                f"{self.rng.choice(STREETS)} No. {self.rng.randint(1, 120)}, RT {self.rng.randint(1, 30):03d}/"
                f"RW {self.rng.randint(1, 12):03d}, Kel. {self.rng.choice(kelurahan)}, Kec. {kecamatan}"
            )
            city_line = f"{'Kupang' if city == KOTA else 'Kab. Kupang'} {postcode}"
            if entity:
                npwp15 = self._npwp15(self.rng.choice(["01", "02", "03"]))
                npwp16, nik, name, kind = "0" + npwp15, "", self._entity_name(), TaxpayerType.BADAN
            else:
                female = self.rng.random() < 0.45
                name = self.fake.name_female() if female else self.fake.name_male()
                nik = self._nik(region, female)
                kind = TaxpayerType.OP
                legacy = self.rng.random() < 0.6
                npwp15 = self._npwp15(self.rng.choice(["07", "08", "09", "04", "05"])) if legacy else ""
                # Since 2024 the NIK is the NPWP of a resident individual; a few older records still carry only
                # the legacy number.
                npwp16 = nik if self.rng.random() < 0.9 or not legacy else "0" + npwp15
            ar = self.users["ar1" if self.rng.random() < 0.5 else "ar2"]
            self.tp.append(
                Taxpayer(
                    office=self.office,
                    npwp16=npwp16,
                    npwp15=npwp15,
                    nik=nik,
                    nitku=npwp16 + "000000",
                    name=name[:200],
                    taxpayer_type=kind,
                    address=address,
                    city=city_line,
                    account_representative=ar,
                )
            )
            self._contact(i, entity, shared_pool)
            self._flag(i, entity)
            self._documents(i, kind)

    def _place(self):
        # Two in three taxpayers of the KPP live or trade in the city.
        city = KOTA if self.rng.random() < 0.67 else "other"
        options = [p for p in PLACES if (p[0] == KOTA) == (city == KOTA)]
        return self.rng.choice(options)

    def _entity_name(self) -> str:
        form = self.rng.choices(["CV", "PT", "UD", "Koperasi", "Yayasan", "Toko"], weights=[35, 30, 12, 8, 7, 8])[0]
        last = self.fake.last_name()
        trade = self.rng.choice(
            [
                "Karya",
                "Jaya",
                "Flobamora",
                "Timor",
                "Sasando",
                "Nusa",
                "Lontar",
                "Cendana",
                "Kelimutu",
                "Mandiri",
                "Sejahtera",
                "Abadi",
                "Bahari",
                "Sumber Rejeki",
                "Tunas",
            ]
        )
        if form == "Koperasi":
            return f"Koperasi {self.rng.choice(['Simpan Pinjam', 'Serba Usaha', 'Nelayan'])} {trade}"
        if form == "Yayasan":
            return f"Yayasan {trade} {self.rng.choice(['Kasih', 'Pendidikan', 'Sehat'])}"
        suffix = self.rng.choice(["", " Perkasa", " Utama", " Abadi", " Makmur", " Sentosa"])
        name = f"{form} {trade} {last}{suffix}" if self.rng.random() < 0.6 else f"{form} {last}{suffix}"
        return name + (" Tbk" if form == "PT" and self.rng.random() < 0.02 else "")

    def _npwp15(self, kind: str) -> str:
        while True:
            serial = self.rng.randint(100_000, 999_999)
            if serial not in self.npwp_serials:
                self.npwp_serials.add(serial)
                break
        body = f"{kind}{serial:06d}"
        return body + luhn.calc_check_digit(body) + self.office.code + "000"

    def _nik(self, region: str, female: bool) -> str:
        while True:
            born = self.today - dt.timedelta(days=self.rng.randint(19 * 365, 78 * 365))
            day = born.day + (40 if female else 0)
            nik = f"{region}{day:02d}{born.month:02d}{born.year % 100:02d}{self.rng.randint(1, 9999):04d}"
            if nik not in self.used_niks:
                self.used_niks.add(nik)
                return nik

    def _phone(self) -> str:
        while True:
            raw = f"+62{self.rng.choice(MOBILE_PREFIXES)}{self.rng.randint(0, 10**8 - 1):08d}"
            if raw in self.used_phones:
                continue
            try:
                phone = parse_whatsapp_number(raw)
            except InvalidIdentifier:
                continue
            self.used_phones.add(phone)
            return phone

    # --- contacts ---------------------------------------------------------------------------------
    def _contact(self, i: int, entity: bool, shared_pool: list[tuple[str, int]]) -> None:
        roll = self.rng.random()
        if roll < 0.10:
            return  # no WhatsApp number known
        if shared_pool and roll < 0.13:
            # A consultant for several entities, or one phone for a family: allowed, and shown.
            j = self.rng.randrange(len(shared_pool))
            phone, left = shared_pool[j]
            if left <= 1:
                shared_pool.pop(j)
            else:
                shared_pool[j] = (phone, left - 1)
        else:
            phone = self._phone()
            if self.rng.random() < 0.03:
                shared_pool.append((phone, self.rng.randint(1, 3)))
        source = self.rng.choices(
            [ContactSource.REGISTRATION, ContactSource.DATA_CHANGE, ContactSource.ONLINE_PROFILE], weights=[70, 15, 15]
        )[0]
        registered = self._moment(self.rng.randint(60, 1500))
        status = self.rng.choices(
            [ContactStatus.ACTIVE, ContactStatus.OPTED_OUT, ContactStatus.UNDELIVERABLE, ContactStatus.WRONG_NUMBER],
            weights=[93, 3, 2, 2],
        )[0]
        contact = Contact(
            phone=phone,
            source=source,
            status=status,
            verified_at=registered if self.rng.random() < 0.5 else None,
            status_reason={
                "opted_out": "Wajib pajak membalas BERHENTI",
                "undeliverable": "Nomor tidak terdaftar di WhatsApp",
                "wrong_number": "Penerima menyatakan bukan wajib pajak ini",
            }.get(status, ""),
        )
        changes: list[ContactChange] = []
        first_phone = phone
        changed = self.rng.random() < 0.08
        if changed:
            first_phone = self._phone()
            change_at = self._moment(self.rng.randint(5, 50))
            contact.number_changed_at = change_at
            contact.source = ContactSource.DATA_CHANGE
            changes.append(
                ContactChange(
                    changed_at=change_at,
                    changed_by=self.users["petugas1"],
                    source=ContactSource.DATA_CHANGE,
                    old_phone=first_phone,
                    new_phone=phone,
                    old_status=ContactStatus.ACTIVE,
                    new_status=ContactStatus.ACTIVE,
                    note="Permohonan perubahan data",
                )
            )
        changes.append(
            ContactChange(changed_at=registered, source=source, new_phone=first_phone, new_status=ContactStatus.ACTIVE)
        )
        if status != ContactStatus.ACTIVE:
            changes.insert(
                0,
                ContactChange(
                    changed_at=self._moment(self.rng.randint(1, 4)),
                    source=ContactSource.STAFF,
                    changed_by=self.users["staf"],
                    old_phone=phone,
                    new_phone=phone,
                    old_status=ContactStatus.ACTIVE,
                    new_status=status,
                    note=contact.status_reason,
                ),
            )
        self.contacts.append((i, contact, changes))

    def _flag(self, i: int, entity: bool) -> None:
        roll = self.rng.random()
        if not entity and roll < 0.01:
            self.flags.append(
                (i, TaxpayerFlag(kind=FlagKind.DECEASED, reason="Akta kematian diterima dari ahli waris"))
            )
        elif entity and roll < 0.015:
            self.flags.append(
                (i, TaxpayerFlag(kind=FlagKind.BANKRUPT, reason="Putusan pailit Pengadilan Niaga Surabaya"))
            )
        elif entity and roll < 0.02:
            self.flags.append(
                (
                    i,
                    TaxpayerFlag(
                        kind=FlagKind.LIQUIDATION,
                        reason="Dalam proses likuidasi",
                        expires_on=self.today + dt.timedelta(days=self.rng.randint(60, 300)),
                    ),
                )
            )

    # --- debts, letters, payments -----------------------------------------------------------------
    def _documents(self, i: int, kind: str) -> None:
        count = self.rng.choices([1, 2, 3, 4, 5], weights=[45, 28, 15, 8, 4])[0]
        mine: list[int] = []
        for _ in range(count):
            doc_type, kjs = self._pick_type()
            kap = self.rng.choices([k for k, _ in KAPS[kind]], weights=[w for _, w in KAPS[kind]])[0]
            issue = self.today - dt.timedelta(days=self.rng.randint(10, 730))
            tax_year = (
                issue.year - self.rng.choice([0, 1, 1, 2]) if issue.month > 3 else issue.year - self.rng.choice([1, 2])
            )
            if kap in ANNUAL_KAPS:
                start, end = dt.date(tax_year, 1, 1), dt.date(tax_year, 12, 31)
            else:
                month = self.rng.randint(1, 12)
                start = dt.date(tax_year, month, 1)
                end = add_months(start, 1) - dt.timedelta(days=1)
            amount = self._amount(kind)
            sanctions_share = (
                1.0 if doc_type == DocumentType.STP and self.rng.random() < 0.4 else self.rng.uniform(0.05, 0.45)
            )
            sanctions = round(amount * sanctions_share / 100) * 100 if sanctions_share < 1 else amount
            principal = 0 if sanctions_share == 1.0 else amount - sanctions
            doc = DebtDocument(
                office=self.office,
                document_type=doc_type,
                number=self._doc_number(doc_type, kap, tax_year, issue),
                issue_date=issue,
                kap=kap,
                kjs=kjs,
                period_start=start,
                period_end=end,
                tax_year=tax_year,
                principal=principal,
                sanctions=sanctions,
                amount_due=amount,
                due_date=DebtDocument.default_due_date(issue),
            )
            self.docs.append((i, doc))
            mine.append(len(self.docs) - 1)
        self._states_and_letters(i, mine)

    def _pick_type(self) -> tuple[str, str]:
        doc_type, _, kjs = self.rng.choices(DOC_TYPES, weights=[w for _, w, _ in DOC_TYPES])[0]
        return doc_type, kjs

    def _amount(self, kind: str) -> int:
        # Log-normal: median about Rp 2.5 juta (OP) or Rp 6 juta (Badan); a long tail past Rp 100 juta.
        median = 2_500_000 if kind == TaxpayerType.OP else 6_000_000
        value = math.exp(self.rng.gauss(math.log(median), 1.2))
        if self.rng.random() < 0.01:
            value = math.exp(self.rng.gauss(math.log(250_000_000), 0.7))
        return max(100_000, min(int(value) // 100 * 100, 25_000_000_000))

    def _doc_number(self, doc_type: str, kap: str, tax_year: int, issue: dt.date) -> str:
        if doc_type in (DocumentType.STP, DocumentType.SKPKB, DocumentType.SKPKBT):
            # e.g. 00012/101/24/922/25: sequence / type and tax code / tax year / KPP / year of issue
            base = {"STP": 100, "SKPKB": 200, "SKPKBT": 300}[doc_type]
            code = base + (
                7 if kap.startswith("4112") else {"411121": 1, "411124": 3, "411125": 4, "411126": 6}.get(kap, 9)
            )
            key = f"{code}/{issue.year}"
            seq = self.seq[key] = self.seq.get(key, 0) + 1
            return f"{seq:05d}/{code}/{tax_year % 100:02d}/{self.office.code}/{issue.year % 100:02d}"
        prefix = {"SK_PEMBETULAN": "PEMB", "SK_KEBERATAN": "KEB", "PUTUSAN_BANDING": "PUT", "PUTUSAN_PK": "PK"}[
            doc_type
        ]
        key = f"{prefix}/{issue.year}"
        seq = self.seq[key] = self.seq.get(key, 0) + 1
        return (
            f"KEP-{seq:05d}/{prefix}/WPJ.29/{issue.year}"
            if prefix in ("PEMB", "KEB")
            else f"{prefix}.{seq:05d}/PP/M/{issue.year}"
        )

    def _states_and_letters(self, i: int, indexes: list[int]) -> None:
        overdue_for_letter: list[int] = []
        for k in indexes:
            doc = self.docs[k][1]
            age = (self.today - doc.due_date).days
            roll = self.rng.random()
            paid_chance = 0.12 + min(age, 600) / 600 * 0.25
            if roll < paid_chance and age > -20:
                self._pay(i, k, full=True)
            elif roll < paid_chance + 0.05:
                doc.state = DocumentState.INSTALMENT
                doc.state_reason = "Angsuran disetujui (KEP angsuran)"
            elif roll < paid_chance + 0.09 and doc.document_type in (DocumentType.SKPKB, DocumentType.SKPKBT):
                doc.state = DocumentState.OBJECTION
                doc.state_reason = "Keberatan diajukan"
            elif roll < paid_chance + 0.11 and age > 365:
                doc.state, doc.cleared_at = DocumentState.CLEARED, self._moment(self.rng.randint(1, 90))
                doc.state_reason = "Pembetulan ketetapan"
                doc.amount_due = 0
            elif roll < paid_chance + 0.16 and age > 0:
                self._pay(i, k, full=False)
            if age >= 7 and doc.state in (DocumentState.OPEN, DocumentState.PAID):
                overdue_for_letter.append(k)
        self._letters(i, overdue_for_letter)

    def _pay(self, i: int, k: int, *, full: bool) -> None:
        doc = self.docs[k][1]
        amount = doc.amount_due if full else max(50_000, doc.amount_due * self.rng.randint(10, 60) // 100 // 100 * 100)
        earliest = doc.issue_date + dt.timedelta(days=3)
        span = max(1, (self.today - earliest).days)
        paid_on = earliest + dt.timedelta(days=min(span, int(self.rng.expovariate(1 / 60))))
        paid_at = timezone.make_aware(
            dt.datetime.combine(paid_on, dt.time(self.rng.randint(8, 15), self.rng.randint(0, 59)))
        )
        billing = f"{self.rng.randint(0, 3)}{self.rng.randint(0, 10**14 - 1):014d}"
        ntpn = "".join(self.rng.choice(string.ascii_uppercase + string.digits) for _ in range(16))
        payment = Payment(
            ntpn=ntpn,
            billing_code=billing,
            office=self.office,
            npwp="",
            document_number=doc.number,
            kap=doc.kap,
            kjs=doc.kjs,
            amount=amount,
            paid_at=paid_at,
            bank=self.rng.choice(BANKS),
            # The bank's data carries the NPWP and the document number: matched the way the importer
            # matches such a row (payments.py, path 2), when it arrived.
            match_method=MatchMethod.DOCUMENT_NUMBER,
            matched_at=paid_at,
            source="demo",
        )
        self.payments.append((i, payment, k, amount))
        doc.amount_due -= amount
        if doc.amount_due <= 0:
            doc.amount_due, doc.state, doc.paid_at = 0, DocumentState.PAID, paid_at

    def _letters(self, i: int, indexes: list[int]) -> None:
        """Surat Teguran 7+ days past due (some not yet issued), some delivered, a few followed by a Surat Paksa."""
        groups: list[list[int]] = []
        for k in sorted(indexes, key=lambda k: self.docs[k][1].due_date):
            due = self.docs[k][1].due_date
            if groups and (due - self.docs[groups[-1][0]][1].due_date).days <= 20:
                groups[-1].append(k)
            else:
                groups.append([k])
        for group in groups:
            if self.rng.random() < 0.12:
                continue  # not yet issued: a backlog the dashboard should show
            due = max(self.docs[k][1].due_date for k in group)
            latest = self.today
            issue = min(latest, due + dt.timedelta(days=7 + int(self.rng.expovariate(1 / 20))))
            paid = [self.docs[k][1].paid_at for k in group if self.docs[k][1].state == DocumentState.PAID]
            if len(paid) == len(group) and min(paid).date() <= issue:
                continue  # paid before a letter was needed
            seq = self.seq["ST"] = self.seq.get("ST", 0) + 1
            st = SuratTeguran(office=self.office, number=f"ST-{seq:05d}/WPJ.29/KP.04/{issue.year}", issue_date=issue)
            if self.rng.random() < 0.8 and issue < self.today:
                st.delivered_date = min(self.today, issue + dt.timedelta(days=self.rng.randint(1, 10)))
            if len(paid) == len(group):
                st.closed_at = max(paid)
            self.teguran.append((i, st, group))
            if (
                st.delivered_date
                and not st.closed_at
                and st.surat_paksa_due_date <= self.today
                and self.rng.random() < 0.3
            ):
                sp_issue = min(self.today, st.surat_paksa_due_date + dt.timedelta(days=self.rng.randint(0, 30)))
                seq = self.seq["SP"] = self.seq.get("SP", 0) + 1
                sp = SuratPaksa(
                    office=self.office, number=f"SP-{seq:05d}/WPJ.29/KP.04/{sp_issue.year}", issue_date=sp_issue
                )
                if self.rng.random() < 0.6 and sp_issue < self.today:
                    sp.served_date = min(self.today, sp_issue + dt.timedelta(days=self.rng.randint(1, 7)))
                self.paksa.append((i, len(self.teguran) - 1, sp))

    def _moment(self, days_ago: int) -> dt.datetime:
        day = self.today - dt.timedelta(days=days_ago)
        return timezone.make_aware(dt.datetime.combine(day, dt.time(self.rng.randint(8, 15), self.rng.randint(0, 59))))

    # --- writing ----------------------------------------------------------------------------------
    def write(self) -> DemoSummary:
        batch = 1000
        Taxpayer.objects.bulk_create(self.tp, batch_size=batch)
        if self.tp[:1] and self.tp[0].pk is None:  # a backend that does not return ids: read them back
            ids = dict(Taxpayer.objects.filter(npwp16__in=[t.npwp16 for t in self.tp]).values_list("npwp16", "pk"))
            for t in self.tp:
                t.pk = ids[t.npwp16]
        for i, contact, _ in self.contacts:
            contact.taxpayer = self.tp[i]
        Contact.objects.bulk_create([c for _, c, _ in self.contacts], batch_size=batch)
        changes = []
        for _, contact, history in self.contacts:
            for change in history:
                change.contact = contact
                changes.append(change)
        ContactChange.objects.bulk_create(changes, batch_size=batch)
        for i, flag in self.flags:
            flag.taxpayer = self.tp[i]
        TaxpayerFlag.objects.bulk_create([f for _, f in self.flags], batch_size=batch)
        for i, doc in self.docs:
            doc.taxpayer = self.tp[i]
        DebtDocument.objects.bulk_create([d for _, d in self.docs], batch_size=batch)
        for i, st, _ in self.teguran:
            st.taxpayer = self.tp[i]
        SuratTeguran.objects.bulk_create([st for _, st, _ in self.teguran], batch_size=batch)
        through = SuratTeguran.documents.through
        through.objects.bulk_create(
            [
                through(suratteguran_id=st.pk, debtdocument_id=self.docs[k][1].pk)
                for _, st, group in self.teguran
                for k in group
            ],
            batch_size=batch,
        )
        for i, t, sp in self.paksa:
            sp.taxpayer, sp.teguran = self.tp[i], self.teguran[t][1]
        SuratPaksa.objects.bulk_create([sp for _, _, sp in self.paksa], batch_size=batch)
        for i, payment, _, _ in self.payments:
            payment.taxpayer, payment.npwp = self.tp[i], self.tp[i].npwp16
        Payment.objects.bulk_create([p for _, p, _, _ in self.payments], batch_size=batch)
        PaymentAllocation.objects.bulk_create(
            [PaymentAllocation(payment=p, document=self.docs[k][1], amount=a) for _, p, k, a in self.payments],
            batch_size=batch,
        )
        phones = Counter(c.phone for _, c, _ in self.contacts)
        return DemoSummary(
            office=self.office,
            taxpayers=len(self.tp),
            contacts=len(self.contacts),
            shared_numbers=sum(1 for n in phones.values() if n > 1),
            documents=len(self.docs),
            teguran=len(self.teguran),
            paksa=len(self.paksa),
            payments=len(self.payments),
            users=list(self.users),
        )
