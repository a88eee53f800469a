"""`triplec import debts FILE`: debt documents (STP, SKPKB, SKPKBT, SK, Putusan) with their amounts.

The document number is unique per office, so (office, number) is the key. The state column is optional: when
absent, a new document is open and a stored one keeps the state that payments and officers gave it.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from triplec.core.phrases import Phrase
from triplec.imports import values
from triplec.ledger.models import STATES_NEEDING_REASON, DebtDocument, DocumentState, DocumentType

from .base import (
    LABELS,
    NumberedKind,
    Row,
    RowRejected,
    adapt_date,
    adapt_datetime,
    cell,
    insert_many,
    limited,
    update_many,
)
from .common import (
    DATE_HELP,
    DOCUMENT_NUMBER,
    KAP,
    KJS,
    NPWP,
    OFFICE_CODE,
    UNKNOWN_NPWP,
    npwp16_of,
    optional,
    required,
    taxpayers_by_npwp,
)

DOCUMENT_TYPES = {
    "stp": DocumentType.STP,
    "skpkb": DocumentType.SKPKB,
    "skpkbt": DocumentType.SKPKBT,
    "sk_pembetulan": DocumentType.SK_PEMBETULAN,
    "skpembetulan": DocumentType.SK_PEMBETULAN,
    "sk_keberatan": DocumentType.SK_KEBERATAN,
    "skkeberatan": DocumentType.SK_KEBERATAN,
    "putusan_banding": DocumentType.PUTUSAN_BANDING,
    "banding": DocumentType.PUTUSAN_BANDING,
    "putusan_pk": DocumentType.PUTUSAN_PK,
    "pk": DocumentType.PUTUSAN_PK,
    "putusan_peninjauan_kembali": DocumentType.PUTUSAN_PK,
}
STATES = {
    "open": DocumentState.OPEN,
    "terbuka": DocumentState.OPEN,
    "belum_lunas": DocumentState.OPEN,
    "instalment": DocumentState.INSTALMENT,
    "angsuran": DocumentState.INSTALMENT,
    "penundaan": DocumentState.INSTALMENT,
    "objection": DocumentState.OBJECTION,
    "keberatan": DocumentState.OBJECTION,
    "banding": DocumentState.OBJECTION,
    "paid": DocumentState.PAID,
    "lunas": DocumentState.PAID,
    "cleared": DocumentState.CLEARED,
    "nihil": DocumentState.CLEARED,
    "cancelled": DocumentState.CANCELLED,
    "batal": DocumentState.CANCELLED,
    "written_off": DocumentState.WRITTEN_OFF,
    "dihapuskan": DocumentState.WRITTEN_OFF,
    "suspended": DocumentState.SUSPENDED,
    "ditangguhkan": DocumentState.SUSPENDED,
}
# KJS a document type is normally paid with (domain-tax-collection.md); others get a warning, not a rejection.
EXPECTED_KJS = {
    DocumentType.STP: {"300"},
    DocumentType.SKPKB: {"300", "310", "311", "312", "313"},
    DocumentType.SKPKBT: {"300", "320", "321", "322", "323"},
}
KNOWN_KAP = {
    "411121",
    "411122",
    "411123",
    "411124",
    "411125",
    "411126",
    "411127",
    "411128",
    "411129",
    "411211",
    "411212",
    "411219",
    "411221",
    "411222",
    "411611",
}

FIELDS = (
    "taxpayer",
    "document_type",
    "issue_date",
    "kap",
    "kjs",
    "period_start",
    "period_end",
    "tax_year",
    "principal",
    "sanctions",
    "amount_due",
    "due_date",
    "state",
    "state_reason",
)


@dataclass(frozen=True, slots=True)
class DebtItem:
    office_id: int
    npwp16: str
    number: str
    values: tuple  # FIELDS[1:]; state and state_reason None when the file does not say


class DebtsKind(NumberedKind):
    name = "debts"
    columns = (
        OFFICE_CODE,
        NPWP,
        required("document_type", help=", ".join(DocumentType.values)),
        DOCUMENT_NUMBER,
        required("document_date", help=DATE_HELP),
        KAP,
        KJS,
        optional("tax_period_start", help=_("default 1 January of the tax year")),
        optional("tax_period_end", help=_("default 31 December of the tax year")),
        required("tax_year", help=_("4 digits, e.g. 2025")),
        required("principal", help=_("whole rupiah")),
        optional("sanctions", help=_("whole rupiah, default 0")),
        optional("amount_due", help=_("still payable, default principal + sanctions")),
        optional("due_date", help=_("default document date + 1 month")),
        optional("state", help=_("open, instalment, objection, paid, cleared, ...")),
        optional("state_reason", help=_("why the document is in that state, e.g. the decision number")),
    )

    key_column = "document_number"

    def validate(self, row: Row) -> DebtItem:
        office_id, _zone = self.ctx.office_for(row)
        npwp16 = npwp16_of(row)
        document_type = cell(row, "document_type", values.choice, DOCUMENT_TYPES, name=LABELS["document_type"])
        number = self.number(row)
        issue = cell(row, "document_date", values.date)
        if issue > self.ctx.now.date() + dt.timedelta(days=1):
            raise RowRejected("document_date", Phrase("document date is in the future"))
        kap = cell(row, "kap", values.digits, length=6, name="KAP")
        kjs = cell(row, "kjs", values.digits, length=3, name="KJS")
        if kap not in KNOWN_KAP:
            row.warn("kap", Phrase("KAP %(kap)s is not one of the common KAPs; check it", kap=kap))
        expected = EXPECTED_KJS.get(document_type)
        if expected and kjs not in expected:
            row.warn(
                "kjs",
                Phrase(
                    "KJS %(kjs)s is unusual for %(type)s (expected %(expected)s)",
                    kjs=kjs,
                    type=document_type,
                    expected=", ".join(sorted(expected)),
                ),
            )
        tax_year = cell(row, "tax_year", values.year)
        start = cell(row, "tax_period_start", values.date) if row.get("tax_period_start") else dt.date(tax_year, 1, 1)
        end = cell(row, "tax_period_end", values.date) if row.get("tax_period_end") else dt.date(tax_year, 12, 31)
        if end < start:
            raise RowRejected("tax_period_end", Phrase("tax period ends before it starts"))
        principal = cell(row, "principal", values.amount)
        sanctions = cell(row, "sanctions", values.amount) if row.get("sanctions") is not None else 0
        amount_due = (
            cell(row, "amount_due", values.amount) if row.get("amount_due") is not None else principal + sanctions
        )
        if amount_due > principal + sanctions:
            row.warn("amount_due", Phrase("amount still payable is more than principal + sanctions"))
        due = cell(row, "due_date", values.date) if row.get("due_date") else DebtDocument.default_due_date(issue)
        if due < issue:
            raise RowRejected("due_date", Phrase("due date is before the document date"))
        state = reason = None
        if row.get("state") is not None:
            state = cell(row, "state", values.choice, STATES, name=LABELS["state"])
            reason = limited(row, "state_reason", 300, label=LABELS["state_reason"])
            if state in STATES_NEEDING_REASON and not reason:
                raise RowRejected(
                    "state_reason", Phrase("state %(state)s needs a reason (state_reason column)", state=state)
                )
        return DebtItem(
            office_id,
            npwp16,
            number,
            (
                document_type,
                issue,
                kap,
                kjs,
                start,
                end,
                tax_year,
                principal,
                sanctions,
                amount_due,
                due,
                state,
                reason,
            ),
        )

    def write(self, batch: list[tuple[Row, DebtItem]]) -> list:
        now = self.ctx.now
        taxpayers = taxpayers_by_npwp(i.npwp16 for _, i in batch)
        existing = {
            (r[1], r[2]): r
            for r in DebtDocument.objects.filter(
                office_id__in={i.office_id for _, i in batch}, number__in={i.number for _, i in batch}
            ).values_list("id", "office_id", "number", "taxpayer_id", *FIELDS[1:])
        }
        statuses: list = []
        inserts, updates = [], []
        for row, item in batch:
            taxpayer = taxpayers.get(item.npwp16)
            # Another office's taxpayer is answered exactly like an unknown NPWP: the report never confirms that
            # an NPWP exists elsewhere, and a document never joins one office to another office's taxpayer.
            if taxpayer is None or taxpayer[1] != item.office_id:
                statuses.append(RowRejected("npwp", UNKNOWN_NPWP))
                continue
            found = existing.get((item.office_id, item.number))
            if found is None:
                v = list(item.values)
                v[-2] = v[-2] or DocumentState.OPEN
                v[-1] = v[-1] or ""
                inserts.append((item.office_id, item.number, taxpayer[0], *v, now, now))
                statuses.append("imported")
                continue
            if found[3] != taxpayer[0]:
                statuses.append(
                    RowRejected("document_number", Phrase("this document number belongs to another taxpayer"))
                )
                continue
            stored = found[4:]
            merged = tuple(s if new is None else new for s, new in zip(stored, item.values))
            if merged == stored:
                statuses.append("unchanged")
            elif row.seen_earlier:
                statuses.append(
                    RowRejected(
                        "document_number",
                        Phrase("this document is in an earlier row of this file with different data"),
                    )
                )
            else:
                updates.append((*merged, now, found[0]))
                statuses.append("updated")
        if inserts:
            insert_many(
                DebtDocument,
                ("office", "number", *FIELDS, "created_at", "updated_at"),
                [_adapt(r[:-2]) + (adapt_datetime(r[-2]), adapt_datetime(r[-1])) for r in inserts],
            )
        if updates:
            update_many(
                DebtDocument,
                (*FIELDS[1:], "updated_at"),
                [_adapt(u[:-2]) + (adapt_datetime(u[-2]), u[-1]) for u in updates],
            )
        return statuses


def _adapt(values_: tuple) -> tuple:
    return tuple(adapt_date(v) if isinstance(v, dt.date) else v for v in values_)
