"""When a request or a lead is due (DESIGN.md section 6): one rule, read by the SLA scan and every list.

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

from datetime import datetime
from typing import TypeVar

from django.db.models import Case, DateTimeField, F, Model, QuerySet, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from workflow.models import OPEN_LEAD_STATUSES, OPEN_REQUEST_STATUSES, Lead, RequestStatus, ServiceRequest

# The statuses in which an item's clock runs.
CLOCK_RUNS: dict[type[Model], tuple[str, ...]] = {
    ServiceRequest: tuple(s for s in OPEN_REQUEST_STATUSES if s != RequestStatus.WAITING_CLIENT),
    Lead: tuple(OPEN_LEAD_STATUSES),
}

Item = TypeVar("Item", ServiceRequest, Lead)


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
