"""Facts from portfolio potentials (issue 9): received, due, explored in time or late, overdue.

A potential's row is enough to say where it stood on any past day: its salesperson (the account's
owner when it was given), client and deadline never change, and `explored_at` is written once. So a day
rebuilt later reads the same as when it was first built, as the trace-based sources do. Each row is
placed at the salesperson, the team they worked in that day for the client's agency, and that agency.

- `potentials_received`: counted on the day the potential was given;
- `potentials_due` and `potentials_explored_in_time`: counted on the deadline's day, the second when it
  was explored by the end of that day (the rate "explored before deadline" is their ratio);
- `potentials_explored_late`: counted on the day it was explored, after its deadline;
- `potentials_overdue`: a stock at the end of the day: deadline passed, not explored yet.
"""

from datetime import date, datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reporting.sources.base import DayFacts, Source, local_day, register
from workflow.models_campaigns import Potential

METRICS = ("potentials_received", "potentials_due", "potentials_explored_in_time", "potentials_explored_late",
           "potentials_overdue")  # fmt: skip


def _place(facts: DayFacts, metric: str, agency: int, person: int) -> None:
    facts.add(metric, agency=agency, person=person, team=facts.org.team_of(person, agency))


def build(facts: DayFacts) -> None:
    day, end = facts.day, facts.end
    rows = Potential.objects.filter(
        Q(created_at__gte=facts.start, created_at__lt=end)
        | Q(deadline=day, created_at__lt=end)
        | Q(explored_at__gte=facts.start, explored_at__lt=end)
        | Q(deadline__lt=day, created_at__lt=end) & (Q(explored_at__isnull=True) | Q(explored_at__gte=end))
    ).values_list("client__agency_id", "salesperson_id", "created_at", "deadline", "explored_at")
    for agency, person, created_at, deadline, explored_at in rows:
        explored_by_end = explored_at is not None and explored_at < end
        if created_at >= facts.start:
            _place(facts, "potentials_received", agency, person)
        if deadline == day:
            _place(facts, "potentials_due", agency, person)
            if explored_by_end:
                _place(facts, "potentials_explored_in_time", agency, person)
        if explored_by_end and explored_at >= facts.start and local_day(explored_at) > deadline:
            _place(facts, "potentials_explored_late", agency, person)
        if deadline < day and not explored_by_end:
            _place(facts, "potentials_overdue", agency, person)


def touched_days(since: datetime, until: datetime) -> set[date]:
    """The days a change since `since` moves: its giving and exploring days, and its deadline's day."""
    changed = Potential.objects.filter(
        Q(created_at__gte=since, created_at__lt=until) | Q(explored_at__gte=since, explored_at__lt=until)
    ).values_list("created_at", "deadline", "explored_at")
    days: set[date] = set()
    for created_at, deadline, explored_at in changed:
        days |= {local_day(created_at), deadline}
        if explored_at is not None:
            days.add(local_day(explored_at))
    return days  # the build skips days after today


SOURCE = register(Source(code="potentials", label=_("Portfolio potentials"), metrics=METRICS, build=build,
                         touched_days=touched_days))  # fmt: skip
