"""When a request or a lead is due (DESIGN.md section 6): one rule, read by the SLA scan and every list.

- The targets are stored on the item (`response_due_at`, `resolution_due_at`), computed by `due_dates`
  when it is created and again when a transfer changes its category: counted from its creation in
  the business hours of the client's agency (`workflow.hours`). A request's targets are its
  category's hours; a lead's response target is `LEAD_RESPONSE_HOURS` business hours, its resolution
  target `LEAD_RESOLUTION_DAYS` calendar days (a sale takes days of the client's, not the agency's).
- The target is the response target until someone first responds, then the resolution target.
- A callback window pushes it to the window's end (its start, when it has no end): the client asked
  to be called then, so nobody is late before.
- A request waiting on the client has its clock paused: it has no due time while it waits. Its
  targets do not move: a request that resumes past them is overdue at once (the time it waited is not
  given back, which keeps the rule one query and the dates the client was promised unchanged).
- A closed item is due nothing.

The rule is a database expression, so that a list filters and sorts by it and the scan selects with
it, and the page and the scan can never disagree on which items are late.
"""

from datetime import datetime, timedelta
from typing import TypeVar

from django.conf import settings
from django.db.models import Case, DateTimeField, F, Model, QuerySet, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from workflow.hours import agency_calendar
from workflow.models import OPEN_LEAD_STATUSES, OPEN_REQUEST_STATUSES, Lead, RequestStatus, ServiceRequest

# No target counts further than this, whatever a category said before targets were bounded: a
# category of 2·10⁹ hours must not make every one of its requests unreadable (issue 7, finding 8).
MAX_TARGET_HOURS = 24 * 366

# The statuses in which an item's clock runs.
CLOCK_RUNS: dict[type[Model], tuple[str, ...]] = {
    ServiceRequest: tuple(s for s in OPEN_REQUEST_STATUSES if s != RequestStatus.WAITING_CLIENT),
    Lead: tuple(OPEN_LEAD_STATUSES),
}

Item = TypeVar("Item", ServiceRequest, Lead)


def due_dates(item: ServiceRequest | Lead, start: datetime) -> tuple[datetime, datetime]:
    """The item's response and resolution due times, counted from `start` (its creation)."""
    calendar = agency_calendar(item.client.agency_id)
    if isinstance(item, ServiceRequest):
        response = min(item.category.response_hours, MAX_TARGET_HOURS)
        resolution = min(item.category.resolution_hours, MAX_TARGET_HOURS)
        return calendar.add(start, response), calendar.add(start, resolution)
    resolution_days = min(settings.LEAD_RESOLUTION_DAYS, MAX_TARGET_HOURS // 24)
    return calendar.add(start, min(settings.LEAD_RESPONSE_HOURS, MAX_TARGET_HOURS)), start + timedelta(
        days=resolution_days
    )


def annotate_due(queryset: QuerySet[Item]) -> QuerySet[Item]:
    """Annotate `sla_due_at`: when the item is due, or NULL when its clock is not running."""
    target = Case(
        When(first_response_at__isnull=True, then=F("response_due_at")),
        default=F("resolution_due_at"),
        output_field=DateTimeField(),
    )
    # Greatest is NULL on SQLite when any argument is: without a window, the window's end is the target.
    window_end = Coalesce(F("callback_before"), F("callback_after"), target, output_field=DateTimeField())
    due = Greatest(target, window_end, output_field=DateTimeField())
    return queryset.annotate(
        sla_due_at=Case(When(status__in=CLOCK_RUNS[queryset.model], then=due), output_field=DateTimeField())
    )


def is_overdue(due_at: datetime | None, now: datetime | None = None) -> bool:
    return due_at is not None and due_at < (now or timezone.now())
