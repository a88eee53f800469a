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
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum, prefetch_related_objects
from django.utils import timezone

from triplec.audit.services import audit_record
from triplec.core.phrases import Phrase
from triplec.core.signals import ask
from triplec.messaging.models import InboundMessage, OutboundMessage
from triplec.offices.models import Office
from triplec.taxpayers.models import FlagKind, TaxpayerFlag
from triplec.taxpayers.presentation import shown_npwp

from .columns import export_columns
from .models import SURAT_PAKSA_DAYS_AFTER_DELIVERY, DebtDocument, DocumentState, SuratPaksa, SuratTeguran
from .selectors import collectible_q, is_collectible
from .signals import billing_history_wanted

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


# Sortable columns of the list: URL key -> ORDER BY. "due" ascending puts the most overdue first.
SORTS = {
    "due": ("delivered_date", "id"),
    "amount": ("open_amount", "id"),
    "taxpayer": ("taxpayer__name", "id"),
    "number": ("number", "id"),
}
DEFAULT_SORT = "due"


def _open_docs():
    through = SuratTeguran.documents.through
    return through.objects.filter(collectible_q("debtdocument__"), suratteguran_id=OuterRef("pk"))


def ripe_letters(
    user, *, now: dt.datetime | None = None, issued: bool = False, filters: dict | None = None, sort: str = DEFAULT_SORT
) -> QuerySet[SuratTeguran]:
    """The letters of the list as one query, filtered and sorted in the database, each with `open_amount` (what
    is still payable on it): a page reads only its own rows. `issued=True` lists those with a Surat Paksa not yet
    served instead. Filters: due_from / due_to (the Surat Paksa due date), ar (user id), amount_min / amount_max,
    kap."""
    offices = _offices_in_scope(user)
    if not offices:
        return SuratTeguran.objects.none()
    ripe = Q(pk__in=[])
    for office in offices:
        today = office_today(office, now)
        ripe |= Q(office_id=office.pk, delivered_date__lt=today - dt.timedelta(days=SURAT_PAKSA_DAYS_AFTER_DELIVERY))
    through = SuratTeguran.documents.through
    blocking = through.objects.filter(suratteguran_id=OuterRef("pk"), debtdocument__state__in=BLOCKING_STATES)
    amount = (
        _open_docs()
        .order_by()
        .values("suratteguran_id")
        .annotate(total=Sum("debtdocument__amount_due"))
        .values("total")
    )
    paksa = SuratPaksa.objects.filter(teguran_id=OuterRef("pk"))
    qs = (
        SuratTeguran.objects.filter(ripe, closed_at__isnull=True)
        .filter(Exists(_open_docs()))
        .exclude(Exists(blocking))
        .filter(Exists(paksa.filter(served_date__isnull=True)) if issued else ~Exists(paksa))
        .annotate(open_amount=Subquery(amount[:1]))
        .select_related("taxpayer", "office")
    )
    f = filters or {}
    if f.get("due_from"):
        qs = qs.filter(delivered_date__gte=f["due_from"] - dt.timedelta(days=SURAT_PAKSA_DAYS_AFTER_DELIVERY))
    if f.get("due_to"):
        qs = qs.filter(delivered_date__lte=f["due_to"] - dt.timedelta(days=SURAT_PAKSA_DAYS_AFTER_DELIVERY))
    if f.get("ar"):
        qs = qs.filter(taxpayer__account_representative_id=getattr(f["ar"], "pk", f["ar"]))
    if f.get("amount_min") is not None:
        qs = qs.filter(open_amount__gte=f["amount_min"])
    if f.get("amount_max") is not None:
        qs = qs.filter(open_amount__lte=f["amount_max"])
    if f.get("kap"):
        # Uncorrelated: the letters with an open document of this tax type, found once through the KAP (as a
        # correlated EXISTS, SQLite walked every document of the KAP for each letter).
        with_kap = through.objects.filter(collectible_q("debtdocument__"), debtdocument__kap=f["kap"]).values(
            "suratteguran_id"
        )
        qs = qs.filter(pk__in=with_kap)
    key = (sort or DEFAULT_SORT).lstrip("-")
    fields = SORTS.get(key, SORTS[DEFAULT_SORT])
    if (sort or "").startswith("-"):
        fields = tuple(f[1:] if f.startswith("-") else "-" + f for f in fields)
    return qs.order_by(*fields)


def list_totals(letters: QuerySet[SuratTeguran]) -> dict:
    """How many letters and how much is still payable on them, in one query."""
    totals = letters.order_by().aggregate(n=Count("id"), amount=Sum("open_amount"))
    return {"n": totals["n"] or 0, "amount": totals["amount"] or 0}


def candidates_for(letters, *, now: dt.datetime | None = None) -> list[Candidate]:
    """The rows of a page (or a chunk of the export): documents, Surat Paksa, flags and contact history of
    these letters only, in a few queries."""
    letters = list(letters)
    if not letters:
        return []
    prefetch_related_objects(letters, "paksa", "taxpayer__flags")
    documents = _open_documents([t.pk for t in letters])
    history = _contact_history({t.taxpayer_id for t in letters})
    todays: dict[int, dt.date] = {}
    out = []
    for letter in letters:
        if letter.office_id not in todays:
            todays[letter.office_id] = office_today(letter.office, now)
        docs = documents.get(letter.pk, [])
        due = letter.delivered_date + dt.timedelta(days=SURAT_PAKSA_DAYS_AFTER_DELIVERY)
        h = history.get(letter.taxpayer_id, {})
        out.append(
            Candidate(
                teguran=letter,
                documents=docs,
                amount=sum(d.amount_due for d in docs),
                due_date=due,
                days_overdue=(todays[letter.office_id] - due).days,
                messages_sent=h.get("sent", 0),
                replies=h.get("replies", 0),
                billing_codes=h.get("codes", 0),
                last_billing_code=h.get("last_code", ""),
                paksa=next(iter(letter.paksa.all()), None),
                flags=[str(f) for f in letter.taxpayer.active_flags()],
            )
        )
    return out


def _open_documents(letter_ids: list[int]) -> dict[int, list[DebtDocument]]:
    """Each letter's open documents with something still payable, in issue order. Links first, then the
    documents by primary key: as one join with the letter ids as a list (what prefetch_related writes), SQLite
    walked every open document of the office once per letter."""
    through = SuratTeguran.documents.through
    links = list(
        through.objects.filter(suratteguran_id__in=letter_ids).values_list("suratteguran_id", "debtdocument_id")
    )
    found = DebtDocument.objects.in_bulk([d for _, d in links])
    out: dict[int, list[DebtDocument]] = defaultdict(list)
    for letter_id, doc_id in links:
        doc = found.get(doc_id)
        if doc is not None and is_collectible(doc):
            out[letter_id].append(doc)
    for docs in out.values():
        docs.sort(key=lambda d: (d.issue_date, d.number))
    return out


def letters_in_order(ids: list[int]) -> list[SuratTeguran]:
    """These letters, in this order, with taxpayer and office: a page is found as ids (the sort and filters need
    no row data), then read."""
    order = {pk: n for n, pk in enumerate(ids)}
    return sorted(
        SuratTeguran.objects.filter(pk__in=ids).select_related("taxpayer", "office"), key=lambda t: order[t.pk]
    )


def surat_paksa_candidates(
    user, *, now: dt.datetime | None = None, issued: bool = False, filters: dict | None = None, sort: str = DEFAULT_SORT
) -> list[Candidate]:
    """Every candidate in the user's offices, most overdue first (the whole list: pages use `ripe_letters`)."""
    return candidates_for(ripe_letters(user, now=now, issued=issued, filters=filters, sort=sort), now=now)


def _contact_history(taxpayer_ids: set[int]) -> dict[int, dict]:
    """What exists of the contact so far: messages sent, replies received, billing codes issued (asked of billing,
    above the ledger)."""
    history: dict[int, dict] = defaultdict(dict)
    if not taxpayer_ids:
        return history
    for tid, n in (
        OutboundMessage.objects.filter(taxpayer_id__in=taxpayer_ids).values_list("taxpayer_id").annotate(n=Count("id"))
    ):
        history[tid]["sent"] = n
    for tid, n in (
        InboundMessage.objects.filter(peer__contacts__taxpayer_id__in=taxpayer_ids)
        .values_list("peer__contacts__taxpayer_id")
        .annotate(n=Count("id", distinct=True))
    ):
        history[tid]["replies"] = n
    for answer in ask(billing_history_wanted, sender=SuratTeguran, taxpayer_ids=taxpayer_ids):
        for tid, part in answer.items():
            history[tid].update(part)
    return history


EXPORT_COLUMNS = export_columns(
    "office_code teguran_number teguran_date delivered_date surat_paksa_due_date days_overdue npwp taxpayer address"
    " city documents amount_due messages_sent replies billing_codes last_billing_code flags surat_paksa_number"
    " surat_paksa_date served_date"
)


def export_rows(letters: QuerySet[SuratTeguran], user=None, *, now: dt.datetime | None = None, chunk: int = 5000):
    """The whole filtered list as rows, in the list's order. Read as plain values a chunk of letters at a time
    (documents, Surat Paksa, flags and contact history in one query each per chunk, no model instances): memory
    stays flat and 10,000 letters take a fraction of the time the page's objects would. The NPWP is as `user`
    may see it (a NIK-based one masked for roles without the NIK)."""

    through = SuratTeguran.documents.through
    todays = {o.pk: office_today(o, now) for o in Office.objects.all()}
    kinds = dict(FlagKind.choices)
    rows = list(
        letters.values_list(
            "pk",
            "office_id",
            "office__code",
            "number",
            "issue_date",
            "delivered_date",
            "taxpayer_id",
            "taxpayer__npwp16",
            "taxpayer__name",
            "taxpayer__address",
            "taxpayer__city",
        )
    )
    for i in range(0, len(rows), chunk):
        part = rows[i : i + chunk]
        ids = [r[0] for r in part]
        taxpayer_ids = {r[6] for r in part}
        # Links first, then the documents by primary key: joined in one query with the letter ids as a list,
        # SQLite walked every open document once per id.
        links = list(through.objects.filter(suratteguran_id__in=ids).values_list("suratteguran_id", "debtdocument_id"))
        open_docs = {
            pk: (issued, number, amount)
            for pk, issued, number, amount in DebtDocument.objects.filter(
                collectible_q(), pk__in=[d for _, d in links]
            ).values_list("pk", "issue_date", "number", "amount_due")
        }
        docs: dict[int, list[tuple]] = defaultdict(list)
        for letter_id, doc_id in links:
            if doc_id in open_docs:
                docs[letter_id].append(open_docs[doc_id])
        for mine in docs.values():
            mine.sort()
        paksa = {
            row[0]: row[1:]
            for row in SuratPaksa.objects.filter(teguran_id__in=ids).values_list(
                "teguran_id", "number", "issue_date", "served_date"
            )
        }
        flags: dict[int, list[str]] = defaultdict(list)
        today = timezone.localdate()
        for taxpayer_id, kind, reason in (
            TaxpayerFlag.objects.filter(taxpayer_id__in=taxpayer_ids)
            .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
            .values_list("taxpayer_id", "kind", "reason")
        ):
            flags[taxpayer_id].append(f"{kinds.get(kind, kind)}: {reason}")
        history = _contact_history(taxpayer_ids)
        for pk, office_id, code, number, issued, delivered, taxpayer_id, npwp16, name, address, city in part:
            due = delivered + dt.timedelta(days=SURAT_PAKSA_DAYS_AFTER_DELIVERY)
            mine, h, sp = docs.get(pk, []), history.get(taxpayer_id, {}), paksa.get(pk)
            yield [
                code,
                number,
                issued,
                delivered,
                due,
                (todays[office_id] - due).days,
                shown_npwp(user, npwp16, formatted=False) if user is not None else npwp16,
                name,
                address,
                city,
                ", ".join(d[1] for d in mine),
                sum(d[2] for d in mine),
                h.get("sent", 0),
                h.get("replies", 0),
                h.get("codes", 0),
                h.get("last_code", ""),
                "; ".join(flags.get(taxpayer_id, [])),
                sp[0] if sp else "",
                sp[1] if sp else None,
                sp[2] if sp else None,
            ]


@transaction.atomic
def record_surat_paksa(
    *,
    teguran: SuratTeguran,
    number: str,
    issue_date: dt.date,
    actor,
    channel: str = "web",
    now: dt.datetime | None = None,
) -> SuratPaksa:
    """The bailiff records the Surat Paksa issued for a ripe Teguran. Audited."""
    teguran = SuratTeguran.objects.select_for_update().select_related("office", "taxpayer").get(pk=teguran.pk)
    number = (number or "").strip()
    if not number:
        raise BailiffError("Nomor Surat Paksa wajib diisi", "number")
    today = office_today(teguran.office, now)
    if issue_date > today:
        raise BailiffError("Tanggal Surat Paksa tidak boleh di masa depan", "issue_date")
    if teguran.delivered_date is None or issue_date <= teguran.delivered_date + dt.timedelta(
        days=SURAT_PAKSA_DAYS_AFTER_DELIVERY
    ):
        raise BailiffError(
            "Surat Paksa baru dapat diterbitkan setelah lewat 21 hari sejak Surat Teguran disampaikan", "issue_date"
        )
    if teguran.closed_at is not None:
        raise BailiffError("Surat Teguran ini sudah ditutup (tagihan lunas)")
    if SuratPaksa.objects.filter(teguran=teguran).exists():
        raise BailiffError("Surat Paksa untuk Surat Teguran ini sudah dicatat")
    try:
        with transaction.atomic():
            paksa = SuratPaksa.objects.create(
                office=teguran.office, taxpayer=teguran.taxpayer, teguran=teguran, number=number, issue_date=issue_date
            )
    except IntegrityError:
        raise BailiffError(f"Nomor Surat Paksa {number} sudah dipakai di kantor ini", "number") from None
    summary = Phrase("Surat Paksa %(number)s for %(teguran)s", number=number, teguran=teguran.number)
    detail = {"issue_date": issue_date.isoformat()}
    audit_record(action="paksa.issue", actor=actor, obj=paksa, channel=channel, summary=summary, detail=detail)
    return paksa


@transaction.atomic
def record_served(
    *, paksa: SuratPaksa, served_date: dt.date, actor, channel: str = "web", now: dt.datetime | None = None
) -> SuratPaksa:
    """The bailiff served (memberitahukan) the Surat Paksa. Audited; a second entry corrects the date."""
    paksa = SuratPaksa.objects.select_for_update().select_related("office").get(pk=paksa.pk)
    if served_date < paksa.issue_date:
        raise BailiffError("Tanggal pemberitahuan tidak boleh sebelum tanggal Surat Paksa", "served_date")
    if served_date > office_today(paksa.office, now):
        raise BailiffError("Tanggal pemberitahuan tidak boleh di masa depan", "served_date")
    before = paksa.served_date
    paksa.served_date = served_date
    paksa.save(update_fields=["served_date"])
    summary = Phrase("Surat Paksa %(number)s served on %(date)s", number=paksa.number, date=f"{served_date:%d/%m/%Y}")
    detail = {"served_date": served_date.isoformat(), "previous": before.isoformat() if before else None}
    audit_record(action="paksa.serve", actor=actor, obj=paksa, channel=channel, summary=summary, detail=detail)
    return paksa
