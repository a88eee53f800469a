"""Recording payments (proven by NTPN) and matching them to debt documents.

Matching order (issue 5): 1. by billing code we issued; 2. by NPWP + document number; 3. by NPWP + KAP +
tax period (when the row carries no period: the taxpayer's only open document with that KAP). A payment
that matches nothing waits in the unmatched queue, where staff assign it by hand (audited).

Unknown NPWP: the issue lists it among bad input, so a row whose NPWP is not a registered taxpayer (and
whose billing code is not one we issued) is refused with a row-level error, and nothing is written. The core
system resends it once the taxpayer is registered. A known NPWP that matches no document is accepted and
queued: the money is real and belongs to a taxpayer we know.

One engine serves both entry points: `record_payment(row)` is `record_payments([row])`, so the single path
tested by the importer and the API is the batch path measured by the `reconcile` benchmark. Each chunk reads
what it needs in a few queries, plans every row in memory (rejecting bad rows before anything is written),
then writes in bulk inside one transaction. A rejected row never writes; the rows around it still do.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from triplec.audit.services import audit_record
from triplec.core.masking import mask_npwp
from triplec.core.phrases import Phrase
from triplec.core.signals import ask, send_after_commit
from triplec.core.sql import select_in, table
from triplec.taxpayers.models import Taxpayer

from .models import ClaimStatus, DebtDocument, DocumentState, MatchMethod, Payment, PaymentAllocation, PaymentClaim
from .selectors import OWED_STATES, is_owed
from .services import teguran_close_settled
from .signals import IssuedCode, billing_codes_paid, billing_codes_wanted, payments_applied

log = logging.getLogger(__name__)

# Plain strings for the hot loop: membership in a tuple of TextChoices members is several times slower.
# A payment may be allocated to everything still owed (instalments, under objection, ...).
_ALLOCATABLE = frozenset(str(s.value) for s in OWED_STATES)
_PAID, _CLEARED = str(DocumentState.PAID.value), str(DocumentState.CLEARED.value)

NTPN_RE = re.compile(r"^[0-9A-Z]{16}$")
# How a payment found its documents, for the audit summary (the same texts as MatchMethod's labels).
MATCH_PHRASES = {
    MatchMethod.BILLING_CODE: Phrase("billing code"),
    MatchMethod.DOCUMENT_NUMBER: Phrase("NPWP and document number"),
    MatchMethod.KAP_PERIOD: Phrase("NPWP, KAP and tax period"),
    MatchMethod.MANUAL: Phrase("assigned by staff"),
}
NOT_MATCHED = Phrase("not matched yet")
BILLING_CODE_RE = re.compile(r"^[0-3][0-9]{14}$")


@dataclass(frozen=True)
class PaymentRow:
    """One payment as received from the bank/MPN data. The importer has checked formats; we check again."""

    ntpn: str
    billing_code: str
    npwp16: str
    document_number: str
    kap: str
    kjs: str
    amount: int
    paid_at: dt.datetime  # aware
    bank: str
    cleared: bool = False  # the core system confirms the balance of the paid documents is zero
    period_start: dt.date | None = None  # optional: the tax period (masa pajak) start, for matching path 3


class PaymentRejected(Exception):
    """A row refused as a whole, with the column to blame and a message for the person who sent it."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(f"{column}: {message}")
        self.column = column
        self.message = message


class PaymentOutcome:
    """What became of one row. `payment` is built on first access: the batch path writes rows with raw SQL
    and most callers (the importer's counters, the benchmark) never look at the model instance."""

    def __init__(
        self,
        status: str,
        payment: Payment | None,
        matched: bool,
        warnings: list[str] | None = None,
        documents_paid: list[str] | None = None,
        *,
        loader=None,
    ) -> None:
        self.status = status  # "imported" or "unchanged"
        self._payment, self._loader = payment, loader
        self.matched = matched
        self.warnings = warnings if warnings is not None else []
        self.documents_paid = documents_paid if documents_paid is not None else []  # numbers of documents settled

    @property
    def payment(self) -> Payment:
        if self._payment is None and self._loader is not None:
            self._payment = self._loader()
        return self._payment

    def __repr__(self) -> str:
        return f"<PaymentOutcome {self.status} matched={self.matched} warnings={len(self.warnings)}>"


# --- validation ------------------------------------------------------------------------------------


# A payment cannot have been made after it is reported. The sender's clock (a bank's, the core system's) may run
# a little ahead of ours: a paid_at up to this much later than our "now" is taken as that skew.
PAID_AT_CLOCK_SKEW = dt.timedelta(minutes=5)


def normalise_ntpn(raw: str) -> str:
    return "".join(str(raw or "").split()).upper()


def validate_row(row: PaymentRow) -> None:
    """Format rules that need no database, in Indonesian, naming the column."""
    ntpn = normalise_ntpn(row.ntpn)
    if not NTPN_RE.match(ntpn):
        raise PaymentRejected("ntpn", f"NTPN harus 16 huruf/angka, bukan {row.ntpn!r}")
    code = (row.billing_code or "").strip()
    if code:
        if not code.isdigit() or len(code) != 15:
            raise PaymentRejected("billing_code", f"Kode billing harus 15 angka, bukan {len(code)} karakter")
        if not BILLING_CODE_RE.match(code):
            raise PaymentRejected("billing_code", "Kode billing pajak harus diawali angka 0–3 (kode DJP)")
    npwp = (row.npwp16 or "").strip()
    if npwp and (not npwp.isdigit() or len(npwp) not in (15, 16)):
        raise PaymentRejected("npwp", "NPWP harus 15 atau 16 angka")
    if not npwp and not code:
        raise PaymentRejected("npwp", "NPWP atau kode billing wajib diisi")
    if isinstance(row.amount, bool) or not isinstance(row.amount, int):
        raise PaymentRejected("amount", "Jumlah harus bilangan bulat rupiah")
    if row.amount <= 0:
        raise PaymentRejected("amount", "Jumlah pembayaran harus lebih dari nol")
    if not isinstance(row.paid_at, dt.datetime) or timezone.is_naive(row.paid_at):
        raise PaymentRejected("paid_at", "Waktu bayar harus tanggal dan jam dengan zona waktu")
    now = timezone.now()
    if row.paid_at > now + PAID_AT_CLOCK_SKEW:
        raise PaymentRejected(
            "paid_at",
            f"Waktu bayar {row.paid_at.isoformat()} di masa depan (waktu server "
            f"{now.replace(microsecond=0).isoformat()}); pembayaran dicatat setelah "
            "terjadi",
        )
    if (
        len(row.kap or "") > 6
        or len(row.kjs or "") > 3
        or len(row.document_number or "") > 60
        or len(row.bank or "") > 100
    ):
        raise PaymentRejected("kap", "KAP (6), KJS (3), nomor dokumen (60) atau bank (100) terlalu panjang")


def _npwp16(raw: str) -> str:
    raw = (raw or "").strip()
    return "0" + raw if len(raw) == 15 else raw


# --- the engine ------------------------------------------------------------------------------------


@dataclass
class _Doc:
    """A document as the planner sees it: its balance moves as rows of the chunk are planned."""

    id: int
    taxpayer_id: int
    office_id: int
    number: str
    kap: str
    period_start: dt.date
    issue_date: dt.date
    amount_due: int
    state: str
    paid_at: dt.datetime | None
    cleared_at: dt.datetime | None
    dirty: bool = False

    @property
    def sort_key(self) -> tuple:
        return (self.issue_date, self.number)


@dataclass
class _Plan:
    index: int
    row: PaymentRow
    ntpn: str
    taxpayer_id: int | None
    office_id: int | None
    method: str
    allocations: list[tuple[_Doc, int]]
    overpaid: int
    warnings: list[str]
    billing_code_id: int | None = None
    payment_id: int | None = None
    values: dict | None = None
    now: dt.datetime | None = None
    source: str = ""
    documents_paid: list[str] = field(default_factory=list)
    _payment: Payment | None = None

    @property
    def payment(self) -> Payment:
        if self._payment is None:
            r = self.row
            payment = Payment(
                id=self.payment_id,
                ntpn=self.ntpn,
                billing_code=(r.billing_code or "").strip(),
                office_id=self.office_id,
                taxpayer_id=self.taxpayer_id,
                npwp=_npwp16(r.npwp16),
                document_number=(r.document_number or "").strip(),
                kap=r.kap or "",
                kjs=r.kjs or "",
                amount=r.amount,
                paid_at=r.paid_at,
                bank=r.bank or "",
                period_start=r.period_start,
                match_method=self.method,
                overpaid_amount=self.overpaid,
                matched_at=self.now if self.method else None,
                source=self.source,
                created_at=self.now,
            )
            payment._state.adding, payment._state.db = False, "default"
            self._payment = payment
        return self._payment


def _same(payment: Payment, row: PaymentRow) -> bool:
    return (
        payment.amount == row.amount
        and payment.paid_at == row.paid_at
        and payment.billing_code == (row.billing_code or "").strip()
        and payment.npwp == _npwp16(row.npwp16)
        and payment.document_number == (row.document_number or "").strip()
    )


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _db_datetime(value):
    """A datetime for a raw write: values read raw from SQLite are already in its text form."""
    if value is None or isinstance(value, str):
        return value
    return connection.ops.adapt_datetimefield_value(value)


def _chunks(rows: Sequence[PaymentRow], size: int) -> Iterator[Sequence[PaymentRow]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def record_payment(
    row: PaymentRow, *, actor=None, channel: str = "cli", office_id: int | None = None, notify: bool = True
) -> PaymentOutcome:
    """Record one payment and match it, atomically. Raises PaymentRejected for a row that must not go in."""
    (result,) = record_payments([row], actor=actor, channel=channel, office_id=office_id, notify=notify)
    if isinstance(result, PaymentRejected):
        raise result
    return result


def record_payments(
    rows: Iterable[PaymentRow],
    *,
    actor=None,
    channel: str = "cli",
    office_id: int | None = None,
    notify: bool = True,
    batch_size: int | None = None,
) -> list[PaymentOutcome | PaymentRejected]:
    """Record many payments, one result per row in order. `office_id` restricts to one office's taxpayers (API)."""
    rows = list(rows)
    size = batch_size or settings.PAYMENT_BATCH_SIZE
    results: list[PaymentOutcome | PaymentRejected] = []
    for chunk in _chunks(rows, size):
        results.extend(_record_chunk(chunk, actor=actor, channel=channel, office_id=office_id, notify=notify))
    return results


def _record_chunk(rows: Sequence[PaymentRow], *, actor, channel, office_id, notify) -> list:
    results: list = [None] * len(rows)
    valid: list[tuple[int, PaymentRow]] = []
    for i, row in enumerate(rows):
        try:
            validate_row(row)
            valid.append((i, row))
        except PaymentRejected as exc:
            results[i] = exc
    if not valid:
        return results
    try:
        with transaction.atomic():
            _plan_and_apply(valid, results, actor=actor, channel=channel, office_id=office_id, notify=notify)
    except IntegrityError:
        # Another writer recorded one of these NTPNs between our read and our write: redo row by row so
        # that only the clashing row is refused.
        if len(valid) == 1:
            i, row = valid[0]
            results[i] = PaymentRejected(
                "ntpn", f"NTPN {normalise_ntpn(row.ntpn)} sudah tercatat untuk pembayaran lain"
            )
            return results
        for i, row in valid:
            (results[i],) = _record_chunk([row], actor=actor, channel=channel, office_id=office_id, notify=notify)
    return results


def _plan_and_apply(valid, results, *, actor, channel, office_id, notify) -> None:
    """One chunk in one transaction: read what its rows need, plan every row in memory, write in bulk, then
    close what the payments settled and record the chunk (audit, receipts)."""
    known = _read_chunk(valid)
    now = timezone.now()
    plans, unchanged_clear = _plan_rows(valid, results, known, office_id=office_id, now=now)
    cleared_again = _clear_again(unchanged_clear, results, now)
    if plans:
        _write(plans, known.docs, now=now, channel=channel)
        _mark_codes_paid(plans)
    _fill_outcomes(plans, results)
    if plans or cleared_again:
        _record_chunk_done(plans, known.docs, cleared_again, now=now, actor=actor, channel=channel, notify=notify)


# --- step 1: read ----------------------------------------------------------------------------------

_DOC_COLUMNS = (
    "id, taxpayer_id, office_id, number, kap, period_start, issue_date, amount_due, state, paid_at, cleared_at"
)


@dataclass
class _Known:
    """What the rows of a chunk need from the database, read before any row is planned."""

    existing: dict[str, Payment]  # NTPN -> the payment already recorded with it
    taxpayers: dict[str, tuple[int, int]]  # NPWP16 -> (taxpayer id, office id)
    codes: dict[str, IssuedCode]  # billing code -> the code as issued (billing answers)
    docs: dict[int, _Doc] = field(default_factory=dict)  # every document read, once, by id
    by_number: dict[tuple[int, str], _Doc] = field(default_factory=dict)  # path 2: (taxpayer id, number)
    by_kap: dict[tuple[int, str], list[_Doc]] = field(default_factory=lambda: defaultdict(list))  # path 3

    def load(self, where: str, *lists: list) -> list[_Doc]:
        """Documents matching `where` (one `{}` per IN list); a document read before is the same object."""
        out = []
        for values in select_in(f"SELECT {_DOC_COLUMNS} FROM {table(DebtDocument)} WHERE " + where, *lists):
            doc = self.docs.get(values[0])
            if doc is None:
                doc = self.docs[values[0]] = _Doc(*values[:5], _as_date(values[5]), _as_date(values[6]), *values[7:])
            out.append(doc)
        return out


def _read_chunk(valid) -> _Known:
    """A few queries for the whole chunk: recorded NTPNs, taxpayers, issued codes, then the documents of each
    matching path (path 3 only for rows the first two cannot serve)."""
    ntpns = list({normalise_ntpn(r.ntpn) for _, r in valid})
    found = [n for (n,) in select_in(f"SELECT ntpn FROM {table(Payment)} WHERE ntpn IN ({{}})", ntpns)]
    existing = {p.ntpn: p for p in Payment.objects.filter(ntpn__in=found)} if found else {}
    npwps = list({_npwp16(r.npwp16) for _, r in valid if r.npwp16})
    taxpayers = {
        n: (tid, oid)
        for n, tid, oid in select_in(
            f"SELECT npwp16, id, office_id FROM {table(Taxpayer)} WHERE npwp16 IN ({{}})", npwps
        )
    }
    known = _Known(existing, taxpayers, _issued_codes(valid))
    known.load("id IN ({})", [d for code in known.codes.values() for d in code.document_ids])
    _read_by_number(valid, known)
    _read_by_kap(valid, known)
    return known


def _issued_codes(valid) -> dict[str, IssuedCode]:
    """Billing codes are billing's, above the ledger: asked with a signal, answered in this transaction."""
    wanted = list({r.billing_code.strip() for _, r in valid if r.billing_code})
    codes: dict[str, IssuedCode] = {}
    if wanted:
        for answer in ask(billing_codes_wanted, sender=Payment, codes=wanted):
            codes.update(answer)
    return codes


def _read_by_number(valid, known: _Known) -> None:
    tp_ids = list({v[0] for v in known.taxpayers.values()})
    numbers = list({r.document_number.strip() for _, r in valid if r.document_number})
    for doc in known.load("taxpayer_id IN ({}) AND number IN ({})", tp_ids, numbers):
        known.by_number[(doc.taxpayer_id, doc.number)] = doc


def _read_by_kap(valid, known: _Known) -> None:
    need_kap = set()
    for _, r in valid:
        tp = known.taxpayers.get(_npwp16(r.npwp16))
        if (
            tp
            and r.kap
            and not (r.billing_code and r.billing_code.strip() in known.codes)
            and (tp[0], (r.document_number or "").strip()) not in known.by_number
        ):
            need_kap.add((tp[0], r.kap))
    if not need_kap:
        return
    # No state condition in SQL: SQLite would pick the state index and read every open document of the
    # ledger; the (taxpayer, kap, period) index reads a few rows per taxpayer, filtered below.
    for doc in known.load(
        "taxpayer_id IN ({}) AND kap IN ({})", list({t for t, _ in need_kap}), list({k for _, k in need_kap})
    ):
        if (doc.taxpayer_id, doc.kap) in need_kap:
            known.by_kap[(doc.taxpayer_id, doc.kap)].append(doc)
    for lst in known.by_kap.values():
        lst.sort(key=lambda d: d.sort_key)


# --- step 2: plan each row in memory ---------------------------------------------------------------


def _plan_rows(valid, results, known: _Known, *, office_id, now) -> tuple[list[_Plan], list[tuple[int, Payment]]]:
    """Each row in order becomes a repeat (of a recorded payment, or of an earlier row), a rejection, or a plan.
    A plan is applied to the in-memory documents at once, so later rows of the chunk see the new balances.
    Returns the plans and the repeats of recorded payments that ask for clearing."""
    plans: list[_Plan] = []
    seen: dict[str, _Plan] = {}
    unchanged_clear: list[tuple[int, Payment]] = []
    for i, row in valid:
        ntpn = normalise_ntpn(row.ntpn)
        prior = known.existing.get(ntpn)
        if prior is not None:
            results[i] = _repeat_of_recorded(prior, row, ntpn)
            if row.cleared and isinstance(results[i], PaymentOutcome):
                unchanged_clear.append((i, prior))
            continue
        if ntpn in seen:
            results[i] = _repeat_in_chunk(seen[ntpn], row, ntpn)
            continue
        match = _match(row, known, office_id=office_id)
        if isinstance(match, PaymentRejected):
            results[i] = match
            continue
        plan = _allocate(i, row, ntpn, match)
        _apply_in_memory(plan, now)
        plans.append(plan)
        seen[ntpn] = plan
    return plans, unchanged_clear


def _repeat_of_recorded(prior: Payment, row: PaymentRow, ntpn: str) -> PaymentOutcome | PaymentRejected:
    if _same(prior, row):
        return PaymentOutcome("unchanged", prior, bool(prior.match_method), [])
    return PaymentRejected("ntpn", f"NTPN {ntpn} sudah tercatat untuk pembayaran lain")


def _repeat_in_chunk(first: _Plan, row: PaymentRow, ntpn: str) -> tuple | PaymentRejected:
    """The same payment twice in one chunk: the second is "unchanged" once the first is written (_fill_outcomes)."""
    if (
        first.row.amount == row.amount
        and first.row.paid_at == row.paid_at
        and _npwp16(first.row.npwp16) == _npwp16(row.npwp16)
    ):
        return ("same-as", first)
    return PaymentRejected("ntpn", f"NTPN {ntpn} muncul dua kali dengan data berbeda")


@dataclass
class _Match:
    """Whose payment a row is, by which path, and the documents it may pay in order (not yet allocated)."""

    taxpayer_id: int | None
    office_id: int | None
    method: str
    targets: list[_Doc]
    warnings: list[str]
    billing_code_id: int | None


def _unknown(npwp: str, code: str) -> PaymentRejected:
    what = f"NPWP {npwp}" if npwp else f"Kode billing {code}"
    return PaymentRejected(
        "npwp" if npwp else "billing_code", f"{what} tidak terdaftar di Just Triple C; pembayaran tidak dicatat"
    )


def _match(row: PaymentRow, known: _Known, *, office_id) -> _Match | PaymentRejected:
    """Path 1 by billing code we issued, else the NPWP's taxpayer: path 2 by document number, path 3 by KAP
    (and period). Unmatched rows of a known taxpayer go to the queue; an unknown NPWP is refused."""
    warnings: list[str] = []
    code = (row.billing_code or "").strip()
    npwp = _npwp16(row.npwp16)
    tp = known.taxpayers.get(npwp)
    issued = known.codes.get(code) if code else None
    method = ""
    targets: list[_Doc] = []
    if issued is not None:
        if tp is not None and tp[0] != issued.taxpayer_id:
            warnings.append("NPWP pada pembayaran berbeda dengan NPWP kode billing; dicocokkan menurut kode billing")
        taxpayer_id, office = issued.taxpayer_id, issued.office_id
        method = MatchMethod.BILLING_CODE
        targets = sorted((known.docs[d] for d in issued.document_ids), key=lambda d: d.sort_key)
    elif tp is None:
        return _unknown(npwp, code)
    else:
        taxpayer_id, office = tp
        doc = known.by_number.get((taxpayer_id, (row.document_number or "").strip()))
        if doc is not None:
            method, targets = MatchMethod.DOCUMENT_NUMBER, [doc]
        elif row.kap:
            candidates = [
                d for d in known.by_kap.get((taxpayer_id, row.kap), []) if d.state in _ALLOCATABLE and d.amount_due > 0
            ]
            if row.period_start is not None:
                candidates = [d for d in candidates if d.period_start == row.period_start]
                if candidates:
                    method, targets = MatchMethod.KAP_PERIOD, candidates
            elif len(candidates) == 1:
                method, targets = MatchMethod.KAP_PERIOD, candidates
            elif len(candidates) > 1:
                warnings.append(
                    f"{len(candidates)} dokumen terbuka dengan KAP {row.kap}; tanpa masa pajak tidak dapat dipilih"
                )
        if code and not method:
            warnings.append(f"Kode billing {code} tidak diterbitkan melalui Just Triple C")
    if office_id is not None and office != office_id:
        # Word for word the answer for an unknown NPWP: nothing tells that another office has it.
        return _unknown(npwp, code)
    return _Match(taxpayer_id, office, method, targets, warnings, issued.id if issued else None)


def _allocate(index: int, row: PaymentRow, ntpn: str, match: _Match) -> _Plan:
    """The amount over the matched documents in order, each up to what it still owes; the rest is overpaid."""
    warnings = match.warnings
    allocations: list[tuple[_Doc, int]] = []
    remaining = row.amount
    for doc in match.targets:
        if remaining <= 0:
            break
        if doc.state not in _ALLOCATABLE or doc.amount_due <= 0:
            continue
        take = min(remaining, doc.amount_due)
        allocations.append((doc, take))
        remaining -= take
    if match.method and not allocations:
        warnings.append(
            "Dokumen yang cocok sudah lunas atau tidak lagi terutang; seluruh jumlah dicatat sebagai kelebihan bayar"
        )
    overpaid = remaining if match.method else 0
    if overpaid:
        warnings.append(f"Kelebihan bayar Rp{overpaid:,}".replace(",", "."))
    if not match.method:
        warnings.append("Tidak cocok dengan dokumen mana pun; masuk antrean pembayaran belum cocok")
    return _Plan(
        index,
        row,
        ntpn,
        match.taxpayer_id,
        match.office_id,
        match.method,
        allocations,
        overpaid,
        warnings,
        billing_code_id=match.billing_code_id,
    )


def _apply_in_memory(plan: _Plan, now: dt.datetime) -> None:
    """New balances and states of the plan's documents (written later by _write); clearing if the row asks."""
    row = plan.row
    for doc, take in plan.allocations:
        doc.amount_due -= take
        doc.dirty = True
        if doc.amount_due == 0:
            doc.state = _PAID
            doc.paid_at = row.paid_at
            plan.documents_paid.append(doc.number)
    if row.cleared:
        for doc, _ in plan.allocations:
            if doc.amount_due == 0:
                doc.state, doc.cleared_at = _CLEARED, now
            else:
                plan.warnings.append(
                    f"Dokumen {doc.number} ditandai lunas oleh sistem inti tetapi masih bersaldo; tidak di-clear"
                )
        if not plan.allocations:
            plan.warnings.append("Tanda clear diabaikan: pembayaran belum cocok dengan dokumen")


# --- step 3: write ---------------------------------------------------------------------------------


def _clear_again(unchanged_clear: list[tuple[int, Payment]], results, now: dt.datetime) -> set[int]:
    """Rows seen again with cleared=True: clear the documents their payment already settled (row locks)."""
    cleared: set[int] = set()
    for i, prior in unchanged_clear:
        for doc in DebtDocument.objects.select_for_update().filter(
            allocations__payment=prior, state=DocumentState.PAID, amount_due=0
        ):
            doc.state, doc.cleared_at = DocumentState.CLEARED, now
            doc.save(update_fields=["state", "cleared_at", "updated_at"])
            cleared.add(doc.pk)
            results[i].status = "imported"
            results[i].warnings.append(f"Dokumen {doc.number} di-clear (saldo nol dikonfirmasi)")
    return cleared


def _write(plans: list[_Plan], docs: dict[int, _Doc], *, now: dt.datetime, channel: str) -> None:
    """Bulk writes with executemany: Django's bulk_create spends most of its time composing SQL for this size."""
    ops = connection.ops
    cache: dict = {}

    def dtv(value):
        if value not in cache:
            cache[value] = _db_datetime(value)
        return cache[value]

    datev = ops.adapt_datefield_value
    columns = [
        "ntpn",
        "billing_code",
        "office_id",
        "taxpayer_id",
        "npwp",
        "document_number",
        "kap",
        "kjs",
        "amount",
        "paid_at",
        "bank",
        "period_start",
        "match_method",
        "overpaid_amount",
        "matched_at",
        "source",
        "created_at",
    ]
    rows = []
    now_db = dtv(now)
    source = channel[:20]
    for p in plans:
        r = p.row
        rows.append(
            (
                p.ntpn,
                (r.billing_code or "").strip(),
                p.office_id,
                p.taxpayer_id,
                _npwp16(r.npwp16),
                (r.document_number or "").strip(),
                r.kap or "",
                r.kjs or "",
                r.amount,
                dtv(r.paid_at),
                r.bank or "",
                datev(r.period_start),
                p.method,
                p.overpaid,
                now_db if p.method else None,
                source,
                now_db,
            )
        )
        p.values = None
        p.now, p.source = now, source
    q = ops.quote_name
    payment_table = q(Payment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {payment_table} ({', '.join(q(c) for c in columns)}) VALUES ({', '.join(['%s'] * len(columns))})",
            rows,
        )
        ids = dict(select_in(f"SELECT ntpn, id FROM {payment_table} WHERE ntpn IN ({{}})", [p.ntpn for p in plans]))
        for p in plans:
            p.payment_id = ids[p.ntpn]
        allocations = [(p.payment_id, doc.id, take) for p in plans for doc, take in p.allocations]
        if allocations:
            cursor.executemany(
                f"INSERT INTO {q(PaymentAllocation._meta.db_table)} (payment_id, document_id, amount) VALUES (%s, %s, %s)",
                allocations,
            )
        dirty = [d for d in docs.values() if d.dirty]
        if dirty:
            cursor.executemany(
                f"UPDATE {q(DebtDocument._meta.db_table)} SET amount_due = %s, state = %s, paid_at = %s, cleared_at = %s, "
                "updated_at = %s WHERE id = %s",
                [(d.amount_due, d.state, dtv(d.paid_at), dtv(d.cleared_at), dtv(now), d.id) for d in dirty],
            )


def _mark_codes_paid(plans: list[_Plan]) -> None:
    """Billing marks its codes paid in this transaction: a code is paid together with its payment or not at all."""
    paid = [(p.billing_code_id, p.row.paid_at) for p in plans if p.billing_code_id and p.allocations]
    if paid:
        ask(billing_codes_paid, sender=Payment, paid=paid)


# --- step 4: outcomes, closing, audit and receipts -------------------------------------------------


def _fill_outcomes(plans: list[_Plan], results) -> None:
    for plan in plans:
        results[plan.index] = PaymentOutcome(
            "imported",
            None,
            bool(plan.method),
            plan.warnings,
            plan.documents_paid,
            loader=lambda plan=plan: plan.payment,
        )
    for i, value in enumerate(results):
        if isinstance(value, tuple) and value[0] == "same-as":
            first = value[1]
            results[i] = PaymentOutcome(
                "unchanged", None, bool(first.method), [], loader=lambda first=first: first.payment
            )


def _record_chunk_done(
    plans: list[_Plan], docs: dict[int, _Doc], cleared_again: set[int], *, now, actor, channel, notify
) -> None:
    """Close the Teguran the chunk settled, confirm "sudah bayar" claims, one audit entry, receipts after commit."""
    closed = teguran_close_settled(
        [d.id for d in docs.values() if d.dirty and d.amount_due == 0] + list(cleared_again), at=now
    )
    _confirm_claims(plans, now)
    single = plans[0] if len(plans) == 1 else None
    audit_record(
        action="payment.import",
        actor=actor,
        channel=channel,
        obj=single.payment if single else None,
        summary=Phrase(
            "NTPN %(ntpn)s: %(method)s", ntpn=single.ntpn, method=MATCH_PHRASES.get(single.method, NOT_MATCHED)
        )
        if single
        else Phrase("%(n)s payments recorded", n=len(plans)),
        detail={
            "payments": len(plans),
            "matched": sum(1 for p in plans if p.method),
            "overpaid": sum(1 for p in plans if p.overpaid),
            "teguran_closed": closed,
        },
    )
    if notify:
        # Every payment applied to documents gets its receipt, a partial one too (it says what is left).
        paid_ids = [p.payment_id for p in plans if p.allocations]
        if paid_ids:
            send_after_commit(payments_applied, sender=Payment, payment_ids=paid_ids)


def _confirm_claims(plans: list[_Plan], now: dt.datetime) -> None:
    """A "sudah bayar" claim is confirmed by the payment that carries its NTPN (same taxpayer only)."""
    by_ntpn = {p.ntpn: p for p in plans}
    pending = [
        pk
        for (pk,) in select_in(
            f"SELECT id FROM {table(PaymentClaim)} WHERE status = 'pending' AND ntpn IN ({{}})", list(by_ntpn)
        )
    ]
    for claim in PaymentClaim.objects.filter(pk__in=pending):
        plan = by_ntpn[claim.ntpn]
        if plan.taxpayer_id == claim.taxpayer_id:
            claim.status, claim.payment, claim.resolved_at = ClaimStatus.CONFIRMED, plan.payment, now
            claim.save(update_fields=["status", "payment", "resolved_at"])
        else:
            claim.note = "NTPN tercatat atas wajib pajak lain; perlu diperiksa petugas"
            claim.save(update_fields=["note"])


# --- the unmatched queue and claims -----------------------------------------------------------------


class AssignmentError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@transaction.atomic
def assign_payment(
    *, payment: Payment, documents: Sequence[DebtDocument], actor, channel: str = "web", note: str = ""
) -> PaymentOutcome:
    """Staff allocate an unmatched payment to documents of one taxpayer, in the order given. Audited."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.match_method:
        raise AssignmentError(f"NTPN {payment.ntpn} sudah dicocokkan ({payment.get_match_method_display()})")
    if not documents:
        raise AssignmentError("Pilih minimal satu dokumen")
    docs = list(DebtDocument.objects.select_for_update().filter(pk__in=[d.pk for d in documents]))
    order = {d.pk: n for n, d in enumerate(documents)}
    docs.sort(key=lambda d: order[d.pk])
    taxpayers = {d.taxpayer_id for d in docs}
    if len(taxpayers) != 1:
        raise AssignmentError("Semua dokumen harus milik satu wajib pajak")
    if (
        actor is not None
        and not getattr(actor, "is_administrator", False)
        and any(d.office_id != actor.office_id for d in docs)
    ):
        raise AssignmentError("Dokumen bukan milik kantor Anda")
    owed = [d for d in docs if is_owed(d)]
    if not owed:
        raise AssignmentError("Dokumen yang dipilih sudah lunas atau tidak lagi terutang")
    now = timezone.now()
    before_taxpayer = payment.taxpayer_id
    remaining = payment.amount
    paid: list[str] = []
    for doc in owed:
        if remaining <= 0:
            break
        take = min(remaining, doc.amount_due)
        PaymentAllocation.objects.create(payment=payment, document=doc, amount=take)
        doc.amount_due -= take
        remaining -= take
        fields = ["amount_due", "updated_at"]
        if doc.amount_due == 0:
            doc.state, doc.paid_at = DocumentState.PAID, payment.paid_at
            fields += ["state", "paid_at"]
            paid.append(doc.number)
        doc.save(update_fields=fields)
    payment.taxpayer_id, payment.office_id = docs[0].taxpayer_id, docs[0].office_id
    payment.match_method, payment.matched_at, payment.overpaid_amount = MatchMethod.MANUAL, now, remaining
    payment.save(update_fields=["taxpayer", "office", "match_method", "matched_at", "overpaid_amount"])
    teguran_close_settled([d.pk for d in owed if d.amount_due == 0], at=now)
    summary = Phrase(
        "NTPN %(ntpn)s assigned to %(documents)s", ntpn=payment.ntpn, documents=", ".join(d.number for d in owed)
    )
    detail = {
        "documents": [d.number for d in owed],
        "previous_taxpayer_id": before_taxpayer,
        "overpaid": remaining,
        "note": note[:300],
    }
    audit_record(action="payment.assign", actor=actor, obj=payment, channel=channel, summary=summary, detail=detail)
    _confirm_claims(
        [_Plan(0, None, payment.ntpn, payment.taxpayer_id, payment.office_id, "manual", [], 0, [], _payment=payment)],
        now,
    )  # type: ignore[arg-type]
    warnings = [f"Kelebihan bayar Rp{remaining:,}".replace(",", ".")] if remaining else []
    # At least one document received money: its receipt says what is left.
    send_after_commit(payments_applied, sender=Payment, payment_ids=[payment.pk])
    return PaymentOutcome("imported", payment, True, warnings, paid)


@dataclass
class ClaimResult:
    """What the bot may tell the taxpayer: `found` (payment recorded for them), `pending` (kept for staff)."""

    status: str
    claim: PaymentClaim | None = None
    payment: Payment | None = None
    message: str = ""


@transaction.atomic
def check_payment_claim(*, taxpayer, ntpn: str, channel: str = "bot", actor=None) -> ClaimResult:
    """A taxpayer says "sudah bayar" with an NTPN. Found for them: say so. Otherwise keep a claim for staff.

    An NTPN recorded for another taxpayer is not disclosed: the claim is kept, with a note for staff.
    """
    ntpn = normalise_ntpn(ntpn)
    if not NTPN_RE.match(ntpn):
        return ClaimResult(
            "invalid",
            message="NTPN terdiri dari 16 huruf/angka, tertera pada Bukti Penerimaan Negara (BPN). Mohon periksa kembali.",
        )
    payment = Payment.objects.filter(ntpn=ntpn).first()
    if payment is not None and payment.taxpayer_id == taxpayer.pk:
        PaymentClaim.objects.filter(taxpayer=taxpayer, ntpn=ntpn, status=ClaimStatus.PENDING).update(
            status=ClaimStatus.CONFIRMED, payment=payment, resolved_at=timezone.now()
        )
        summary = Phrase("payment claim NTPN %(ntpn)s: the payment was found", ntpn=ntpn)
        audit_record(
            action="payment.claim_found", actor=actor, obj=payment, taxpayer=taxpayer, channel=channel, summary=summary
        )
        return ClaimResult(
            "found",
            payment=payment,
            message=f"Terima kasih. Pembayaran dengan NTPN {ntpn} sebesar Rp{payment.amount:,} sudah kami terima.".replace(
                ",", "."
            ),
        )
    claim, created = PaymentClaim.objects.get_or_create(
        taxpayer=taxpayer, ntpn=ntpn, defaults={"office_id": taxpayer.office_id, "channel": channel[:20]}
    )
    if payment is not None and not claim.note:
        claim.note = "NTPN tercatat atas wajib pajak lain; perlu diperiksa petugas"
        claim.save(update_fields=["note"])
    if created:
        audit_record(
            action="payment.claim",
            actor=actor,
            obj=claim,
            channel=channel,
            summary=Phrase(
                "payment claim NTPN %(ntpn)s (%(npwp)s) waiting for verification",
                ntpn=ntpn,
                npwp=mask_npwp(taxpayer.npwp16),
            ),
        )
    return ClaimResult(
        "pending",
        claim=claim,
        message=f"Terima kasih. NTPN {ntpn} belum tercatat pada data kami; data pembayaran dari bank dapat "
        "terlambat beberapa hari. Petugas kami akan memeriksanya dan mengabari Anda.",
    )


@transaction.atomic
def resolve_claim(*, claim: PaymentClaim, actor, accept: bool, note: str = "", channel: str = "web") -> PaymentClaim:
    """Staff settle a pending claim by hand (e.g. after seeing the BPN). Audited."""
    claim = PaymentClaim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != ClaimStatus.PENDING:
        return claim
    claim.status = ClaimStatus.CONFIRMED if accept else ClaimStatus.REJECTED
    claim.resolved_at, claim.resolved_by = timezone.now(), actor
    claim.note = (note or claim.note)[:300]
    claim.payment = Payment.objects.filter(ntpn=claim.ntpn, taxpayer=claim.taxpayer).first()
    claim.save()
    summary = (
        Phrase("payment claim NTPN %(ntpn)s confirmed", ntpn=claim.ntpn)
        if accept
        else Phrase("payment claim NTPN %(ntpn)s rejected", ntpn=claim.ntpn)
    )
    detail = {"note": note[:300]}
    audit_record(
        action="payment.claim_resolve", actor=actor, obj=claim, channel=channel, summary=summary, detail=detail
    )
    return claim
