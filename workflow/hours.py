"""Business hours (DESIGN.md section 6): when an agency is open, and how far N open hours reach.

An agency's calendar is its opening hours per weekday in its own time zone, minus French public
holidays (the maintained `holidays` package, with a subdivision's own days) and its own closed days.
`Calendar.add` counts a target in those hours: opened on Friday at 17:30 with 8 hours to go, half an
hour counts on Friday and the rest from Monday 09:00 (or Tuesday, when Monday is a holiday).

Times are local wall-clock times of the agency; the elapsed time of an interval is real time, so a
daylight-saving change inside opening hours counts as what it really lasted. A calendar open at no
time of the week counts plain hours instead, so that no item is ever due never.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import holidays

from workflow.models import AgencyCalendar, Weekday

DEFAULT_TIME_ZONE = "Europe/Paris"
_WORKDAY = [["09:00", "12:30"], ["13:30", "18:00"]]
DEFAULT_OPENING_HOURS: dict[str, list[list[str]]] = {
    Weekday.MONDAY: _WORKDAY, Weekday.TUESDAY: _WORKDAY, Weekday.WEDNESDAY: _WORKDAY, Weekday.THURSDAY: _WORKDAY,
    Weekday.FRIDAY: _WORKDAY, Weekday.SATURDAY: [], Weekday.SUNDAY: [],
}  # fmt: skip
WEEKDAYS = tuple(Weekday.values)  # Monday first, as `date.weekday()` counts
HOLIDAY_COUNTRY = "FR"
HOLIDAY_SUBDIVISIONS = tuple(holidays.France.subdivisions)
# As the holidays package names them (in French), for the administrator's choice list.
_ALIASES = holidays.France.subdivisions_aliases  # name or abbreviation -> code
HOLIDAY_SUBDIVISION_NAMES = tuple(
    (code, max((name for name, aliased in _ALIASES.items() if aliased == code), key=len, default=code))
    for code in HOLIDAY_SUBDIVISIONS
)

# How far a count may walk, whatever the calendar: past it the item is due where the walk stopped.
# Targets are bounded (`workflow.services.configuration.MAX_TARGET_HOURS`), so only a calendar open
# a few minutes a week gets there.
MAX_DAYS_WALKED = 366 * 12
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$|^24:00$")

Interval = tuple[int, int]  # minutes after local midnight, start < end <= 1440


def minutes_of(text: str) -> int | None:
    """ "09:30" as 570 minutes after midnight ("24:00" is the end of the day); None when not a time."""
    if not isinstance(text, str) or not _HHMM.match(text):
        return None
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def is_time_zone(name: str) -> bool:
    return isinstance(name, str) and name in _time_zones()


@lru_cache(maxsize=1)
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


@lru_cache(maxsize=32)
def _public_holidays(subdivision: str) -> holidays.HolidayBase:
    # The object adds each year's holidays the first time a date of that year is looked up.
    return holidays.country_holidays(HOLIDAY_COUNTRY, subdiv=subdivision or None, language="fr")


@dataclass(frozen=True)
class Calendar:
    zone: ZoneInfo
    week: tuple[tuple[Interval, ...], ...]  # seven days, Monday first, intervals in order
    closed_on_public_holidays: bool = True
    holiday_subdivision: str = ""
    closed_days: frozenset[date] = frozenset()

    @property
    def ever_open(self) -> bool:
        return any(self.week)

    def is_closed(self, day: date) -> bool:
        if day in self.closed_days:
            return True
        return self.closed_on_public_holidays and day in _public_holidays(self.holiday_subdivision)

    def open_intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """The day's opening intervals as aware datetimes, in the agency's time zone."""
        if self.is_closed(day):
            return []
        # Wall-clock arithmetic: an aware datetime plus minutes keeps its zone, whose offset follows the
        # wall time (so 18:00 is 18:00 on the day the clocks change).
        midnight = datetime(day.year, day.month, day.day, tzinfo=self.zone)
        week = self.week[day.weekday()]
        return [(midnight + timedelta(minutes=start), midnight + timedelta(minutes=end)) for start, end in week]

    def add(self, start: datetime, hours: float) -> datetime:
        """The moment `hours` of opening time after `start` (counted from the next opening if closed)."""
        remaining = timedelta(hours=hours)
        if not self.ever_open:
            return start + remaining
        start = start.astimezone(UTC)
        day = start.astimezone(self.zone).date()
        position = start
        for _walked in range(MAX_DAYS_WALKED):
            for opens, closes in self.open_intervals(day):
                opens, closes = opens.astimezone(UTC), closes.astimezone(UTC)
                if closes <= start:
                    continue
                opens = max(opens, start)
                if opens + remaining <= closes:
                    return opens + remaining
                remaining -= closes - opens
                position = closes
            if day == date.max:
                break
            day += timedelta(days=1)
        return position

    def overlaps(self, start: datetime, end: datetime) -> bool:
        """Whether the agency is open at some moment between `start` and `end`."""
        if not self.ever_open:
            return True
        day, last = start.astimezone(self.zone).date(), end.astimezone(self.zone).date()
        while day <= last:
            if any(opens < end and closes > start for opens, closes in self.open_intervals(day)):
                return True
            if day == date.max:
                break
            day += timedelta(days=1)
        return False


def parse_week(opening_hours: dict) -> tuple[tuple[Interval, ...], ...]:
    """Stored opening hours (checked on the way in) as minutes; a day missing or malformed is closed."""
    week = []
    for name in WEEKDAYS:
        intervals = []
        for pair in (opening_hours or {}).get(name) or []:
            start, end = (minutes_of(pair[0]), minutes_of(pair[1])) if len(pair) == 2 else (None, None)
            if start is not None and end is not None and start < end:
                intervals.append((start, end))
        week.append(tuple(sorted(intervals)))
    return tuple(week)


def _closed_days(rows: list) -> frozenset[date]:
    days = set()
    for row in rows or []:
        try:
            days.add(date.fromisoformat(row["date"]))
        except (KeyError, TypeError, ValueError):
            continue
    return frozenset(days)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


def calendar_from(row: AgencyCalendar | None) -> Calendar:
    """An agency's calendar from its row, or the defaults when it has none."""
    if row is None:
        return Calendar(zone=ZoneInfo(DEFAULT_TIME_ZONE), week=parse_week(DEFAULT_OPENING_HOURS))
    return Calendar(
        zone=_zone(row.time_zone),
        week=parse_week(row.opening_hours),
        closed_on_public_holidays=row.closed_on_public_holidays,
        holiday_subdivision=row.holiday_subdivision if row.holiday_subdivision in HOLIDAY_SUBDIVISIONS else "",
        closed_days=_closed_days(row.closed_days),
    )


def agency_calendar(agency_id: int) -> Calendar:
    """The calendar whose hours count for the clients of this agency (one query)."""
    return calendar_from(AgencyCalendar.objects.filter(agency_id=agency_id).first())


def public_holiday_name(day: date, subdivision: str = "") -> str | None:
    return _public_holidays(subdivision).get(day)
