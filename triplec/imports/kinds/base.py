"""What every import kind shares: column specs, the row being read, and raw-SQL helpers for the bulk writes.

A kind validates one row at a time (`validate`, no database writes, few queries) and writes a whole chunk at a
time (`write`, inside the chunk's transaction). Validation raises `RowRejected`; warnings are collected on the row.
"""

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.db import connection
from django.db.models import Model
from django.utils.translation import gettext

from triplec.core.phrases import Phrase
from triplec.imports import values

# How the report names a value; each Phrase made once (rows are validated by the million).
LABELS = {
    "document_type": Phrase("document type"),
    "document_number": Phrase("document number"),
    "state": Phrase("state"),
    "state_reason": Phrase("state reason"),
    "letter_number": Phrase("letter number"),
    "billing_code": Phrase("billing code"),
    "cleared": Phrase("cleared"),
    "bank": Phrase("bank"),
    "name": Phrase("name"),
    "taxpayer_type": Phrase("taxpayer type"),
    "address": Phrase("address"),
    "city": Phrase("city"),
    "whatsapp_source": Phrase("WhatsApp source"),
    "npwp": Phrase("NPWP"),
    "ntpn": Phrase("NTPN"),
}


@dataclass(frozen=True)
class Column:
    name: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    help: str = ""
    mask: str = ""  # "identifier" or "phone": how the value is shown in the report

    @property
    def header(self) -> str:
        """The column's name in an office's file: its first Indonesian alias ("nama", "kode_kpp"); identifiers
        that read the same in both languages keep their name ("npwp", "kap")."""
        return self.name if self.name in SAME_IN_BOTH_LANGUAGES or not self.aliases else self.aliases[0]

    @property
    def other_names(self) -> tuple[str, ...]:
        """The other names a file may give the column (read the same way)."""
        return tuple(n for n in (self.name, *self.aliases) if n != self.header)


SAME_IN_BOTH_LANGUAGES = frozenset({"npwp", "nik", "nitku", "kap", "kjs", "ntpn"})


def normalise_header(raw: object) -> str:
    """`Nomor WA`, `nomor-wa`, ` NOMOR_WA ` all become `nomor_wa`."""
    s = values.text(raw).lstrip("\ufeff").lower()
    return re.sub(r"[^0-9a-z]+", "_", s).strip("_")


class RowRejected(Exception):
    """A row cannot land: `column` and `message` go to the report; nothing of the row is written.

    The message is a Phrase, translated when the report is shown; a plain string is shown as it is."""

    def __init__(self, column: str, message: Phrase | str, value: object = None) -> None:
        super().__init__(message)
        self.column, self.message, self.value = column, message, value


@dataclass
class Issue:
    """One line of the report: a rejected row (one message) or a warned row (its warnings)."""

    row: int
    column: str
    value: str
    messages: tuple[Phrase | str, ...]
    rejected: bool

    @property
    def error(self) -> str:
        """The report's `error` cell in the active language."""
        text = "; ".join(str(m) for m in self.messages)
        return text if self.rejected else gettext("warning: %(message)s") % {"message": text}


@dataclass(slots=True)
class Row:
    """One data row: its spreadsheet number, its cells by column name, and what was said about it."""

    number: int
    cells: dict[str, object]
    warnings: list[tuple[str, Phrase | str]] = field(default_factory=list)
    seen_earlier: bool = False  # the same key was accepted in an earlier chunk of this file

    def get(self, name: str) -> object:
        value = self.cells.get(name)
        return None if value is None or value == "" else value

    def text(self, name: str) -> str:
        return values.text(self.cells.get(name))

    def warn(self, column: str, message: Phrase | str) -> None:
        self.warnings.append((column, message))


@dataclass
class RunContext:
    """What every row of one run needs to know: who imports, which offices exist and which they may write."""

    actor: Any
    channel: str
    file_name: str
    now: dt.datetime
    offices: dict[str, tuple[int, str]]  # code -> (id, time zone)
    allowed_office_ids: set[int] | None  # None: any office (administrators, the command line)
    default_tz: str
    _office_cache: dict[str, tuple[int, str]] = field(default_factory=dict)

    def office_for(self, row: Row, column: str = "office_code") -> tuple[int, str]:
        raw = row.cells.get(column)
        found = self._office_cache.get(raw) if type(raw) is str else None
        if found is not None:
            return found
        office = self._office_for(row, column)
        if type(raw) is str:
            self._office_cache[raw] = office
        return office

    def _office_for(self, row: Row, column: str) -> tuple[int, str]:
        code = row.text(column)
        if not code:
            raise RowRejected(column, Phrase("office code is empty"))
        code = code.zfill(3) if code.isdigit() else code
        office = self.offices.get(code)
        if office is None:
            known = ", ".join(sorted(self.offices)) or "—"
            raise RowRejected(column, Phrase("unknown office code %(code)s (known: %(known)s)", code=code, known=known))
        if self.allowed_office_ids is not None and office[0] not in self.allowed_office_ids:
            raise RowRejected(column, Phrase("you may only import data for your own office, not %(code)s", code=code))
        return office

    @property
    def actor_id(self) -> int | None:
        actor = self.actor
        return actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None


class Kind:
    """One importable kind of file. Subclasses set `name`, `columns`, and implement validate/write."""

    name: ClassVar[str]
    columns: ClassVar[tuple[Column, ...]]
    dedupe: ClassVar[bool] = True  # reject a key repeated with different data within the file
    key_column: ClassVar[str] = ""  # the column named in the report when a key repeats

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx

    def validate(self, row: Row) -> Any:
        raise NotImplementedError

    def key(self, item: Any) -> Any:
        raise NotImplementedError

    def describe_key(self) -> Phrase:
        """How the report names the key that repeated (the key column's label)."""
        return LABELS[self.key_column]

    def write(self, batch: list[tuple[Row, Any]]) -> list[str | RowRejected]:
        """Write a chunk; one status per row: "imported", "updated", "unchanged" or a RowRejected."""
        raise NotImplementedError


class NumberedKind(Kind):
    """A kind whose rows are one per office and number (debt documents, Surat Teguran); the key column holds
    the number."""

    def key(self, item: Any) -> tuple[int, str]:
        return item.office_id, item.number

    def number(self, row: Row) -> str:
        """The row's number (required, at most 60 characters), its runs of white space made one space."""
        column = self.key_column
        return " ".join(limited(row, column, 60, label=LABELS[column], required=True).split())


# --- SQL helpers: the ORM builds one object per row, which costs more than the whole insert --------------
def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def col(model: type[Model], name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def insert_many(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    cols = ", ".join(col(model, f) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table(model)} ({cols}) VALUES ({marks})", list(rows))


def insert_many_ids(model: type[Model], fields: Sequence[str], rows: Sequence[Sequence[object]]) -> list[int] | None:
    """Insert `rows` and return their new ids in the same order, or None when they cannot be known for sure.

    On SQLite the chunk's transaction holds the write lock (BEGIN IMMEDIATE) and the table is AUTOINCREMENT, so
    the rows of one executemany get consecutive ids ending at last_insert_rowid(); a range count on the primary
    key confirms it before the ids are trusted. That saves a SELECT of every new row by its key. Elsewhere the
    caller looks the ids up as before.
    """
    insert_many(model, fields, rows)
    if not rows or connection.vendor != "sqlite":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_insert_rowid()")
        last = cursor.fetchone()[0]
        first = last - len(rows) + 1
        cursor.execute(f"SELECT count(*) FROM {table(model)} WHERE {col(model, 'id')} BETWEEN %s AND %s", [first, last])
        if cursor.fetchone()[0] != len(rows):
            return None
    return list(range(first, last + 1))


def select_in(model: type[Model], fields: Sequence[str], key: str, keys: Iterable[object]) -> list[tuple]:
    """Raw `SELECT fields WHERE key IN (...)`: the ORM spends ~13 µs preparing each value of a large IN list.

    Values come back as the database driver gives them: datetimes naive UTC on SQLite, so pass them through
    `db_datetime` before comparing.
    """
    keys = list(dict.fromkeys(keys))
    cols = ", ".join(col(model, f) for f in fields)
    found: list[tuple] = []
    with connection.cursor() as cursor:
        for start in range(0, len(keys), 10000):
            part = keys[start : start + 10000]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(f"SELECT {cols} FROM {table(model)} WHERE {col(model, key)} IN ({marks})", part)
            found.extend(cursor.fetchall())
    return found


def update_many(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Each row: the new values of `fields`, then the primary key."""
    rows = list(rows)
    if not rows:
        return
    sets = ", ".join(f"{col(model, f)} = %s" for f in fields)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table(model)} SET {sets} WHERE {col(model, 'id')} = %s", rows)


def adapt_datetime(value: dt.datetime | None) -> object:
    return connection.ops.adapt_datetimefield_value(value)


def db_datetime(value: object) -> dt.datetime | None:
    """A datetime as a raw SELECT returns it (naive UTC on SQLite, aware on PostgreSQL), made aware."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def adapt_date(value: dt.date | None) -> object:
    return connection.ops.adapt_datefield_value(value)


def limited(row: Row, name: str, max_length: int, *, label: Phrase | None = None, required: bool = False) -> str:
    """A text cell of at most `max_length` characters; `label` names it in the report (else the column name)."""
    value = row.text(name)
    if required and not value:
        raise RowRejected(name, Phrase("%(name)s is empty", name=label or name))
    if len(value) > max_length:
        raise RowRejected(name, Phrase("%(name)s is longer than %(n)s characters", name=label or name, n=max_length))
    return value


def cell(row: Row, column: str, parse, /, *args, **kwargs):
    """Parse one cell; a CellError becomes a rejection of the row naming that column."""
    try:
        return parse(row.cells.get(column), *args, **kwargs)
    except values.CellError as exc:
        raise RowRejected(column, exc.args[0]) from None
