"""Kazakhstan production calendar: working days, deadlines and the month grid.

Pure module (no Flask, no database): admins' calendar exceptions come in as
``CalendarOverride`` values loaded by the caller.

Which days are days off
- Saturday and Sunday (five-day week of government bodies).
- Public holidays of the Law "On holidays in the Republic of Kazakhstan"
  (No. 267-II of 13.12.2001). When a holiday falls on a weekend, the day off moves
  to the next working day (art. 5 of that Law). Religious holidays (Orthodox
  Christmas on 7 January, the first day of Kurban Ait) are days off but are never
  transferred (Labour Code of 2015, art. 84 p. 5). The ``holidays`` package applies
  exactly this rule (``SAT_SUN_TO_NEXT_WORKDAY`` for state holidays only).
- Days moved by Government decree (Labour Code art. 85 p. 3): a weekday made a day
  off and a Saturday or Sunday made a working day. The ``holidays`` package knows
  past decrees (up to 2025 in version 0.109); newer ones are entered by admins as
  overrides, which always win over the package.

The package gives names in kk, en_US and uk only, so the Russian names are
translated here from the Kazakh ones. Kurban Ait follows the lunar calendar: the
package has confirmed dates up to 2025 and marks later years "(бағаланған)"
(estimated) until the Spiritual Administration of Muslims announces the day; if the
estimate is wrong, admins fix it with two overrides.

Counting convention: a term "within N working days after the event" starts on the
day after the event (the event day never counts, whatever its status) and ends at
the end of the N-th working day; N = 0 is the event day itself. Only forward
counting exists in the rules, so a negative N is an error ("at least 24 hours
before", Rules No. 83 cl. 38, is counted in hours, not working days).

Time zone: since 1 March 2024 all of Kazakhstan is on UTC+5. ``Asia/Almaty`` (the
IANA zone that covers Astana) and ``Asia/Qostanay`` both give +05:00 from that day
with tzdata >= 2024a (the machine has 2025b); before it they give the old +06:00,
which is right for historical timestamps. ``Asia/Almaty`` is used; a stale system
tzdata would silently keep +06:00, and ``tests/calendar`` checks for that.
"""

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

import holidays

ASTANA_TZ = ZoneInfo("Asia/Almaty")

Locale = Literal["kk", "ru"]

# Kazakh name (as the holidays package spells it) -> Russian official name.
_RU_NAMES = {
    "Жаңа жыл": "Новый год",
    "Православиелік Рождество": "Православное Рождество",
    "Халықаралық әйелдер күні": "Международный женский день",
    "Наурыз мейрамы": "Наурыз мейрамы",
    "Қазақстан халқының бірлігі мерекесі": "Праздник единства народа Казахстана",
    "Отан Қорғаушы күні": "День защитника Отечества",
    "Жеңіс күні": "День Победы",
    "Астана күні": "День Столицы",
    "Қазақстан Республикасының Конституциясы күні": "День Конституции Республики Казахстан",
    "Республика күні": "День Республики",
    "Қазақстан Республикасы күні": "День Республики Казахстан",
    "Қазақстан Республикасының Тұңғыш Президенті күні": (
        "День Первого Президента Республики Казахстан"
    ),
    "Тәуелсіздік күні": "День Независимости",
    "Құрбан айт": "Курбан айт",
}
_RU_TAGS = {
    "қайта белгіленген демалыс": "перенесенный выходной день",
    "бағаланған": "предварительная дата",
    "қайта белгіленген демалыс, бағаланған": "перенесенный выходной день, предварительная дата",
}
_TAGGED_RE = re.compile(r"^(?P<base>.+) \((?P<tag>" + "|".join(_RU_TAGS) + r")\)$")
# The package's label for a weekday made a day off by decree, with the weekend day
# that became a working day in exchange.
_DAY_OFF_RE = re.compile(r"^Демалыс күні \((?P<src>\d\d\.\d\d\.\d{4}) бастап ауыстырылды\)$")
_WORKDAY_RE = re.compile(r"^Жұмыс күні \(демалыс (?P<dst>\d\d\.\d\d\.\d{4}) күніне ауыстырылды\)$")
_WORKDAY_KK = "Жұмыс күні (демалыс {:%d.%m.%Y} күніне ауыстырылды)"


@dataclass(frozen=True)
class CalendarOverride:
    """An admin-entered exception to the production calendar (a Government decree)."""

    day: date
    working: bool
    reason: str  # decree reference, shown in the month view


@dataclass(frozen=True)
class DayInfo:
    """One cell of the month grid."""

    day: date
    working: bool
    weekend: bool
    holiday_name: str | None
    override_reason: str | None

    @property
    def label(self) -> str | None:
        """Text for the cell: an admin's decree reason wins over the package's name."""
        return self.override_reason or self.holiday_name


@dataclass(frozen=True)
class _KzYear:
    names: dict[date, str]  # kk names of days off and of decreed working weekends
    days_off: frozenset[date]
    weekend_workdays: frozenset[date]


@lru_cache(maxsize=128)
def _kz_year(year: int) -> _KzYear:
    """Holidays, transfers and decreed working weekends of one year, from the package."""
    # The label of a decree that swaps a December weekend for a January day off is
    # filed under the next year (28.12.2013 -> 03.01.2014), so that year is read too.
    kz = holidays.country_holidays("KZ", years=(year, year + 1), language="kk")
    names = {d: n for d, n in kz.items() if d.year == year}
    workdays = frozenset(d for d in kz.weekend_workdays if d.year == year)
    for day_off, name in kz.items():
        for part in name.split("; "):
            match = _DAY_OFF_RE.match(part)
            if match:
                src = datetime.strptime(match["src"], "%d.%m.%Y").date()
                if src in workdays:
                    names[src] = _WORKDAY_KK.format(day_off)
    days_off = frozenset(d for d in names if d not in workdays)
    return _KzYear(names=names, days_off=days_off, weekend_workdays=workdays)


@lru_cache(maxsize=64)
def _year_start(year: int) -> int:
    return date(year, 1, 1).toordinal()


def _day_index(d: date) -> int:
    return d.toordinal() - _year_start(d.year)


def _locale(locale: str) -> Locale:
    code = locale.replace("-", "_").split("_")[0].lower()
    if code == "kk":
        return "kk"
    if code == "ru":
        return "ru"
    raise ValueError(f"unsupported locale {locale!r}: the calendar speaks kk and ru")


def _to_ru(name_kk: str) -> str:
    """Translate one package label (possibly several names joined by '; ') to Russian."""
    return "; ".join(_part_to_ru(part) for part in name_kk.split("; "))


def _part_to_ru(part: str) -> str:
    if match := _DAY_OFF_RE.match(part):
        return f"Выходной день (перенесен с {match['src']})"
    if match := _WORKDAY_RE.match(part):
        return f"Рабочий день (выходной перенесен на {match['dst']})"
    if match := _TAGGED_RE.match(part):
        base = _RU_NAMES.get(match["base"], match["base"])
        return f"{base} ({_RU_TAGS[match['tag']]})"
    # An unknown name (a newer package release) shows in Kazakh rather than failing.
    return _RU_NAMES.get(part, part)


class WorkCalendar:
    """Kazakhstan working days: weekends, holidays, package transfers and admin overrides."""

    def __init__(self, overrides: Iterable[CalendarOverride] = ()) -> None:
        self._overrides: dict[date, CalendarOverride] = {}
        for override in overrides:
            known = self._overrides.get(override.day)
            if known is not None and known != override:
                raise ValueError(f"two different calendar overrides for {override.day}")
            self._overrides[override.day] = override
        self._flags_cache: dict[int, bytes] = {}

    def _flags(self, year: int) -> bytes:
        """One byte per day of the year: 1 = working day (cached per year)."""
        flags = self._flags_cache.get(year)
        if flags is None:
            kz = _kz_year(year)
            first_weekday = date(year, 1, 1).weekday()
            size = 366 if calendar.isleap(year) else 365
            buf = bytearray(1 if (first_weekday + i) % 7 < 5 else 0 for i in range(size))
            for d in kz.days_off:
                buf[_day_index(d)] = 0
            for d in kz.weekend_workdays:
                buf[_day_index(d)] = 1
            for d, override in self._overrides.items():
                if d.year == year:
                    buf[_day_index(d)] = 1 if override.working else 0
            flags = self._flags_cache[year] = bytes(buf)
        return flags

    def is_working_day(self, d: date) -> bool:
        """True when d is a working day in Kazakhstan (after overrides)."""
        return self._flags(d.year)[_day_index(d)] == 1

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after d, counting from the next day; n = 0 gives d."""
        if n < 0:
            raise ValueError("working days are counted forward only (n >= 0)")
        if n == 0:
            return d
        year, idx, remaining = d.year, _day_index(d) + 1, n
        flags = self._flags(year)
        while True:
            pos = flags.find(1, idx)
            if pos < 0:
                year, idx = year + 1, 0
                flags = self._flags(year)
                continue
            remaining -= 1
            if remaining == 0:
                return date.fromordinal(_year_start(year) + pos)
            idx = pos + 1

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after d (Rules No. 83, cl. 32 "next working day")."""
        return self.add_working_days(d, 1)

    def working_day_on_or_after(self, d: date) -> date:
        """d itself when it is a working day, otherwise the next working day."""
        return d if self.is_working_day(d) else self.next_working_day(d)

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in (a, b]: a excluded, b included; negative when b < a.

        Matches add_working_days: working_days_between(d, add_working_days(d, n)) == n.
        """
        if b < a:
            return -self.working_days_between(b, a)
        total = 0
        for year in range(a.year, b.year + 1):
            flags = self._flags(year)
            start = _day_index(a) + 1 if year == a.year else 0
            end = _day_index(b) + 1 if year == b.year else len(flags)
            total += flags.count(1, start, end)
        return total

    def nth_day_of_next_month(self, d: date, n: int, *, roll_forward: bool = False) -> date:
        """Day n of the month after d's month ("by the 5th day of each month", cl. 31, 39).

        The rules name a calendar day, so by default the date is kept even when it is
        a day off (the portal warns early rather than late). roll_forward=True moves
        a non-working day to the next working day, as the general rule on terms that
        end on a day off would allow.
        """
        year, month = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
        if not 1 <= n <= calendar.monthrange(year, month)[1]:
            raise ValueError(f"month {year}-{month:02d} has no day {n}")
        due = date(year, month, n)
        return self.working_day_on_or_after(due) if roll_forward else due

    def add_working_hours(
        self, dt: datetime, hours: float, day_start: int = 9, day_end: int = 18
    ) -> datetime:
        """The moment `hours` working hours after dt, in Astana time (ICT regulation, cl. 37).

        Working time is [day_start, day_end) on working days, without a lunch break.
        A start outside working time begins at the next opening; a result that lands
        exactly on closing time stays on that day. Returns an aware Asia/Almaty datetime.
        """
        if dt.tzinfo is None:
            raise ValueError("add_working_hours needs a timezone-aware datetime")
        if hours < 0:
            raise ValueError("working hours are counted forward only")
        if not 0 <= day_start < day_end <= 24:
            raise ValueError("need 0 <= day_start < day_end <= 24")
        remaining = timedelta(hours=hours)
        cursor = dt.astimezone(ASTANA_TZ)
        while True:
            day = cursor.date()
            if self.is_working_day(day):
                opening = datetime.combine(day, time(day_start), ASTANA_TZ)
                closing = opening + timedelta(hours=day_end - day_start)
                cursor = max(cursor, opening)
                if cursor < closing:
                    if remaining <= closing - cursor:
                        return cursor + remaining
                    remaining -= closing - cursor
            cursor = datetime.combine(self.next_working_day(day), time(day_start), ASTANA_TZ)

    def holiday_name(self, d: date, locale: str = "kk") -> str | None:
        """Name of the holiday, transferred day off or decreed working weekend on d."""
        name = _kz_year(d.year).names.get(d)
        if name is None or _locale(locale) == "kk":
            return name
        return _to_ru(name)

    def month_days(self, year: int, month: int, locale: str = "kk") -> list[DayInfo]:
        """Every day of a month with its status and label, for the month-grid view."""
        _locale(locale)
        days = []
        for day_no in range(1, calendar.monthrange(year, month)[1] + 1):
            d = date(year, month, day_no)
            override = self._overrides.get(d)
            days.append(
                DayInfo(
                    day=d,
                    working=self.is_working_day(d),
                    weekend=d.weekday() >= 5,
                    holiday_name=self.holiday_name(d, locale),
                    override_reason=override.reason if override else None,
                )
            )
        return days
