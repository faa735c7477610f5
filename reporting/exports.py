"""CSV exports of the dashboard's tables: the unit's figures, the units below side by side, the trends."""

import csv
import io
from collections.abc import Callable

from django.utils.translation import gettext as _

from accounts.models import User
from reporting.dashboard import build_dashboard
from reporting.indicators import BY_CODE
from reporting.periods import parse_period
from reporting.scopes import unit_for_user

TABLES = ("figures", "units", "trend")


def _number(value) -> str:
    return "" if value is None else str(value)


def export_csv(*, user: User, table: str, scope: str | None, period: str | None,
               progress: Callable[[int, int], None] | None = None) -> str:  # fmt: skip
    """The table as CSV text (scoped to what `user` may see: NotFound otherwise)."""
    unit = unit_for_user(user=user, scope=scope)
    board = build_dashboard(user=user, unit=unit, period=parse_period(period), with_below=table == "units",
                            with_trend=table == "trend")  # fmt: skip
    out = io.StringIO()
    writer = csv.writer(out)
    if table == "figures":
        writer.writerow([_("Indicator"), _("Unit"), _("Period"), _("Value"), _("Objective"), _("Attainment (%)")])
        for figure in board.figures:
            writer.writerow([figure.indicator.label, unit.name, board.period.code, _number(figure.value),
                             _number(figure.objective), _number(figure.attainment)])  # fmt: skip
    elif table == "units":
        indicators = board.comparison_indicators
        writer.writerow([_("Unit"), *(item.label for item in indicators)])
        for index, below in enumerate(board.below, start=1):
            values = board.below_figures.get(below.id, {})
            writer.writerow([below.name, *(_number(values.get(item.code)) for item in indicators)])
            if progress:
                progress(index, len(board.below))
    else:
        writer.writerow([_("Period"), *(BY_CODE[code].label for code in board.trends)])
        for index, period in enumerate(board.trend_periods):
            writer.writerow([period.code, *(_number(values[index]) for values in board.trends.values())])
    return out.getvalue()
