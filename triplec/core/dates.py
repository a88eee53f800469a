"""Dates and times the Indonesian way, for every message to a taxpayer: "5 Desember 2026 pukul 14.30 WITA".

Written out by hand rather than through Babel: campaigns render these for every target, and the words never
change."""

import datetime as dt
import zoneinfo

MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
ZONE_NAMES = {"Asia/Makassar": "WITA", "Asia/Jakarta": "WIB", "Asia/Jayapura": "WIT"}


def tanggal(day: dt.date | None) -> str:
    """1 Oktober 2026; "-" for no date."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}" if day else "-"


def waktu(at: dt.datetime, time_zone: str, *, weekday: bool = False) -> str:
    """The moment in the office's zone: "5 Desember 2026 pukul 14.30 WITA" (with the day name first on request)."""
    local = at.astimezone(zoneinfo.ZoneInfo(time_zone))
    text = f"{tanggal(local.date())} pukul {local:%H.%M} {ZONE_NAMES.get(time_zone, time_zone)}"
    return f"{DAYS[local.weekday()]}, {text}" if weekday else text
