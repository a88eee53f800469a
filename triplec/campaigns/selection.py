"""Who a campaign would message, and why everyone else is left out: set-based, a handful of queries.

`build_selection` is the one function both the preview and the start call, so the preview's counts are what
is queued. It reads every admitted letter with its taxpayer, contact and payable documents in one raw query
(tuples, no model instances), the office's flags, Surat Paksa and earlier campaign messages in one query each;
amounts, exclusion reasons and the notices are computed in one pass over those rows (no query per taxpayer).
"""

import datetime as dt
import random
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from triplec.core.identifiers import search_digits
from triplec.ledger.models import DebtDocument, DocumentState, SuratPaksa, SuratTeguran
from triplec.ledger.selectors import COLLECTIBLE_STATES
from triplec.taxpayers.models import Contact, ContactStatus, FlagKind, Taxpayer, TaxpayerFlag

from .message import Doc, Notice
from .models import Campaign, Criterion, Target

# Exclusion reasons, in the order they are tested: a target is counted under the first that applies.
REASONS: dict[str, str] = {
    "already_messaged": _("this letter was already messaged"),
    "reminder_limit": _("maximum reminders for this letter reached"),
    "reminder_interval": _("reminded too recently about this letter"),
    "instalment": _("instalment or deferral approved"),
    "objection": _("objection or appeal pending"),
    "deceased": _("deceased"),
    "bankrupt": _("bankrupt"),
    "liquidation": _("in liquidation"),
    "paksa_stage": _("already at Surat Paksa stage"),
    "past_paksa_date": _("Surat Paksa date already passed"),
    "below_minimum": _("below the minimum amount"),
    "no_contact": _("no WhatsApp contact"),
    "opted_out": _("opted out"),
    "undeliverable": _("undeliverable"),
    "wrong_number": _("wrong number"),
    "frequency_cap": _("contacted within the frequency cap"),
    "no_open_letter": _("no open Surat Teguran"),
}


@dataclass(slots=True)
class Candidate:
    taxpayer_id: int
    letter_id: int | None
    amount: int
    kaps: str
    phone: str
    recipient: str
    notice: Notice | None
    reason: str = ""
    held_out: bool = False


@dataclass
class Selection:
    candidates: list[Candidate]
    unknown_npwps: list[str] = field(default_factory=list)
    invalid_lines: list[str] = field(default_factory=list)

    @property
    def queued(self) -> list[Candidate]:
        return [c for c in self.candidates if not c.reason and not c.held_out]

    @property
    def held_out(self) -> list[Candidate]:
        return [c for c in self.candidates if c.held_out]

    def reason_counts(self) -> Counter:
        return Counter(c.reason for c in self.candidates if c.reason)


def parse_npwp_list(text: str) -> tuple[list[str], list[str]]:
    """(16-digit NPWPs, lines that are not an NPWP) from an uploaded list: one per line, any layout."""
    good: list[str] = []
    bad: list[str] = []
    for raw in (text or "").replace(",", "\n").replace(";", "\n").splitlines():
        line = raw.strip()
        if not line:
            continue
        digits = search_digits(line)
        if len(digits) == 16 and digits.isdigit():
            good.append(digits)
        else:
            bad.append(line)
    return list(dict.fromkeys(good)), bad


def _filters(campaign: Campaign) -> dict:
    data = {
        "kaps": campaign.kap_list,
        "amount_min": campaign.amount_min,
        "amount_max": campaign.amount_max,
        "account_representative_id": campaign.account_representative_id,
        "letter_age_min_days": campaign.letter_age_min_days,
        "letter_age_max_days": campaign.letter_age_max_days,
    }
    if campaign.criterion == Criterion.LIST and campaign.saved_filter_id:
        for key, value in (campaign.saved_filter.filters or {}).items():
            if key in data and value not in (None, "", []) and data[key] in (None, "", []):
                data[key] = (
                    value
                    if key != "kaps"
                    else [k.strip() for k in (value if isinstance(value, list) else str(value).split(",")) if k.strip()]
                )
    return data


def letters_queryset(campaign: Campaign, today: dt.date):
    """The letters the criterion and filters admit, before exclusions."""
    qs = SuratTeguran.objects.filter(office_id=campaign.office_id, closed_at__isnull=True)
    if campaign.criterion == Criterion.NEW_TEGURAN:
        qs = qs.filter(issue_date__gte=today - dt.timedelta(days=campaign.days), issue_date__lte=today)
    elif campaign.criterion == Criterion.UNPAID_DELIVERED:
        qs = qs.filter(delivered_date__isnull=False, delivered_date__lte=today)
    f = _filters(campaign)
    if f["kaps"]:
        through = SuratTeguran.documents.through
        qs = qs.filter(
            Exists(
                through.objects.filter(
                    suratteguran_id=OuterRef("pk"),
                    debtdocument__kap__in=f["kaps"],
                    debtdocument__state__in=(DocumentState.OPEN, DocumentState.INSTALMENT, DocumentState.OBJECTION),
                )
            )
        )
    if f["account_representative_id"]:
        qs = qs.filter(taxpayer__account_representative_id=f["account_representative_id"])
    if f["letter_age_min_days"] is not None:
        qs = qs.filter(issue_date__lte=today - dt.timedelta(days=int(f["letter_age_min_days"])))
    if f["letter_age_max_days"] is not None:
        qs = qs.filter(issue_date__gte=today - dt.timedelta(days=int(f["letter_age_max_days"])))
    return qs


_OPEN_STATES = (DocumentState.OPEN, DocumentState.INSTALMENT, DocumentState.OBJECTION)
# A notice asks for what is collectible now (ledger.selectors: that state with a balance); instalment and
# objection documents only count towards the exclusion reasons. A plain string for the hot loop.
(_COLLECTIBLE,) = (str(s.value) for s in COLLECTIBLE_STATES)


class _Dates(dict):
    """Text of a date column -> the date, each distinct value parsed once (`dates[value]` is a plain dict hit
    after the first time). SQLite gives text, PostgreSQL dates (kept as they are), a missing date None."""

    def __missing__(self, value):
        day = self[value] = dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value
        return day


def _letter_rows(letters) -> list[tuple]:
    """One query: every admitted letter with its taxpayer, contact and each open / instalment / objection
    document, grouped by letter. A letter's documents are put in order where its notice is built: sorting them
    in the query cost a temporary B-tree over every row, 15% of the query. Raw tuples: no model instance and no
    per-row converter."""
    through = SuratTeguran.documents.through
    sub_sql, sub_params = letters.order_by().values("id").query.get_compiler(connection=connection).as_sql()
    # Django's SQLite connection converts every column declared `date` (half a million calls for 100,000
    # letters); as an expression (unary plus, a no-op) the text comes as is and `_Dates` parses each distinct
    # value once.
    day = "+{}".format if connection.vendor == "sqlite" else "{}".format
    sql = f"""
        SELECT s.id, s.taxpayer_id, s.number, {day("s.issue_date")}, {day("s.delivered_date")}, t.name, t.npwp16,
               c.phone, c.wa_user_id, c.status,
               d.state, d.amount_due, d.document_type, d.number, {day("d.issue_date")}, d.kap, {day("d.period_start")},
               {day("d.period_end")}, {day("d.due_date")}
        FROM {SuratTeguran._meta.db_table} s
        JOIN {Taxpayer._meta.db_table} t ON t.id = s.taxpayer_id
        LEFT JOIN {Contact._meta.db_table} c ON c.taxpayer_id = s.taxpayer_id
        JOIN {through._meta.db_table} sd ON sd.suratteguran_id = s.id
        JOIN {DebtDocument._meta.db_table} d ON d.id = sd.debtdocument_id
        WHERE s.id IN ({sub_sql}) AND d.state IN (%s, %s, %s)
        ORDER BY s.id"""
    with connection.cursor() as cur:
        cur.execute(sql, [*sub_params, *_OPEN_STATES])
        return cur.fetchall()


def _grouped_letters(rows: list[tuple]):
    """(letter fields..., open amount, instalment docs, objection docs, open docs) per letter, in one pass."""
    dates = _Dates()
    current = None
    docs: list[Doc] = []
    amount = n_inst = n_obj = 0
    open_state, inst_state, obj_state = _COLLECTIBLE, DocumentState.INSTALMENT.value, DocumentState.OBJECTION.value
    for row in rows:
        if current is None or row[0] != current[0]:
            if current is not None:
                yield current, amount, n_inst, n_obj, docs
            current, docs, amount, n_inst, n_obj = row, [], 0, 0, 0
        state, due = row[10], row[11]
        if state == open_state:
            if due > 0:
                amount += due
                docs.append(
                    Doc(row[12], row[13], dates[row[14]], row[15], dates[row[16]], dates[row[17]], due, dates[row[18]])
                )
        elif state == inst_state:
            n_inst += 1
        elif state == obj_state:
            n_obj += 1
    if current is not None:
        yield current, amount, n_inst, n_obj, docs


def _doc_order(doc: Doc) -> tuple:
    return doc.issue_date, doc.number


FLAG_ORDER = {FlagKind.DECEASED: 0, FlagKind.BANKRUPT: 1, FlagKind.LIQUIDATION: 2}
CONTACT_REASONS = {
    ContactStatus.OPTED_OUT: "opted_out",
    ContactStatus.UNDELIVERABLE: "undeliverable",
    ContactStatus.WRONG_NUMBER: "wrong_number",
}


FAILED_STATES = ("failed", "expired")


def messaged_targets(office_id: int):
    """Targets whose message counts as "already messaged about this letter" (and for the frequency cap and the
    reminder limits): queued or on its way, or accepted by WhatsApp (sent, delivered, read). A message that
    failed never counts, even before the campaign's sync clears its target's `messaged` flag."""
    return Target.objects.filter(messaged=True, campaign__office_id=office_id).exclude(
        outbound__state__in=FAILED_STATES
    )


def build_selection(campaign: Campaign, *, now: dt.datetime | None = None, with_notices: bool = True) -> Selection:
    """Every candidate with its exclusion reason (empty = messaged) and the hold-out drawn with the campaign's seed."""
    now = now or timezone.now()
    today = timezone.localdate(now, timezone=_tz(campaign))
    office_id = campaign.office_id
    letters = letters_queryset(campaign, today)
    npwps: list[str] = []
    selection = Selection(candidates=[])
    if campaign.criterion == Criterion.LIST and campaign.npwp_list.strip():
        npwps, selection.invalid_lines = parse_npwp_list(campaign.npwp_list)
        letters = letters.filter(taxpayer__npwp16__in=npwps)
    flags: dict[int, str] = {}
    for taxpayer_id, kind in (
        TaxpayerFlag.objects.filter(taxpayer__office_id=office_id)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .values_list("taxpayer_id", "kind")
    ):
        if taxpayer_id not in flags or FLAG_ORDER.get(kind, 9) < FLAG_ORDER.get(flags[taxpayer_id], 9):
            flags[taxpayer_id] = kind
    paksa_letters, paksa_taxpayers = set(), set()
    if campaign.exclude_paksa_stage:
        for letter_id, taxpayer_id in SuratPaksa.objects.filter(office_id=office_id).values_list(
            "teguran_id", "taxpayer_id"
        ):
            if letter_id:
                paksa_letters.add(letter_id)
            else:
                paksa_taxpayers.add(taxpayer_id)
    messaged = messaged_targets(office_id).exclude(campaign_id=campaign.pk)
    new_letter_done = set(messaged.filter(criterion=Criterion.NEW_TEGURAN).values_list("letter_id", flat=True))
    letter_history: dict[int, tuple[int, dt.datetime]] = {}
    if campaign.criterion != Criterion.NEW_TEGURAN:
        letter_history = {
            lid: (n, last)
            for lid, n, last in messaged.filter(letter_id__isnull=False)
            .values("letter_id")
            .annotate(n=Count("id"), last=Max("created_at"))
            .values_list("letter_id", "n", "last")
        }
    recent: set[int] = set()
    if campaign.frequency_cap_days:
        recent = set(
            messaged.filter(created_at__gte=now - dt.timedelta(days=campaign.frequency_cap_days)).values_list(
                "taxpayer_id", flat=True
            )
        )
    f = _filters(campaign)
    amount_min, amount_max = f["amount_min"], f["amount_max"]
    interval = dt.timedelta(days=campaign.reminder_interval_days)
    office_name = campaign.office.name

    new_teguran = campaign.criterion == Criterion.NEW_TEGURAN
    check_paksa_date = campaign.criterion == Criterion.UNPAID_DELIVERED and campaign.only_before_paksa
    max_reminders, minimum_amount = campaign.reminder_max_count, campaign.minimum_amount
    active = ContactStatus.ACTIVE.value
    candidates = selection.candidates
    seen_taxpayers: set[int] = set()
    dates = _Dates()
    for row, amount, n_inst, n_obj, docs in _grouped_letters(_letter_rows(letters)):
        (letter_id, taxpayer_id, number, issue_date, delivered, name, npwp16, phone, wa_user_id, contact_status) = row[
            :10
        ]
        delivered = dates[delivered]
        if amount <= 0 and not n_inst and not n_obj:
            continue  # paid or cleared: never counts
        if amount_min is not None and amount < int(amount_min):
            continue
        if amount_max is not None and amount > int(amount_max):
            continue
        seen_taxpayers.add(taxpayer_id)
        reason = ""
        if new_teguran:
            if letter_id in new_letter_done:
                reason = "already_messaged"
        elif letter_id in letter_history:
            n, last = letter_history[letter_id]
            if n >= max_reminders:
                reason = "reminder_limit"
            elif now - last < interval:
                reason = "reminder_interval"
        if reason:
            pass
        elif n_inst:
            reason = "instalment"
        elif n_obj:
            reason = "objection"
        elif taxpayer_id in flags:
            reason = flags[taxpayer_id]
        elif letter_id in paksa_letters or taxpayer_id in paksa_taxpayers:
            reason = "paksa_stage"
        elif check_paksa_date and delivered and today >= delivered + dt.timedelta(days=21):
            reason = "past_paksa_date"
        elif amount < minimum_amount:
            reason = "below_minimum"
        elif not phone and not wa_user_id:
            reason = "no_contact"
        elif contact_status and contact_status != active:
            reason = CONTACT_REASONS.get(contact_status, "undeliverable")
        elif taxpayer_id in recent:
            reason = "frequency_cap"
        notice = None
        kaps = ""
        if not reason:
            if len(docs) > 1:
                docs.sort(key=_doc_order)
            notice = Notice(
                name=name,
                npwp16=npwp16,
                letter_number=number,
                letter_date=dates[issue_date],
                delivered_date=delivered,
                office_name=office_name,
                docs=docs,
            )
            kaps = docs[0].kap if len(docs) == 1 else ",".join(sorted({d.kap for d in docs}))
        candidates.append(
            Candidate(taxpayer_id, letter_id, amount, kaps, phone or "", wa_user_id or "", notice, reason)
        )

    if campaign.criterion == Criterion.LIST and npwps:
        found = dict(Taxpayer.objects.filter(office_id=office_id, npwp16__in=npwps).values_list("npwp16", "id"))
        selection.unknown_npwps = [n for n in npwps if n not in found]
        for npwp16, taxpayer_id in found.items():
            if taxpayer_id not in seen_taxpayers:
                selection.candidates.append(Candidate(taxpayer_id, None, 0, "", "", "", None, "no_open_letter"))

    _draw_holdout(campaign, selection)
    return selection


def _draw_holdout(campaign: Campaign, selection: Selection) -> None:
    """Shuffle the eligible targets (sorted, so the draw depends only on the seed and the set) and keep the first
    share aside. Reproducible: same seed, same eligible set, same control group."""
    if not campaign.holdout_percent:
        return
    eligible = sorted(
        (c for c in selection.candidates if not c.reason), key=lambda c: (c.letter_id or 0, c.taxpayer_id)
    )
    k = round(len(eligible) * campaign.holdout_percent / 100)
    rng = random.Random(campaign.holdout_seed)
    for c in rng.sample(eligible, k):
        c.held_out = True


def _tz(campaign: Campaign):
    return zoneinfo.ZoneInfo(campaign.office.time_zone)


def reason_label(code: str) -> str:
    return str(REASONS.get(code, code))
