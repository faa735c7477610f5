"""Periods of figures: a day (2026-11-05), an ISO week (2026-W45), a month (2026-11), a quarter (2026-Q4)."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import InvalidInput
from reporting.models import PeriodKind


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # inclusive

    @property
    def code(self) -> str:
        if self.kind == PeriodKind.DAY:
            return self.start.isoformat()
        if self.kind == PeriodKind.WEEK:
            year, week, _day = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == PeriodKind.MONTH:
            return f"{self.start.year}-{self.start.month:02d}"
        return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"

    def __str__(self) -> str:
        return self.code

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def last_built_day(self) -> date:
        """The day whose stocks stand for the period: its last day, or today for the current period."""
        return min(self.end, timezone.localdate())

    def previous(self) -> "Period":
        return period_containing(self.kind, self.start - timedelta(days=1))

    def following(self) -> "Period":
        return period_containing(self.kind, self.end + timedelta(days=1))

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def period_containing(kind: str, day: date) -> "Period":
    if kind == PeriodKind.DAY:
        return Period(kind, day, day)
    if kind == PeriodKind.WEEK:
        start = day - timedelta(days=day.weekday())
        return Period(kind, start, start + timedelta(days=6))
    month = day.month if kind == PeriodKind.MONTH else 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, month, 1)
    months = 1 if kind == PeriodKind.MONTH else 3
    year, month = divmod(start.month - 1 + months, 12)
    return Period(kind, start, date(start.year + year, month + 1, 1) - timedelta(days=1))


_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), PeriodKind.DAY),
    (re.compile(r"^(\d{4})-W(\d{2})$"), PeriodKind.WEEK),
    (re.compile(r"^(\d{4})-Q([1-4])$"), PeriodKind.QUARTER),
    (re.compile(r"^(\d{4})-(\d{2})$"), PeriodKind.MONTH),
)


def parse_period(text: str | None, *, field: str = "period", default_kind: str = PeriodKind.MONTH) -> Period:
    """The period a code names; empty: the current one of `default_kind`. InvalidInput naming `field` else."""
    if not text:
        return period_containing(default_kind, timezone.localdate())
    for pattern, kind in _PATTERNS:
        found = pattern.match(text.strip())
        if not found:
            continue
        try:
            numbers = [int(part) for part in found.groups()]
            if kind == PeriodKind.DAY:
                return period_containing(kind, date(*numbers))
            if kind == PeriodKind.WEEK:
                return period_containing(kind, date.fromisocalendar(numbers[0], numbers[1], 1))
            if kind == PeriodKind.QUARTER:
                return period_containing(kind, date(numbers[0], 3 * numbers[1] - 2, 1))
            return period_containing(kind, date(numbers[0], numbers[1], 1))
        except ValueError:
            break
    raise InvalidInput(
        {field: _("A period is a day (2026-11-05), a week (2026-W45), a month (2026-11) or a quarter (2026-Q4).")}
    )


def periods_back(period: Period, count: int) -> list[Period]:
    """`count` periods of the same kind ending with `period`, oldest first."""
    found = [period]
    while len(found) < count:
        found.append(found[-1].previous())
    return found[::-1]
