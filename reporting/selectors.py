"""Reading figures: always from daily facts, one query per question however many days or units.

`figures` answers one unit over one period; `figures_by_unit` answers the units below side by side (one
GROUP BY on the fact column of their level); `trend` answers one unit over consecutive periods. Each
sums the facts per (metric, day) in the database and finishes in Python: flows add up over the days,
stocks are read on the period's last built day (`indicators`).
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from reporting.indicators import INDICATORS, STOCK_METRICS, Indicator, needed_metrics
from reporting.models import DailyFact
from reporting.periods import Period
from reporting.scopes import CHILD_COLUMN, Unit

Values = dict[str, Decimal]


def _fold(rows: Iterable[tuple[str, date, Decimal]], period: Period) -> Values:
    """Per-day sums of metrics → their values over the period."""
    stock_day = period.last_built_day()
    values: Values = defaultdict(Decimal)
    for metric, day, value in rows:
        if metric in STOCK_METRICS:
            if day == stock_day:
                values[metric] += value
        else:
            values[metric] += value
    return values


def _compute(indicators: Iterable[Indicator], values: Values) -> dict[str, Decimal | None]:
    return {item.code: (item.compute(values) if item.has_source else None) for item in indicators}


def figures(*, unit: Unit, period: Period, indicators: Iterable[Indicator] = INDICATORS) -> dict[str, Decimal | None]:
    """Each indicator's figure for the unit over the period (None: nothing to measure, or no source yet)."""
    indicators = list(indicators)
    rows = (
        DailyFact.objects.filter(
            unit.fact_filter(), metric__in=needed_metrics(indicators), day__gte=period.start, day__lte=period.end
        )  # fmt: skip
        .values_list("metric", "day")
        .annotate(total=Sum("value"))
        .order_by()
    )
    return _compute(indicators, _fold(rows, period))


def figures_by_unit(*, units: list[Unit], period: Period, indicators: Iterable[Indicator] = INDICATORS,
                    within: Unit | None = None) -> dict[int, dict[str, Decimal | None]]:  # fmt: skip
    """The figures of several units of one level, in one query: {unit id: {code: figure}}.

    `within` keeps only the facts of the parent (the people of a team: their rows in that team).
    """
    indicators = list(indicators)
    if not units:
        return {}
    column = CHILD_COLUMN[units[0].kind]
    query = DailyFact.objects.filter(
        **{f"{column}__in": [u.id for u in units]}, metric__in=needed_metrics(indicators),
        day__gte=period.start, day__lte=period.end,
    )  # fmt: skip
    if within is not None:
        query = query.filter(within.fact_filter())
    rows = query.values_list(column, "metric", "day").annotate(total=Sum("value")).order_by()
    per_unit: dict[int, list] = defaultdict(list)
    for unit_id, metric, day, total in rows:
        per_unit[unit_id].append((metric, day, total))
    return {unit.id: _compute(indicators, _fold(per_unit.get(unit.id, []), period)) for unit in units}


def trend(*, unit: Unit, periods: list[Period], indicators: Iterable[Indicator]) -> dict[str, list[Decimal | None]]:
    """Each indicator's figure over consecutive periods (oldest first), in one query."""
    indicators = list(indicators)
    rows = (
        DailyFact.objects.filter(
            unit.fact_filter(),
            metric__in=needed_metrics(indicators),
            day__gte=periods[0].start,
            day__lte=periods[-1].end,
        )  # fmt: skip
        .values_list("metric", "day")
        .annotate(total=Sum("value"))
        .order_by()
    )
    per_period: list[list] = [[] for _period in periods]
    for metric, day, total in rows:
        for index, period in enumerate(periods):
            if period.contains(day):
                per_period[index].append((metric, day, total))
                break
    computed = [_compute(indicators, _fold(chunk, period)) for chunk, period in zip(per_period, periods, strict=True)]
    return {item.code: [values[item.code] for values in computed] for item in indicators}


def objectives_visible(*, user, period: Period, units: list[Unit]) -> list:
    """The objectives of these units for the period (the caller has checked it may see the units)."""
    from reporting.models import Objective

    if not units:
        return []
    wanted = {(unit.kind, unit.id) for unit in units}
    rows = Objective.objects.filter(period=period.code, scope_kind__in={k for k, _i in wanted},
                                    scope_id__in={i for _k, i in wanted})  # fmt: skip
    return [row for row in rows if (row.scope_kind, row.scope_id) in wanted]


def with_actuals(objectives: list, period: Period) -> list[tuple]:
    """(objective, actual, attainment %) for each objective: one query per level of unit, whatever their number."""
    from reporting.indicators import BY_CODE
    from reporting.models import ScopeKind
    from reporting.scopes import load_unit

    by_kind: dict[str, set[int]] = defaultdict(set)
    for objective in objectives:
        by_kind[objective.scope_kind].add(objective.scope_id)
    wanted = [BY_CODE[code] for code in sorted({o.metric for o in objectives})]
    actual: dict[tuple[str, int], dict] = {}
    for kind, ids in by_kind.items():
        if kind == ScopeKind.NATIONAL:
            actual[(kind, 0)] = figures(unit=load_unit(kind, 0), period=period, indicators=wanted)
            continue
        units = [Unit(kind, unit_id, "", frozenset()) for unit_id in ids]
        for unit_id, values in figures_by_unit(units=units, period=period, indicators=wanted).items():
            actual[(kind, unit_id)] = values
    found = []
    for objective in objectives:
        value = actual.get((objective.scope_kind, objective.scope_id), {}).get(objective.metric)
        rate = (
            (Decimal(100) * value / objective.value).quantize(Decimal("0.1"))
            if value is not None and objective.value
            else None
        )
        found.append((objective, value, rate))
    return found
