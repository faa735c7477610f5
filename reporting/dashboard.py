"""What a dashboard shows for one unit and period, assembled from the selectors in a fixed number of queries.

The page, its fragment, "my figures" and the CSV exports read the same `Dashboard`, so a table and its
export never disagree.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from accounts.models import User
from reporting.indicators import BY_CODE, HEADLINE, INDICATORS, Indicator
from reporting.models import Objective, ScopeKind
from reporting.periods import Period, periods_back
from reporting.scopes import Unit, children
from reporting.selectors import figures, figures_by_unit, trend

TREND_PERIODS = 12
TREND_INDICATORS = ("leads_received", "lead_conversion", "requests_opened", "backlog")


@dataclass
class Figure:
    indicator: Indicator
    value: Decimal | None
    objective: Decimal | None = None

    @property
    def attainment(self) -> Decimal | None:
        if self.objective in (None, Decimal(0)) or self.value is None:
            return None
        return (Decimal(100) * self.value / self.objective).quantize(Decimal("1"))


@dataclass
class Dashboard:
    unit: Unit
    period: Period
    figures: list[Figure]
    below: list[Unit] = field(default_factory=list)
    below_figures: dict[int, dict[str, Decimal | None]] = field(default_factory=dict)
    below_objectives: dict[tuple[str, int], dict[str, Decimal]] = field(default_factory=dict)
    trend_periods: list[Period] = field(default_factory=list)
    trends: dict[str, list[Decimal | None]] = field(default_factory=dict)

    @property
    def headline(self) -> list[Figure]:
        return [f for f in self.figures if f.indicator.code in HEADLINE]

    @property
    def comparison_indicators(self) -> list[Indicator]:
        return [BY_CODE[code] for code in HEADLINE]


def objectives_of(units: list[Unit], period: Period) -> dict[tuple[str, int], dict[str, Decimal]]:
    """{(kind, id): {metric: objective}} for these units and period, in one query."""
    found: dict[tuple[str, int], dict[str, Decimal]] = {}
    if not units:
        return found
    rows = Objective.objects.filter(period=period.code, scope_kind__in={u.kind for u in units},
                                    scope_id__in=[u.id for u in units])  # fmt: skip
    for row in rows.values_list("scope_kind", "scope_id", "metric", "value"):
        found.setdefault((row[0], row[1]), {})[row[2]] = row[3]
    return found


def build_dashboard(*, user: User, unit: Unit, period: Period, with_below: bool = True,
                    with_trend: bool = True) -> Dashboard:  # fmt: skip
    values = figures(unit=unit, period=period)
    below = children(unit) if with_below else []
    objectives = objectives_of([unit, *below], period)
    own = objectives.get((unit.kind, unit.id), {})
    board = Dashboard(unit=unit, period=period,
                      figures=[Figure(item, values[item.code], own.get(item.code)) for item in INDICATORS])  # fmt: skip
    if below:
        board.below = below
        within = unit if unit.kind == ScopeKind.TEAM else None
        board.below_figures = figures_by_unit(units=below, period=period, indicators=board.comparison_indicators,
                                              within=within)  # fmt: skip
        board.below_objectives = objectives
    if with_trend:
        board.trend_periods = periods_back(period, TREND_PERIODS)
        board.trends = trend(unit=unit, periods=board.trend_periods,
                             indicators=[BY_CODE[code] for code in TREND_INDICATORS])  # fmt: skip
    return board
