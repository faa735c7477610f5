"""Service levels (DESIGN.md section 6): remind the holder, then escalate to the managers; callbacks; auto-close.

A periodic scan (Celery beat) moves each overdue item one level at a time:

- level 0 → 1 once the item is past due: its holders (the assignee, or the team while nobody holds it)
  get an `sla_reminder`;
- level 1 → 2 once it is `SLA_ESCALATE_AFTER_HOURS` past due: the managers of the client's agency get
  an `sla_escalation`.

The due time is the response target until someone first responds, then the resolution target. A
callback window pushes it to the window's end: the client asked to be called then, so nobody is late
before it closes. A request waiting on the client is never chased: the clock is theirs.

Each step is a conditional UPDATE on the level (or on `callback_reminded`), so two scans running at
once, or one retried, send nothing twice; the notification keys are a second lock on the same door.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, DateTimeField, F, Q, QuerySet, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from accounts.models import User
from accounts.selectors import agency_managers
from config.errors import Conflict
from trace.services import trace_append
from workflow.models import (
    OPEN_LEAD_STATUSES,
    OPEN_REQUEST_STATUSES,
    Lead,
    RequestStatus,
    ServiceRequest,
)
from workflow.notifications import holders, notify_people
from workflow.services import service_request_close

Item = ServiceRequest | Lead

ON_TIME, REMINDED, ESCALATED = 0, 1, 2


@dataclass(frozen=True)
class SlaScanResult:
    reminders: int = 0
    escalations: int = 0
    callbacks: int = 0


def _kind(item: Item) -> str:
    return "request" if isinstance(item, ServiceRequest) else "lead"


def _with_effective_due(qs: QuerySet) -> QuerySet:
    """Annotate `sla_due_at`: the target that applies now, pushed to the end of any callback window."""
    target = Case(
        When(first_response_at__isnull=True, then=F("response_due_at")),
        default=F("resolution_due_at"),
        output_field=DateTimeField(),
    )
    # Greatest is NULL on SQLite when any argument is: fall back to the target when there is no window.
    window_end = Coalesce(F("callback_before"), F("callback_after"), target, output_field=DateTimeField())
    return qs.annotate(sla_due_at=Greatest(target, window_end, output_field=DateTimeField()))


def _open_for_sla() -> list[QuerySet]:
    # Waiting on the client stops the clock: those requests are neither reminded nor escalated.
    chased = [s for s in OPEN_REQUEST_STATUSES if s != RequestStatus.WAITING_CLIENT]
    return [
        ServiceRequest.objects.filter(status__in=chased),
        Lead.objects.filter(status__in=OPEN_LEAD_STATUSES),
    ]


def _advance(*, item: Item, from_level: int, to_level: int, verb: str, step: str, action: str,
             people: list[User]) -> bool:  # fmt: skip
    """Move the item's level if nobody else did, then notify and trace. False when already done."""
    kind = _kind(item)
    with transaction.atomic():
        # Also unchanged in status: an item resolved since it was read is left for the next scan to judge.
        moved = (
            type(item).objects.filter(pk=item.pk, sla_level=from_level, status=item.status).update(sla_level=to_level)
        )
        if not moved:
            return False
        # After a transfer the level starts again but the key does not: whoever already heard of this
        # step is not told twice, and the trace names only those told now.
        # The response target and the resolution target are two clocks: each reminds and escalates once.
        phase = "response" if item.first_response_at is None else "resolution"
        sent = notify_people(key=f"sla:{kind}:{item.pk}:{phase}:{step}", verb=verb, item=item, people=people)
        trace_append(
            actor=None,
            action=f"workflow.{kind}.{action}",
            obj=item,
            client_id=item.client_id,
            payload={"level": to_level, "status": item.status, "team": item.team_id, "assignee": item.assignee_id,
                     "notified": sorted(n.recipient_id for n in sent)},
        )  # fmt: skip
    return True


def _remind_callback(*, item: Item) -> bool:
    kind = _kind(item)
    with transaction.atomic():
        unreminded = type(item).objects.filter(pk=item.pk, callback_reminded=False, status=item.status)
        moved = unreminded.update(callback_reminded=True)
        if not moved:
            return False
        sent = notify_people(key=f"callback:{kind}:{item.pk}", verb="callback_due", item=item, people=holders(item))
        trace_append(
            actor=None,
            action=f"workflow.{kind}.callback_reminded",
            obj=item,
            client_id=item.client_id,
            payload={"status": item.status, "team": item.team_id, "assignee": item.assignee_id,
                     "notified": sorted(n.recipient_id for n in sent)},
        )  # fmt: skip
    return True


def sla_scan(*, now: datetime | None = None) -> SlaScanResult:
    """Remind, escalate and announce due callbacks for every open item. Safe to run twice, or at once.

    An item moves at most one level per scan, so its holders are always reminded before their
    managers hear of it, even after the scanner was down for a while.
    """
    now = now or timezone.now()
    escalate_before = now - timedelta(hours=settings.SLA_ESCALATE_AFTER_HOURS)
    reminders = escalations = callbacks = 0
    managers_of: dict[int, list[User]] = {}
    for qs in _open_for_sla():
        overdue = _with_effective_due(qs).filter(
            Q(sla_level=ON_TIME, sla_due_at__lt=now) | Q(sla_level=REMINDED, sla_due_at__lt=escalate_before)
        )
        for item in overdue.select_related("client__agency", "assignee", "team").order_by("pk"):
            if item.sla_level == ON_TIME:
                reminders += _advance(item=item, from_level=ON_TIME, to_level=REMINDED, verb="sla_reminder",
                                      step="reminder", action="sla_reminded", people=holders(item))  # fmt: skip
            else:
                agency_id = item.client.agency_id
                if agency_id not in managers_of:
                    managers_of[agency_id] = list(agency_managers(agency_id=agency_id))
                managers = managers_of[agency_id]
                escalations += _advance(item=item, from_level=REMINDED, to_level=ESCALATED, verb="sla_escalation",
                                        step="escalation", action="sla_escalated", people=managers)  # fmt: skip
    for model, statuses in ((ServiceRequest, OPEN_REQUEST_STATUSES), (Lead, OPEN_LEAD_STATUSES)):
        due_callbacks = model.objects.filter(status__in=statuses, callback_reminded=False, callback_after__lte=now)
        for item in due_callbacks.select_related("assignee", "team").order_by("pk"):
            callbacks += _remind_callback(item=item)
    return SlaScanResult(reminders=reminders, escalations=escalations, callbacks=callbacks)


def auto_close_resolved(*, now: datetime | None = None) -> int:
    """Close the requests resolved more than AUTO_CLOSE_RESOLVED_DAYS ago that nobody reopened."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.AUTO_CLOSE_RESOLVED_DAYS)
    stale = ServiceRequest.objects.filter(status=RequestStatus.RESOLVED, resolved_at__lt=cutoff)
    closed = 0
    for request_id in stale.order_by("pk").values_list("pk", flat=True):
        try:
            service_request_close(request_id=request_id, user=None)
        except Conflict:
            continue  # reopened or closed by someone else since the list was read
        closed += 1
    return closed
