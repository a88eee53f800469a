"""Cell values as people type them in exports and spreadsheets: dates, rupiah amounts, codes, numbers.

Every parser takes the raw cell (a str from CSV; str, int, float, date or datetime from XLSX) and returns a clean
Python value or raises `CellError` with a message a person can act on. Nothing here touches the database.
"""

import datetime as dt
import re
import zoneinfo
from functools import lru_cache

from stdnum import numdb

from triplec.core.identifiers import InvalidIdentifier, Npwp, parse_nik, parse_npwp, parse_whatsapp_number
from triplec.core.phrases import Phrase


class CellError(ValueError):
    """One cell cannot be accepted; the message (a Phrase, `args[0]`) names the rule, in plain words, for the
    report."""


def text(raw: object) -> str:
    """A cell as stripped text; spreadsheet integers lose their trailing `.0`."""
    if type(raw) is str:
        return raw.strip()
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "1" if raw else "0"
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else repr(raw)
    if isinstance(raw, (dt.datetime, dt.date)):
        return raw.isoformat()
    return str(raw).strip()


def display(raw: object) -> str:
    """The value as it goes into the report (before masking)."""
    return text(raw)


# --- Amounts ---------------------------------------------------------------------------------------------
_ID_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,(\d+))?$")  # 1.250.000 or 1.250.000,00
_EN_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.(\d+))?$")  # 1,250,000 or 1,250,000.00
_PLAIN = re.compile(r"^\d+(?:[.,](\d{1,2}))?$")  # 1250000 or 1250000,00 / 1250000.00
_CURRENCY = re.compile(r"^(?:rp\.?|idr)\s*", re.IGNORECASE)


def amount(raw: object) -> int:
    """Whole rupiah. Indonesian thousands dots (`1.250.000`), `Rp`, `IDR` and zero cents are accepted; floats,
    non-zero cents and negative amounts never are (money is integer rupiah)."""
    if isinstance(raw, bool):
        raise CellError(Phrase("amount must be a number of rupiah"))
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float):
        if not raw.is_integer():
            raise CellError(Phrase("amount must be whole rupiah (no cents)"))
        value = int(raw)
    else:
        s = text(raw).replace("\u00a0", " ")
        if not s:
            raise CellError(Phrase("amount is empty"))
        negative = False
        if s.startswith("(") and s.endswith(")"):
            negative, s = True, s[1:-1].strip()
        if s.startswith("-"):
            negative, s = True, s[1:].strip()
        s = _CURRENCY.sub("", s).replace(" ", "")
        if s.startswith("-"):
            negative, s = True, s[1:]
        if negative:
            raise CellError(Phrase("amount must not be negative"))
        if s.isdigit():
            return int(s)
        if (m := _ID_THOUSANDS.match(s)) is not None:
            cents, whole = m.group(1), s.split(",")[0].replace(".", "")
        elif (m := _EN_THOUSANDS.match(s)) is not None:
            cents, whole = m.group(1), s.split(".")[0].replace(",", "")
        elif (m := _PLAIN.match(s)) is not None:
            cents, whole = m.group(1), re.split(r"[.,]", s)[0]
        else:
            whole = None
        if whole is not None:
            if cents and int(cents) != 0:
                raise CellError(Phrase("amount must be whole rupiah (no cents)"))
            return int(whole)
        raise CellError(Phrase("amount is not a number of rupiah (write 1250000 or 1.250.000)"))
    if value < 0:
        raise CellError(Phrase("amount must not be negative"))
    return value


# --- Dates -----------------------------------------------------------------------------------------------
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})$")
_DMY_WORDS = re.compile(r"^(\d{1,2})[\s\-]+([A-Za-z]+)\.?[\s\-]+(\d{4})$")
_MONTHS = {
    "jan": 1,
    "januari": 1,
    "january": 1,
    "feb": 2,
    "februari": 2,
    "february": 2,
    "mar": 3,
    "maret": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "mei": 5,
    "may": 5,
    "jun": 6,
    "juni": 6,
    "june": 6,
    "jul": 7,
    "juli": 7,
    "july": 7,
    "agu": 8,
    "agt": 8,
    "agustus": 8,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "okt": 10,
    "oktober": 10,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "nopember": 11,
    "november": 11,
    "des": 12,
    "desember": 12,
    "dec": 12,
    "december": 12,
}


def _make_date(year: int, month: int, day: int, raw: str) -> dt.date:
    if not 1 <= month <= 12:
        raise CellError(Phrase("%(raw)s is not a real date (there is no month %(month)s)", raw=raw, month=month))
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(
            Phrase(
                "%(raw)s is not a real date (month %(month)s of %(year)s has no day %(day)s)",
                raw=raw,
                month=month,
                year=year,
                day=day,
            )
        ) from None


def date(raw: object) -> dt.date:
    """ISO `2026-03-15`, `15/03/2026`, `15-03-2026`, `15.03.2026`, `15 Maret 2026`, or an Excel date/serial."""
    if type(raw) is str:
        return _date_text(raw)
    return _date(raw)


@lru_cache(maxsize=8192)  # an export repeats the same few hundred dates over and over
def _date_text(raw: str) -> dt.date:
    return _date(raw)


def _date(raw: object) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return excel_serial(raw)
    s = text(raw)
    if not s:
        raise CellError(Phrase("date is empty"))
    if (m := _ISO.match(s)) is not None:
        return _make_date(int(m[1]), int(m[2]), int(m[3]), s)
    if (m := _DMY.match(s)) is not None:
        if len(m[3]) != 4:
            raise CellError(Phrase("%(raw)s: write the year with four digits (15/03/2026)", raw=s))
        return _make_date(int(m[3]), int(m[2]), int(m[1]), s)
    if (m := _DMY_WORDS.match(s)) is not None:
        month = _MONTHS.get(m[2].lower())
        if month is None:
            raise CellError(Phrase("%(raw)s: unknown month name '%(month)s'", raw=s, month=m[2]))
        return _make_date(int(m[3]), month, int(m[1]), s)
    if s.isdigit() and 4 <= len(s) <= 5:
        return excel_serial(int(s))
    raise CellError(Phrase("%(raw)s is not a date (write 2026-03-15 or 15/03/2026)", raw=s))


def excel_serial(serial: float) -> dt.date:
    if not 1 <= serial <= 2958465:
        raise CellError(Phrase("%(raw)s is not a date", raw=serial))
    return _EXCEL_EPOCH + dt.timedelta(days=int(serial))


_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?$")


def local_datetime(raw: object, tz: str) -> dt.datetime:
    """A moment: a date (midnight) or date + `HH:MM[:SS]`, in the office's zone unless it carries an offset."""
    if type(raw) is str and len(raw) <= 10:  # a bare date: few distinct values, worth a cache
        return _local_date_text(raw, tz)
    return _local_datetime(raw, tz)


@lru_cache(maxsize=8192)
def _local_date_text(raw: str, tz: str) -> dt.datetime:
    return _local_datetime(raw, tz)


def _local_datetime(raw: object, tz: str) -> dt.datetime:
    zone = _zone(tz)
    if isinstance(raw, dt.datetime):
        return raw if raw.tzinfo else raw.replace(tzinfo=zone)
    if isinstance(raw, dt.date) or isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if isinstance(raw, float) and not raw.is_integer():  # an Excel serial with a time part
            day = excel_serial(raw)
            seconds = round((raw - int(raw)) * 86400)
            return dt.datetime.combine(day, dt.time(), zone) + dt.timedelta(seconds=seconds)
        return dt.datetime.combine(date(raw), dt.time(), zone)
    s = text(raw)
    if not s:
        raise CellError(Phrase("date and time are empty"))
    if "T" in s or ("+" in s[10:]) or s.endswith("Z"):
        try:
            value = dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
        except ValueError:
            raise CellError(Phrase("%(raw)s is not a date and time (write 2026-03-15 10:30)", raw=s)) from None
        return value if value.tzinfo else value.replace(tzinfo=zone)
    parts = s.split()
    day = date(parts[0]) if len(parts) <= 2 else date(" ".join(parts[:3]))
    rest = parts[1:] if len(parts) <= 2 else parts[3:]
    clock = dt.time()
    if rest:
        m = _TIME.match(rest[0])
        if m is None or len(rest) > 1:
            raise CellError(Phrase("%(raw)s: the time must be HH:MM or HH:MM:SS", raw=s))
        try:
            clock = dt.time(int(m[1]), int(m[2]), int(m[3] or 0))
        except ValueError:
            raise CellError(Phrase("%(raw)s: %(time)s is not a real time of day", raw=s, time=rest[0])) from None
    return dt.datetime.combine(day, clock, zone)


@lru_cache(maxsize=16)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


# --- Codes -----------------------------------------------------------------------------------------------
def digits(raw: object, *, length: int, name: Phrase | str) -> str:
    s = text(raw).replace(" ", "").replace(".", "").replace("-", "")
    if len(s) != length or not s.isdigit():
        raise CellError(Phrase("%(name)s must be exactly %(length)s digits", name=name, length=length))
    return s


def year(raw: object) -> int:
    s = text(raw)
    if not (s.isdigit() and len(s) == 4):
        raise CellError(Phrase("tax year must have four digits (2025)"))
    value = int(s)
    if not 1984 <= value <= dt.date.today().year + 1:
        raise CellError(Phrase("tax year %(year)s is out of range", year=value))
    return value


def choice(raw: object, options: dict[str, str], *, name: Phrase | str) -> str:
    """A value from a fixed list; `options` maps normalised spellings (lower case, `_` for spaces) to values."""
    raw_text = text(raw)
    if raw_text in options:  # the common case: already the canonical spelling
        return options[raw_text]
    key = re.sub(r"[\s\-./]+", "_", raw_text.lower()).strip("_")
    if key in options:
        return options[key]
    allowed = ", ".join(sorted(set(options.values())))
    raise CellError(
        Phrase("%(name)s '%(value)s' is not one of: %(allowed)s", name=name, value=text(raw), allowed=allowed)
    )


# --- WhatsApp numbers ------------------------------------------------------------------------------------
# phonenumbers costs ~40 µs a number; almost every number in an export is an Indonesian mobile written as
# 08xx, 628xx or +628xx. Those are checked against the same rule phonenumbers holds for Indonesian mobiles
# (national number 8[1-35-9] then 7 to 10 digits) and anything else goes through phonenumbers itself.
_ID_MOBILE = re.compile(r"^(?:\+62|62|0)(8[1-35-9]\d{7,10})$")
_SEPARATORS = str.maketrans("", "", " -().")


def whatsapp(raw: object) -> str:
    s = text(raw).translate(_SEPARATORS)
    m = _ID_MOBILE.match(s)
    if m is not None:
        return "+62" + m[1]
    return _slow_whatsapp(s)


@lru_cache(maxsize=4096)
def _slow_whatsapp(s: str) -> str:
    try:
        return parse_whatsapp_number(s)
    except InvalidIdentifier as exc:
        raise CellError(str(exc)) from None


# --- Masking for the report ------------------------------------------------------------------------------
# --- NPWP and NIK at import speed ------------------------------------------------------------------------
# triplec.core.identifiers goes through python-stdnum, which costs ~100 µs per number (Unicode clean-up and a
# database lookup of the region). The rules are the same here for the shapes every export uses (digits with
# the usual separators); the answer for a NIK's region is cached, and anything unusual or invalid is handed to
# the core functions so that the accepted set and the error messages stay exactly theirs.
_NPWP_SEPARATORS = str.maketrans("", "", " .-/")


def _identifier_text(raw: object) -> str:
    if type(raw) is str:  # the CSV case, most often digits only or the dotted layout
        s = raw.strip()
        if s.isdigit():
            return s
        if s.endswith(".0") and s[:-2].isdigit():
            return s[:-2]
        return s.translate(_NPWP_SEPARATORS)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        # A spreadsheet that holds the NPWP as a number drops its leading zero (01.234... -> 1234...).
        s = text(raw)
        return s.zfill(15) if len(s) == 14 else s
    s = text(raw)
    if s.endswith(".0") and s[:-2].isdigit():  # a number that passed through a spreadsheet
        s = s[:-2]
    return s.translate(_NPWP_SEPARATORS)


_PLAIN_DIGIT = {str(d): d for d in range(10)}
_DOUBLED_DIGIT = {str(d): d * 2 - 9 if d > 4 else d * 2 for d in range(10)}


def _luhn_ok(digits_: str) -> bool:
    """Luhn over a string of ASCII digits (the caller checked isdigit), every other digit doubled from the right."""
    try:
        total = sum(map(_PLAIN_DIGIT.__getitem__, digits_[::-2])) + sum(
            map(_DOUBLED_DIGIT.__getitem__, digits_[-2::-2])
        )
    except KeyError:  # a non-ASCII digit such as '٣' passes isdigit(): let the core rules decide
        return False
    return total % 10 == 0


@lru_cache(maxsize=4096)
def _nik_place_ok(prefix4: str) -> bool:
    return bool(numdb.get("id/loc").info(prefix4)[0][1])


def _nik_date_ok(number: str) -> bool:
    return _nik_ddmmyy_ok(number[6:12])


@lru_cache(maxsize=65536)  # DDMMYY: at most ~36,500 real values
def _nik_ddmmyy_ok(ddmmyy: str) -> bool:
    day, month, year = int(ddmmyy[0:2]) % 40, int(ddmmyy[2:4]), int(ddmmyy[4:6])
    for century in (1900, 2000):
        try:
            dt.date(century + year, month, day)
            return True
        except ValueError:
            continue
    return False


def nik(raw: object):
    """Same result as core.identifiers.parse_nik (and the same InvalidIdentifier when not valid)."""
    s = _identifier_text(raw)
    if len(s) == 16 and s.isdigit() and _nik_date_ok(s) and _nik_place_ok(s[:4]):
        return s
    return parse_nik(raw)


def npwp(raw: object):
    """Same result as core.identifiers.parse_npwp (an Npwp, or InvalidIdentifier), much faster."""
    s = _identifier_text(raw)
    if s.isdigit():
        if len(s) == 15 and _luhn_ok(s[:9]):
            return Npwp("0" + s, s, None)
        if len(s) == 16:
            if s[0] == "0":
                if _luhn_ok(s[1:10]):
                    return Npwp(s, s[1:], None)
            elif _nik_date_ok(s) and _nik_place_ok(s[:4]):
                return Npwp(s, None)
    return parse_npwp(s or raw)
