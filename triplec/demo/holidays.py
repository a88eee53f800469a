"""National holidays (libur nasional) for the demo office's calendar.

Fixed dates and the Christian holidays (from Easter) are computed for any year. The Islamic, Chinese, Hindu
and Buddhist holidays follow the lunar calendars and are fixed each year by the SKB of three ministers: the
table below holds them for the years we know; an administrator loads the official list in the admin.
"""

import datetime as dt

FIXED = [((1, 1), "Tahun Baru Masehi"), ((5, 1), "Hari Buruh Internasional"), ((6, 1), "Hari Lahir Pancasila"),
         ((8, 17), "Hari Kemerdekaan Republik Indonesia"), ((12, 25), "Hari Raya Natal")]

LUNAR: dict[int, list[tuple[tuple[int, int], str]]] = {
    2025: [((1, 27), "Isra Mikraj Nabi Muhammad SAW"), ((1, 29), "Tahun Baru Imlek"), ((3, 29), "Hari Suci Nyepi"),
           ((3, 31), "Hari Raya Idul Fitri"), ((4, 1), "Hari Raya Idul Fitri"), ((5, 12), "Hari Raya Waisak"),
           ((6, 6), "Hari Raya Idul Adha"), ((6, 27), "Tahun Baru Islam"), ((9, 5), "Maulid Nabi Muhammad SAW")],
    2026: [((1, 16), "Isra Mikraj Nabi Muhammad SAW"), ((2, 17), "Tahun Baru Imlek"), ((3, 19), "Hari Suci Nyepi"),
           ((3, 20), "Hari Raya Idul Fitri"), ((3, 21), "Hari Raya Idul Fitri"), ((5, 27), "Hari Raya Idul Adha"),
           ((5, 31), "Hari Raya Waisak"), ((6, 16), "Tahun Baru Islam"), ((8, 25), "Maulid Nabi Muhammad SAW")],
    2027: [((1, 5), "Isra Mikraj Nabi Muhammad SAW"), ((2, 6), "Tahun Baru Imlek"), ((3, 8), "Hari Suci Nyepi"),
           ((3, 10), "Hari Raya Idul Fitri"), ((3, 11), "Hari Raya Idul Fitri"), ((5, 17), "Hari Raya Idul Adha"),
           ((5, 20), "Hari Raya Waisak"), ((6, 6), "Tahun Baru Islam"), ((8, 15), "Maulid Nabi Muhammad SAW")],
    2028: [((1, 26), "Tahun Baru Imlek"), ((2, 23), "Hari Suci Nyepi"), ((2, 27), "Hari Raya Idul Fitri"),
           ((2, 28), "Hari Raya Idul Fitri"), ((5, 5), "Hari Raya Idul Adha"), ((5, 9), "Hari Raya Waisak"),
           ((5, 26), "Tahun Baru Islam"), ((8, 3), "Maulid Nabi Muhammad SAW"), ((12, 14), "Isra Mikraj Nabi Muhammad SAW")],
}


def easter(year: int) -> dt.date:
    """Gregorian Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    day = (h + ell - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def national_holidays(year: int) -> list[tuple[dt.date, str]]:
    days = {dt.date(year, m, d): name for (m, d), name in FIXED}
    e = easter(year)
    days[e - dt.timedelta(days=2)] = "Wafat Yesus Kristus"
    days[e] = "Hari Paskah"
    days[e + dt.timedelta(days=39)] = "Kenaikan Yesus Kristus"
    for (m, d), name in LUNAR.get(year, []):
        days.setdefault(dt.date(year, m, d), name)
    return sorted(days.items())
