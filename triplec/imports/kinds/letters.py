"""`triplec import letters FILE`: Surat Teguran, each covering one or more debt documents of one taxpayer.

The delivered date is what starts the 21 days to a Surat Paksa, so it is checked hard: not before the letter
date and not in the future. An empty delivered date never erases one already recorded.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from triplec.core.phrases import Phrase
from triplec.imports import values
from triplec.ledger.models import DebtDocument, SuratTeguran

from .base import NumberedKind, Row, RowRejected, adapt_date, adapt_datetime, cell, insert_many, update_many
from .common import DATE_HELP, NPWP, OFFICE_CODE, UNKNOWN_NPWP, npwp16_of, optional, required, taxpayers_by_npwp

Through = SuratTeguran.documents.through


@dataclass(frozen=True, slots=True)
class LetterItem:
    office_id: int
    npwp16: str
    number: str
    issue_date: dt.date
    delivered_date: dt.date | None
    document_numbers: tuple[str, ...]


class LettersKind(NumberedKind):
    name = "letters"
    columns = (
        OFFICE_CODE,
        required("letter_number", help=_("the Surat Teguran number")),
        required("letter_date", help=DATE_HELP),
        NPWP,
        optional("delivered_date", help=_("date the taxpayer received the letter; empty while not delivered")),
        required("document_numbers", help=_("document numbers, separated by ;")),
    )

    key_column = "letter_number"

    def validate(self, row: Row) -> LetterItem:
        office_id, _zone = self.ctx.office_for(row)
        number = self.number(row)
        issue = cell(row, "letter_date", values.date)
        today = self.ctx.now.date() + dt.timedelta(days=1)
        if issue > today:
            raise RowRejected("letter_date", Phrase("letter date is in the future"))
        npwp16 = npwp16_of(row)
        delivered = None
        if row.get("delivered_date") is not None:
            delivered = cell(row, "delivered_date", values.date)
            if delivered < issue:
                raise RowRejected("delivered_date", Phrase("delivered before the letter date"))
            if delivered > today:
                raise RowRejected("delivered_date", Phrase("delivered date is in the future"))
        raw = row.text("document_numbers")
        numbers = tuple(dict.fromkeys(" ".join(n.split()) for n in re.split(r"[;,\n|]", raw) if n.strip()))
        if not numbers:
            raise RowRejected("document_numbers", Phrase("no document numbers (separate several with ;)"))
        return LetterItem(office_id, npwp16, number, issue, delivered, numbers)

    def write(self, batch: list[tuple[Row, LetterItem]]) -> list:
        now = self.ctx.now
        taxpayers = taxpayers_by_npwp(i.npwp16 for _, i in batch)
        offices = {i.office_id for _, i in batch}
        documents = {
            (o, n): (i, t)
            for i, o, n, t in DebtDocument.objects.filter(
                office_id__in=offices, number__in={n for _, i in batch for n in i.document_numbers}
            ).values_list("id", "office_id", "number", "taxpayer_id")
        }
        existing = {
            (o, n): (i, t, d, dd)
            for i, o, n, t, d, dd in SuratTeguran.objects.filter(
                office_id__in=offices, number__in={i.number for _, i in batch}
            ).values_list("id", "office_id", "number", "taxpayer_id", "issue_date", "delivered_date")
        }
        linked: dict[int, set[int]] = {}
        if existing:
            for t, d in Through.objects.filter(suratteguran_id__in=[e[0] for e in existing.values()]).values_list(
                "suratteguran_id", "debtdocument_id"
            ):
                linked.setdefault(t, set()).add(d)

        statuses: list = []
        inserts: list[tuple] = []
        new_links: dict[tuple[int, str], set[int]] = {}
        updates, link_adds, link_removes = [], [], []
        for row, item in batch:
            taxpayer = taxpayers.get(item.npwp16)
            if taxpayer is None or taxpayer[1] != item.office_id:  # another office's: as if unknown
                statuses.append(RowRejected("npwp", UNKNOWN_NPWP))
                continue
            doc_ids, missing, foreign = set(), [], []
            for number in item.document_numbers:
                doc = documents.get((item.office_id, number))
                if doc is None:
                    missing.append(number)
                elif doc[1] != taxpayer[0]:
                    foreign.append(number)
                else:
                    doc_ids.add(doc[0])
            if missing or foreign:
                problem = (
                    Phrase("no such document at this office: %(numbers)s", numbers="; ".join(missing))
                    if missing
                    else Phrase("document of another taxpayer: %(numbers)s", numbers="; ".join(foreign))
                )
                statuses.append(RowRejected("document_numbers", problem))
                continue
            found = existing.get((item.office_id, item.number))
            if found is None:
                inserts.append(
                    (
                        item.office_id,
                        item.number,
                        taxpayer[0],
                        adapt_date(item.issue_date),
                        adapt_date(item.delivered_date),
                        adapt_datetime(now),
                    )
                )
                new_links[(item.office_id, item.number)] = doc_ids
                statuses.append("imported")
                continue
            letter_id, letter_taxpayer, stored_issue, stored_delivered = found
            if letter_taxpayer != taxpayer[0]:
                statuses.append(RowRejected("letter_number", Phrase("this letter number belongs to another taxpayer")))
                continue
            delivered = item.delivered_date or stored_delivered
            stored_docs = linked.get(letter_id, set())
            if (item.issue_date, delivered) == (stored_issue, stored_delivered) and doc_ids == stored_docs:
                statuses.append("unchanged")
                continue
            if row.seen_earlier:
                statuses.append(
                    RowRejected(
                        "letter_number", Phrase("this letter is in an earlier row of this file with different data")
                    )
                )
                continue
            updates.append((adapt_date(item.issue_date), adapt_date(delivered), letter_id))
            link_adds.extend((letter_id, d) for d in doc_ids - stored_docs)
            link_removes.extend((letter_id, d) for d in stored_docs - doc_ids)
            statuses.append("updated")
        if inserts:
            insert_many(
                SuratTeguran, ("office", "number", "taxpayer", "issue_date", "delivered_date", "created_at"), inserts
            )
            ids = {
                (o, n): i
                for i, o, n in SuratTeguran.objects.filter(
                    office_id__in=offices, number__in=[r[1] for r in inserts]
                ).values_list("id", "office_id", "number")
            }
            link_adds.extend((ids[key], d) for key, docs in new_links.items() for d in docs)
        update_many(SuratTeguran, ("issue_date", "delivered_date"), updates)
        if link_adds:
            insert_many(Through, ("suratteguran", "debtdocument"), link_adds)
        for letter_id, doc_id in link_removes:
            Through.objects.filter(suratteguran_id=letter_id, debtdocument_id=doc_id).delete()
        return statuses
