"""Building the daily facts: one day at a time, all or nothing, from every registered source.

`rebuild_day` deletes the day's facts and inserts them again in one transaction, so building a day
twice gives the same rows (never double counts) and a reader never sees half a day. The incremental
refresh rebuilds the days touched since its watermark (each source says which) plus the days from the
watermark's to today, whose stocks (backlog, past target) move with time alone; the full rebuild
rebuilds every day from the first event to today.
"""

from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from reporting.models import DailyFact, RefreshState
from reporting.sources import DayFacts, local_day, sources

STATE = "facts"
# A change committed a little after its timestamp (a long transaction) must not slip under the watermark:
# each refresh looks this far back again (rebuilding a day twice is harmless).
SAFETY_LAG = timedelta(minutes=10)


@transaction.atomic
def rebuild_day(day: date) -> int:
    """Replace the day's facts with what the sources say now. Returns the number of rows written."""
    facts = DayFacts(day=day)
    for source in sources():
        source.build(facts)
    DailyFact.objects.filter(day=day).delete()
    region_of = facts.org.region_of if facts.cells else {}
    rows = [
        DailyFact(
            day=day,
            metric=metric,
            person_id=person,
            team_id=team,
            agency_id=agency,
            region_id=region_of[agency],
            value=value,
        )  # fmt: skip
        for (metric, person, team, agency), value in facts.cells.items()
        if value
    ]
    DailyFact.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _state() -> RefreshState:
    state, _created = RefreshState.objects.get_or_create(name=STATE)
    return state


def first_day() -> date | None:
    """The first day anything happened: the first trace event, interaction logged or sale."""
    from trace.models import TraceEvent
    from workflow.models import Sale

    candidates = []
    first_event = TraceEvent.objects.order_by("id").values_list("created_at", flat=True).first()
    if first_event:
        candidates.append(local_day(first_event))
    from crm.models import Interaction

    first_logged = Interaction.objects.order_by("created_at").values_list("created_at", flat=True).first()
    if first_logged:
        candidates.append(local_day(first_logged))
    first_sale = Sale.objects.order_by("sold_on").values_list("sold_on", flat=True).first()
    if first_sale:
        candidates.append(first_sale)
    return min(candidates) if candidates else None


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def rebuild_all(*, progress: Callable[[int, int], None] | None = None, since: date | None = None) -> int:
    """Rebuild every day from the first one (or `since`) to today; moves the watermark to the start."""
    started = timezone.now()
    today = timezone.localdate()
    first = since or first_day() or today
    days = days_between(first, today)
    written = 0
    for done, day in enumerate(days, start=1):
        written += rebuild_day(day)
        if progress:
            progress(done, len(days))
    # What changed while it ran is after `started`: the next incremental refresh takes it.
    RefreshState.objects.filter(pk=_state().pk).update(watermark=started, last_full_at=started)
    return written


def touched_since(since: datetime, until: datetime) -> set[date]:
    days: set[date] = set()
    for source in sources():
        days |= set(source.touched_days(since, until))
    return days


def refresh_incremental(*, now: datetime | None = None) -> list[date]:
    """Rebuild the days touched since the watermark, and the days from the watermark's to today.

    Without a watermark (never built), this is a full rebuild. Returns the days rebuilt.
    """
    now = now or timezone.now()
    state = _state()
    if state.watermark is None:
        rebuild_all()
        return []
    today = local_day(now)
    days = touched_since(state.watermark - SAFETY_LAG, now) | set(days_between(local_day(state.watermark), today))
    days = sorted(day for day in days if day <= today)
    for day in days:
        rebuild_day(day)
    RefreshState.objects.filter(pk=state.pk).update(watermark=now)
    return days
