"""`triplec import taxpayers FILE`: the registry of taxpayers and their WhatsApp contacts.

Written in bulk: per chunk one query finds the taxpayers that exist, one finds their contacts, then plain
INSERT/UPDATE statements write the rest. A changed number leaves the same ContactChange row as
`contact_set_number` would, so the history (and the bot's "number changed recently" check) is the same
whichever way the number came in.
"""

import datetime as dt
from dataclasses import replace
from typing import Any, NamedTuple

from django.utils.translation import gettext_lazy as _

from triplec.accounts.models import User
from triplec.core.identifiers import InvalidIdentifier, parse_nitku
from triplec.core.phrases import Phrase
from triplec.imports import values
from triplec.taxpayers.models import Contact, ContactChange, ContactSource, ContactStatus, Taxpayer, TaxpayerType

from .base import (
    LABELS,
    Kind,
    Row,
    RowRejected,
    adapt_datetime,
    cell,
    db_datetime,
    insert_many,
    insert_many_ids,
    limited,
    select_in,
    update_many,
)
from .common import NPWP, OFFICE_CODE, optional, required

TAXPAYER_TYPES = {
    "op": TaxpayerType.OP,
    "orang_pribadi": TaxpayerType.OP,
    "pribadi": TaxpayerType.OP,
    "individual": TaxpayerType.OP,
    "perorangan": TaxpayerType.OP,
    "badan": TaxpayerType.BADAN,
    "entity": TaxpayerType.BADAN,
    "badan_usaha": TaxpayerType.BADAN,
}
CONTACT_SOURCES = {
    "registration": ContactSource.REGISTRATION,
    "registrasi": ContactSource.REGISTRATION,
    "pendaftaran": ContactSource.REGISTRATION,
    "data_change": ContactSource.DATA_CHANGE,
    "perubahan_data": ContactSource.DATA_CHANGE,
    "online_profile": ContactSource.ONLINE_PROFILE,
    "profil_online": ContactSource.ONLINE_PROFILE,
    "profil": ContactSource.ONLINE_PROFILE,
    "staff": ContactSource.STAFF,
    "petugas": ContactSource.STAFF,
}

# Fields compared to decide "updated" or "unchanged", in the order of the SELECT and the UPDATE.
FIELDS = ("office", "npwp15", "nik", "nitku", "name", "taxpayer_type", "address", "city", "account_representative")
ATTNAMES = (
    "office_id",
    "npwp15",
    "nik",
    "nitku",
    "name",
    "taxpayer_type",
    "address",
    "city",
    "account_representative_id",
)


class TaxpayerItem(NamedTuple):
    """One validated row (a tuple: a million of them are built per file, and equality compares them)."""

    npwp16: str
    values: tuple  # one per FIELDS; None = the file says nothing, keep what is stored
    whatsapp: str | None
    wa_source: str
    wa_verified_at: dt.datetime | None


class TaxpayersKind(Kind):
    name = "taxpayers"
    columns = (
        replace(NPWP, help=_("15- or 16-digit NPWP, any layout")),
        optional("nik", help=_("16-digit NIK"), mask="identifier"),
        optional("nitku", help=_("22-digit NITKU (branch)"), mask="identifier"),
        required("name", help=_("taxpayer name")),
        optional("taxpayer_type", help=_("OP or BADAN")),
        optional("address", help=_("street address")),
        optional("city", help=_("city or regency")),
        OFFICE_CODE,
        optional("whatsapp", help=_("Indonesian mobile number"), mask="phone"),
        optional("whatsapp_source", help=_("registration, data_change, online_profile or staff")),
        optional("whatsapp_verified_at", help=_("date the number was last verified")),
        optional("ar_username", help=_("user name of the account representative")),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._users: dict[str, tuple[int, int | None] | None] = {}
        # An export repeats a handful of spellings ("OP", "registrasi") a million times: each is parsed once.
        self._types: dict[str, str] = {}
        self._sources: dict[str, str] = {}

    key_column = "npwp"

    def key(self, item: TaxpayerItem) -> str:
        return item.npwp16

    # --- validation ------------------------------------------------------------------------------------------
    def validate(self, row: Row) -> TaxpayerItem:
        cells = row.cells
        office_id, tz = self.ctx.office_for(row)
        try:
            npwp = values.npwp(cells.get("npwp"))
        except InvalidIdentifier as exc:
            raise RowRejected("npwp", exc.args[0]) from None
        if npwp.warning:
            row.warn("npwp", npwp.warning)
        nik = None
        raw = cells.get("nik")
        if raw is not None and raw != "":
            try:
                nik = values.nik(raw)
            except InvalidIdentifier as exc:
                raise RowRejected("nik", exc.args[0]) from None
        if npwp.npwp15 is None:  # a NIK-based NPWP is the NIK
            if nik is not None and nik != npwp.npwp16:
                raise RowRejected("nik", Phrase("NIK differs from the NPWP, which for this taxpayer is the NIK itself"))
            nik = npwp.npwp16
        nitku = None
        raw = cells.get("nitku")
        if raw is not None and raw != "":
            try:
                nitku = parse_nitku(raw, npwp.npwp16)
            except InvalidIdentifier as exc:
                raise RowRejected("nitku", exc.args[0]) from None
        raw = cells.get("name")
        if type(raw) is str and 0 < len(raw) <= 200 and raw.strip() == raw and "  " not in raw and raw.isprintable():
            name = raw  # already clean: the common case, checked without building anything
        else:
            name = " ".join(limited(row, "name", 200, label=LABELS["name"], required=True).split())
        taxpayer_type = self._choice(row, "taxpayer_type", TAXPAYER_TYPES, self._types)
        address = self._short_text(row, "address", 300, LABELS["address"])
        city = self._short_text(row, "city", 100, LABELS["city"])
        raw = cells.get("ar_username")
        ar_id = None if raw is None or raw == "" else self._account_representative(row, office_id)

        whatsapp = None
        raw = cells.get("whatsapp")
        if raw is not None and raw != "":
            try:
                whatsapp = values.whatsapp(raw)
            except values.CellError as exc:
                row.warn(
                    "whatsapp",
                    Phrase("%(reason)s; the taxpayer is imported, the contact is left as it was", reason=exc.args[0]),
                )
        source = self._choice(row, "whatsapp_source", CONTACT_SOURCES, self._sources) or ContactSource.REGISTRATION
        verified_at = None
        raw = cells.get("whatsapp_verified_at")
        if raw is not None and raw != "":
            verified_at = cell(row, "whatsapp_verified_at", values.local_datetime, tz)
            if verified_at > self.ctx.now:
                raise RowRejected("whatsapp_verified_at", Phrase("verification date is in the future"))
        return TaxpayerItem(
            npwp.npwp16,
            (office_id, npwp.npwp15 or "", nik, nitku, name, taxpayer_type, address, city, ar_id),
            whatsapp,
            source,
            verified_at,
        )

    @staticmethod
    def _choice(row: Row, column: str, choices: dict[str, str], parsed: dict[str, str]) -> str | None:
        """A cell naming one of `choices`, or None when empty; each spelling is parsed once into `parsed`."""
        raw = row.cells.get(column)
        if raw is None or raw == "":
            return None
        found = parsed.get(raw) if type(raw) is str else None
        if found is None:
            found = cell(row, column, values.choice, choices, name=LABELS[column])
            if type(raw) is str and len(parsed) < 1000:
                parsed[raw] = found
        return found

    @staticmethod
    def _short_text(row: Row, column: str, max_length: int, label: Phrase) -> str | None:
        """A stripped text cell of at most `max_length` characters, or None when empty (keep what is stored)."""
        raw = row.cells.get(column)
        if type(raw) is str:
            value = raw.strip()
            if len(value) <= max_length:
                return value or None
        return limited(row, column, max_length, label=label) or None

    def _account_representative(self, row: Row, office_id: int) -> int | None:
        username = row.text("ar_username")
        if not username:
            return None
        if username not in self._users:
            user = User.objects.filter(username=username).values_list("id", "office_id").first()
            self._users[username] = user
        user = self._users[username]
        if user is None:
            row.warn(
                "ar_username",
                Phrase("no user '%(user)s'; the account representative is left as it was", user=username),
            )
            return None
        if user[1] != office_id:
            row.warn(
                "ar_username",
                Phrase(
                    "user '%(user)s' does not work at this office; the account representative is left as it was",
                    user=username,
                ),
            )
            return None
        return user[0]

    # --- writing -------------------------------------------------------------------------------------------
    def write(self, batch: list[tuple[Row, TaxpayerItem]]) -> list[str | RowRejected]:
        now = adapt_datetime(self.ctx.now)
        existing = {
            r[1]: r for r in select_in(Taxpayer, ("id", "npwp16", *FIELDS), "npwp16", (i.npwp16 for _, i in batch))
        }
        allowed = self.ctx.allowed_office_ids
        statuses: list[Any] = [None] * len(batch)
        inserts: list[tuple] = []
        updates: list[tuple] = []
        ids: dict[str, int] = {}
        for n, (row, item) in enumerate(batch):
            found = existing.get(item.npwp16)
            if found is None:
                v = item.values
                inserts.append(
                    (
                        item.npwp16,
                        v[0],
                        v[1],
                        v[2] or "",
                        v[3] or "",
                        v[4],
                        v[5] or TaxpayerType.OP,
                        v[6] or "",
                        v[7] or "",
                        v[8],
                        now,
                        now,
                    )
                )
                statuses[n] = "imported"
                continue
            ids[item.npwp16] = found[0]
            stored = found[2:]
            merged = tuple(s if new is None else new for s, new in zip(stored, item.values))
            if allowed is not None and stored[0] not in allowed:
                # An NPWP is registered at exactly one office, so this row cannot be imported here; the message
                # names no office and nothing of the taxpayer.
                statuses[n] = RowRejected(
                    "npwp", Phrase("this NPWP cannot be registered by your office; ask an administrator")
                )
                continue
            if merged != stored:
                if row.seen_earlier:
                    statuses[n] = RowRejected(
                        "npwp", Phrase("this NPWP is in an earlier row of this file with different data")
                    )
                    continue
                updates.append((*merged, now, found[0]))
                statuses[n] = "updated"
            else:
                statuses[n] = "unchanged"
        if inserts:
            new_ids = insert_many_ids(Taxpayer, ("npwp16", *FIELDS, "created_at", "updated_at"), inserts)
            if new_ids is not None:
                ids.update(zip((r[0] for r in inserts), new_ids))
            else:
                ids.update(select_in(Taxpayer, ("npwp16", "id"), "npwp16", (r[0] for r in inserts)))
        update_many(Taxpayer, (*FIELDS, "updated_at"), updates)
        self._write_contacts(batch, statuses, ids)
        return statuses

    def _write_contacts(self, batch, statuses, ids: dict[str, int]) -> None:
        wanted = [
            (n, ids[item.npwp16], item)
            for n, (_row, item) in enumerate(batch)
            if item.whatsapp is not None and not isinstance(statuses[n], RowRejected)
        ]
        if not wanted:
            return
        maybe_existing = [tp for n, tp, _ in wanted if statuses[n] != "imported"]
        contacts = (
            {
                r[1]: r
                for r in select_in(
                    Contact, ("id", "taxpayer", "phone", "verified_at", "status"), "taxpayer", maybe_existing
                )
            }
            if maybe_existing
            else {}
        )
        now = adapt_datetime(self.ctx.now)
        actor_id, note = self.ctx.actor_id, f"import {self.ctx.file_name}"[:300]
        new_contacts: list[tuple] = []
        new_sources: dict[int, str] = {}
        changes: list[tuple] = []
        number_updates: list[tuple] = []
        verified_updates: list[tuple] = []
        for n, taxpayer_id, item in wanted:
            contact = contacts.get(taxpayer_id)
            verified = adapt_datetime(item.wa_verified_at)
            if contact is None:
                new_contacts.append(
                    (taxpayer_id, item.whatsapp, "", item.wa_source, verified, ContactStatus.ACTIVE, "", None, now)
                )
                new_sources[taxpayer_id] = item.wa_source
                touched = True
            elif contact[2] != item.whatsapp:
                changes.append(
                    (
                        contact[0],
                        now,
                        actor_id,
                        item.wa_source,
                        contact[2],
                        item.whatsapp,
                        contact[4],
                        ContactStatus.ACTIVE,
                        note,
                    )
                )
                number_updates.append(
                    (
                        item.whatsapp,
                        ContactStatus.ACTIVE,
                        "",
                        now,
                        "",
                        item.wa_source,
                        verified if item.wa_verified_at else adapt_datetime(db_datetime(contact[3])),
                        now,
                        contact[0],
                    )
                )
                touched = True
            elif item.wa_verified_at is not None and db_datetime(contact[3]) != item.wa_verified_at:
                verified_updates.append((verified, now, contact[0]))
                touched = True
            else:
                touched = False
            if touched:
                if batch[n][0].seen_earlier:
                    statuses[n] = RowRejected(
                        "whatsapp", Phrase("this NPWP is in an earlier row of this file with a different number")
                    )
                    # The contact is already in the lists above: drop it again.
                    self._drop_last(contact, new_contacts, new_sources, changes, number_updates, verified_updates)
                elif statuses[n] == "unchanged":
                    statuses[n] = "updated"
        if new_contacts:
            new_ids = insert_many_ids(
                Contact,
                (
                    "taxpayer",
                    "phone",
                    "wa_user_id",
                    "source",
                    "verified_at",
                    "status",
                    "status_reason",
                    "number_changed_at",
                    "updated_at",
                ),
                new_contacts,
            )
            if new_ids is not None:
                created = [(cid, c[0], c[1]) for cid, c in zip(new_ids, new_contacts)]
            else:
                created = select_in(Contact, ("id", "taxpayer", "phone"), "taxpayer", new_sources)
            changes.extend(
                (cid, now, actor_id, new_sources[tp], "", phone, "", ContactStatus.ACTIVE, note)
                for cid, tp, phone in created
            )
        update_many(
            Contact,
            (
                "phone",
                "status",
                "status_reason",
                "number_changed_at",
                "wa_user_id",
                "source",
                "verified_at",
                "updated_at",
            ),
            number_updates,
        )
        update_many(Contact, ("verified_at", "updated_at"), verified_updates)
        if changes:
            insert_many(
                ContactChange,
                (
                    "contact",
                    "changed_at",
                    "changed_by",
                    "source",
                    "old_phone",
                    "new_phone",
                    "old_status",
                    "new_status",
                    "note",
                ),
                changes,
            )

    @staticmethod
    def _drop_last(contact, new_contacts, new_sources, changes, number_updates, verified_updates) -> None:
        if contact is None:
            tp = new_contacts.pop()[0]
            new_sources.pop(tp, None)
        elif number_updates and number_updates[-1][-1] == contact[0]:
            number_updates.pop()
            changes.pop()
        elif verified_updates and verified_updates[-1][-1] == contact[0]:
            verified_updates.pop()
