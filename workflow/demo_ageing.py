"""Demo data that looks lived in (issue 8, item 11): requests and leads spread over eight weeks.

The demo builds every item now, through the services; this step then dates each one back, as if it
had been opened on some day of the last eight weeks, and recomputes its due times from that day with
the one due rule (`workflow.due.due_dates`, business hours of the client's agency). Open items are
mostly recent (a team keeps up with most of its work) and some old, so some are overdue; one SLA
scan then reminds their holders, and a second, earlier-dated one escalates only the handful most
overdue to the managers. Only the items' dates move: the trace keeps the times it was written at
(it is hash-chained and append-only), which the demo's history pages show as they are.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Model
from django.utils import timezone

from crm.demo.state import Demo
from workflow.due import annotate_due, due_dates
from workflow.models import OPEN_LEAD_STATUSES, OPEN_REQUEST_STATUSES, Lead, Notification, ServiceRequest
from workflow.services.sla import REMINDED, sla_scan

WEEKS = 8
# Share of open items opened more than a day ago, and how many of the most overdue reach the managers.
OLD_OPEN_SHARE = 0.25
ESCALATED_HANDFUL = 5
# Reminders of items overdue for longer than this are shown as read.
READ_AFTER_DAYS = 3


def _age(demo: Demo, *, is_open: bool) -> timedelta:
    if is_open and demo.rng.random() > OLD_OPEN_SHARE:
        return timedelta(minutes=demo.rng.randint(20, 20 * 60))
    return timedelta(days=demo.rng.uniform(1, WEEKS * 7))


def _date_back(demo: Demo, model: type[Model], open_statuses: tuple[str, ...]) -> None:
    now = demo.now
    items = model.objects.select_related("client", *(("category",) if model is ServiceRequest else ()))
    for item in items.order_by("pk"):
        created = now - _age(demo, is_open=item.status in open_statuses)
        span = now - created
        response_due, resolution_due = due_dates(item, created)
        changes = {"created_at": created, "response_due_at": response_due, "resolution_due_at": resolution_due,
                   "status_changed_at": created + span * demo.rng.uniform(0.1, 0.9)}  # fmt: skip
        if item.first_response_at is not None:
            changes["first_response_at"] = created + span * demo.rng.uniform(0.02, 0.1)
        for field in ("resolved_at", "closed_at"):
            if getattr(item, field, None) is not None:
                changes[field] = changes["status_changed_at"]
        model.objects.filter(pk=item.pk).update(**changes)


def age_workflow(demo: Demo) -> None:
    """Date every request and lead back, then let the SLA scan remind and escalate as it would have."""
    _date_back(demo, ServiceRequest, OPEN_REQUEST_STATUSES)
    _date_back(demo, Lead, OPEN_LEAD_STATUSES)
    now = timezone.now()
    reminded = sla_scan(now=now).reminders
    # Escalate only the most overdue: a scan dated so that only they are past the escalation delay.
    dues = sorted(
        due
        for model in (ServiceRequest, Lead)
        for due in annotate_due(model.objects.filter(sla_level=REMINDED)).values_list("sla_due_at", flat=True)
        if due is not None
    )
    escalated = 0
    if dues:
        cutoff = dues[min(ESCALATED_HANDFUL, len(dues)) - 1]
        later = cutoff + timedelta(hours=settings.SLA_ESCALATE_AFTER_HOURS, seconds=1)
        escalated = sla_scan(now=later).escalations
    _read_old_reminders(now)
    demo.counts.update({"overdue items reminded": reminded, "escalated to managers": escalated})


def _read_old_reminders(now) -> None:
    """Reminders of items overdue for more than a few days were read long ago: the bell shows the recent ones."""
    long_ago = now - timedelta(days=READ_AFTER_DAYS)
    for model, kind in ((ServiceRequest, "request"), (Lead, "lead")):
        old = annotate_due(model.objects.filter(sla_level=REMINDED)).filter(sla_due_at__lt=long_ago).values("pk")
        Notification.objects.filter(item_kind=kind, item_id__in=old, key__startswith="sla:",
                                    read_at__isnull=True).update(read_at=now)  # fmt: skip
