"""What every source of daily facts is made of: a day being built, a source, and the registry it joins.

How sources are written and found: see the docstring of `reporting.sources`.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.functional import Promise

from accounts.models import Agency, Membership, TeamKind, TeamScope


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """A day's start and end (exclusive) in the organisation's time zone (settings.TIME_ZONE)."""
    zone = timezone.get_default_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


class _Organisation:
    """What every source of a day needs to know of the organisation: regions of agencies, people's teams."""

    def __init__(self, day: date, start: datetime, end: datetime) -> None:
        self.region_of: dict[int, int] = dict(Agency.objects.values_list("pk", "region_id"))
        self._teams: dict[int, list[tuple[int, str, str, int | None, int | None]]] = {}
        rows = (
            Membership.objects.filter(started_at__lt=end)
            .exclude(ended_at__lte=start)
            .order_by("started_at", "pk")
            .values_list("user_id", "team_id", "team__kind", "team__scope", "team__agency_id", "team__region_id")
        )
        for user_id, team_id, kind, scope, agency_id, region_id in rows:
            self._teams.setdefault(user_id, []).append((team_id, kind, scope, agency_id, region_id))

    def team_of(self, person_id: int | None, agency_id: int) -> int | None:
        """The team a person worked in that day for this agency: one covering it, management last."""
        if person_id is None:
            return None
        best = None
        for team_id, kind, scope, team_agency, team_region in self._teams.get(person_id, ()):
            covers = (
                (scope == TeamScope.AGENCY and team_agency == agency_id)
                or (scope == TeamScope.REGION and team_region == self.region_of.get(agency_id))
                or scope == TeamScope.NATIONAL
            )
            if covers and (best is None or kind != TeamKind.MANAGEMENT):
                best = team_id
                if kind != TeamKind.MANAGEMENT:
                    break
        return best


@dataclass
class DayFacts:
    """The facts of one day being built: values added per (metric, person, team, agency) cell."""

    day: date
    start: datetime = field(init=False)
    end: datetime = field(init=False)
    cells: dict[tuple[str, int | None, int | None, int], Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.start, self.end = day_bounds(self.day)
        self._org: _Organisation | None = None

    @property
    def org(self) -> _Organisation:
        if self._org is None:
            self._org = _Organisation(self.day, self.start, self.end)
        return self._org

    def add(self, metric: str, *, agency: int | None, person: int | None = None, team: int | None = None,
            value: Decimal | int = 1) -> None:  # fmt: skip
        if agency is None:  # nothing can be placed without an agency (an item of a deleted client)
            return
        key = (metric, person, team, agency)
        self.cells[key] = self.cells.get(key, Decimal(0)) + Decimal(value)


@dataclass(frozen=True)
class Source:
    code: str
    label: Promise
    metrics: tuple[str, ...]
    build: Callable[[DayFacts], None]
    touched_days: Callable[[datetime, datetime], Iterable[date]]


_SOURCES: dict[str, Source] = {}


def register(source: Source) -> Source:
    _SOURCES[source.code] = source
    return source
