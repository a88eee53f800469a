"""The bailiff's (Juru Sita) list: Surat Teguran ripe for a Surat Paksa, and recording the Surat Paksa.

UU PPSP Pasal 8: a Surat Paksa may be issued once 21 days have passed since the Surat Teguran was delivered.
We count in the office's own calendar ("today" is the local date in Asia/Makassar for Kupang, not UTC): a
letter delivered on 1 November is a candidate from 23 November (more than 21 days: 22 November is day 21).
A letter is left out while any of its documents has an approved instalment/deferral or a pending objection/
appeal, when nothing on it is still collectible, or when a Surat Paksa has already been issued for it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from triplec.audit.services import audit_record
from triplec.billing.models import BillingCode
from triplec.messaging.models import InboundMessage, OutboundMessage
from triplec.offices.models import Office
from triplec.taxpayers.presentation import shown_npwp

from .models import SURAT_PAKSA_DAYS_AFTER_DELIVERY, DebtDocument, DocumentState, SuratPaksa, SuratTeguran
from .selectors import collectible_q, is_collectible

BLOCKING_STATES = (DocumentState.INSTALMENT, DocumentState.OBJECTION)


class BailiffError(Exception):
    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message, self.field = message, field


def office_today(office, now: dt.datetime | None = None) -> dt.date:
    """The office's local calendar date: the 21 days are counted in its days, not in UTC's."""
    return (now or timezone.now()).astimezone(ZoneInfo(office.time_zone or "Asia/Makassar")).date()


@dataclass
class Candidate:
    teguran: SuratTeguran
    documents: list[DebtDocument]
    amount: int
    due_date: dt.date  # delivered + 21 days
    days_overdue: int  # days past the due date, in the office's calendar
    messages_sent: int = 0
    replies: int = 0
    billing_codes: int = 0
    last_billing_code: str = ""
    paksa: SuratPaksa | None = None
    flags: list[str] = field(default_factory=list)

    @property
    def taxpayer(self):
        return self.teguran.taxpayer


def _offices_in_scope(user):
    if getattr(user, "is_administrator", False):
        return list(Office.objects.all())
    if not getattr(user, "is_authenticated", False) or user.office_id is None:
        return []
    return [user.office]


def surat_paksa_candidates(user, *, now: dt.datetime | None = None, issued: bool = False) -> list[Candidate]:
    """Candidates in the user's offices, most overdue first. `issued=True` lists the ones with a Surat Paksa
    not yet served instead, for the bailiff to record service."""
    offices = _offices_in_scope(user)
    if not offices:
        return []
    ripe = Q(pk__in=[])
    todays = {}
    for office in offices:
        today = todays[office.pk] = office_today(office, now)
        ripe |= Q(office_id=office.pk, delivered_date__lt=today - dt.timedelta(days=SURAT_PAKSA_DAYS_AFTER_DELIVERY))
    qs = (SuratTeguran.objects.filter(ripe, closed_at__isnull=True)
          .exclude(documents__state__in=BLOCKING_STATES)
          .filter(collectible_q("documents__"))
          .distinct()
          .select_related("taxpayer", "office")
          .prefetch_related("documents", "paksa", "taxpayer__flags"))
    if issued:
        qs = qs.filter(paksa__isnull=False, paksa__served_date__isnull=True)
    else:
        qs = qs.filter(paksa__isnull=True)
    letters = list(qs)
    history = _contact_history({t.taxpayer_id for t in letters})
    out = []
    for letter in letters:
        docs = [d for d in letter.documents.all() if is_collectible(d)]
        due = letter.delivered_date + dt.timedelta(days=SURAT_PAKSA_DAYS_AFTER_DELIVERY)
        h = history.get(letter.taxpayer_id, {})
        paksa = next(iter(letter.paksa.all()), None)
        out.append(Candidate(
            teguran=letter, documents=docs, amount=sum(d.amount_due for d in docs), due_date=due,
            days_overdue=(todays[letter.office_id] - due).days, messages_sent=h.get("sent", 0),
            replies=h.get("replies", 0), billing_codes=h.get("codes", 0), last_billing_code=h.get("last_code", ""),
            paksa=paksa, flags=[str(f) for f in letter.taxpayer.active_flags()],
        ))
    out.sort(key=lambda c: (-c.days_overdue, -c.amount))
    return out


def _contact_history(taxpayer_ids: set[int]) -> dict[int, dict]:
    """What exists of the contact so far: messages sent, replies received, billing codes issued."""
    history: dict[int, dict] = defaultdict(dict)
    if not taxpayer_ids:
        return history
    for tid, n in (OutboundMessage.objects.filter(taxpayer_id__in=taxpayer_ids).values_list("taxpayer_id")
                   .annotate(n=Count("id"))):
        history[tid]["sent"] = n
    for tid, n in (InboundMessage.objects.filter(peer__contacts__taxpayer_id__in=taxpayer_ids)
                   .values_list("peer__contacts__taxpayer_id").annotate(n=Count("id", distinct=True))):
        history[tid]["replies"] = n
    for tid, n in BillingCode.objects.filter(taxpayer_id__in=taxpayer_ids).values_list("taxpayer_id").annotate(n=Count("id")):
        history[tid]["codes"] = n
    for tid, code in BillingCode.objects.filter(taxpayer_id__in=taxpayer_ids).order_by("taxpayer_id", "-issued_at").values_list("taxpayer_id", "code"):
        history[tid].setdefault("last_code", code)
    return history


EXPORT_HEADER = [
    "office_code", "teguran_number", "teguran_date", "delivered_date", "surat_paksa_due_date", "days_overdue", "npwp",
    "taxpayer", "address", "city", "documents", "amount_due", "messages_sent", "replies", "billing_codes",
    "last_billing_code", "flags", "surat_paksa_number", "surat_paksa_date", "served_date",
]


def export_rows(candidates: list[Candidate], user=None):
    """The rows of the XLSX; the NPWP as `user` may see it (a NIK-based one masked for roles without the NIK)."""
    for c in candidates:
        t = c.teguran
        yield [
            t.office.code, t.number, t.issue_date, t.delivered_date, c.due_date, c.days_overdue,
            shown_npwp(user, t.taxpayer.npwp16, formatted=False) if user is not None else t.taxpayer.npwp16,
            t.taxpayer.name, t.taxpayer.address, t.taxpayer.city, ", ".join(d.number for d in c.documents), c.amount,
            c.messages_sent, c.replies, c.billing_codes, c.last_billing_code, "; ".join(c.flags),
            c.paksa.number if c.paksa else "", c.paksa.issue_date if c.paksa else None,
            c.paksa.served_date if c.paksa else None,
        ]


@transaction.atomic
def record_surat_paksa(*, teguran: SuratTeguran, number: str, issue_date: dt.date, actor, channel: str = "web",
                       now: dt.datetime | None = None) -> SuratPaksa:
    """The bailiff records the Surat Paksa issued for a ripe Teguran. Audited."""
    teguran = SuratTeguran.objects.select_for_update().select_related("office", "taxpayer").get(pk=teguran.pk)
    number = (number or "").strip()
    if not number:
        raise BailiffError("Nomor Surat Paksa wajib diisi", "number")
    today = office_today(teguran.office, now)
    if issue_date > today:
        raise BailiffError("Tanggal Surat Paksa tidak boleh di masa depan", "issue_date")
    if teguran.delivered_date is None or issue_date <= teguran.delivered_date + dt.timedelta(days=SURAT_PAKSA_DAYS_AFTER_DELIVERY):
        raise BailiffError("Surat Paksa baru dapat diterbitkan setelah lewat 21 hari sejak Surat Teguran disampaikan", "issue_date")
    if teguran.closed_at is not None:
        raise BailiffError("Surat Teguran ini sudah ditutup (tagihan lunas)")
    if SuratPaksa.objects.filter(teguran=teguran).exists():
        raise BailiffError("Surat Paksa untuk Surat Teguran ini sudah dicatat")
    try:
        with transaction.atomic():
            paksa = SuratPaksa.objects.create(office=teguran.office, taxpayer=teguran.taxpayer, teguran=teguran,
                                              number=number, issue_date=issue_date)
    except IntegrityError:
        raise BailiffError(f"Nomor Surat Paksa {number} sudah dipakai di kantor ini", "number") from None
    audit_record(action="paksa.issue", actor=actor, obj=paksa, channel=channel,
                 summary=f"Surat Paksa {number} atas {teguran.number}", detail={"issue_date": issue_date.isoformat()})
    return paksa


@transaction.atomic
def record_served(*, paksa: SuratPaksa, served_date: dt.date, actor, channel: str = "web",
                  now: dt.datetime | None = None) -> SuratPaksa:
    """The bailiff served (memberitahukan) the Surat Paksa. Audited; a second entry corrects the date."""
    paksa = SuratPaksa.objects.select_for_update().select_related("office").get(pk=paksa.pk)
    if served_date < paksa.issue_date:
        raise BailiffError("Tanggal pemberitahuan tidak boleh sebelum tanggal Surat Paksa", "served_date")
    if served_date > office_today(paksa.office, now):
        raise BailiffError("Tanggal pemberitahuan tidak boleh di masa depan", "served_date")
    before = paksa.served_date
    paksa.served_date = served_date
    paksa.save(update_fields=["served_date"])
    audit_record(action="paksa.serve", actor=actor, obj=paksa, channel=channel,
                 summary=f"Surat Paksa {paksa.number} diberitahukan {served_date:%d/%m/%Y}",
                 detail={"served_date": served_date.isoformat(), "previous": before.isoformat() if before else None})
    return paksa
