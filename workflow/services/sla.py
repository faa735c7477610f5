"""Service levels (DESIGN.md section 6): remind the holder, then escalate to the managers; callbacks; auto-close.

A periodic scan (Celery beat) moves each overdue item one level at a time:

- level 0 → 1 once the item is past due: its holders (the assignee, or the team while nobody holds it)
  get an `sla_reminder`;
- level 1 → 2 once it is `SLA_ESCALATE_AFTER_HOURS` past due: the managers of the client's agency get
  an `sla_escalation`.

When an item is due is `workflow.due`, the rule every list shows too: a request waiting on the client
is due nothing, so it is never chased; a callback window postpones the due time to its end.

Each step is a conditional UPDATE on the level (or on `callback_reminded`), so two scans running at
once, or one retried, send nothing twice; the notification keys are a second lock on the same door.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from common.errors import Conflict
from trace.catalogue import EventType
from trace.services import trace_append
from workflow import events
from workflow.due import CLOCK_RUNS, annotate_due
from workflow.models import OPEN_LEAD_STATUSES, OPEN_REQUEST_STATUSES, Lead, RequestStatus, ServiceRequest
from workflow.services.common import status_payload
from workflow.services.notifications import notify
from workflow.services.requests import service_request_close

Item = ServiceRequest | Lead

ON_TIME, REMINDED, ESCALATED = 0, 1, 2

# What the scan writes, per kind of item.
KIND = {ServiceRequest: "request", Lead: "lead"}
REMINDED_EVENT = {ServiceRequest: events.REQUEST_SLA_REMINDED, Lead: events.LEAD_SLA_REMINDED}
ESCALATED_EVENT = {ServiceRequest: events.REQUEST_SLA_ESCALATED, Lead: events.LEAD_SLA_ESCALATED}
CALLBACK_EVENT = {ServiceRequest: events.REQUEST_CALLBACK_REMINDED, Lead: events.LEAD_CALLBACK_REMINDED}


@dataclass(frozen=True)
class SlaScanResult:
    reminders: int = 0
    escalations: int = 0
    callbacks: int = 0


def _notify_and_trace(*, item: Item, event: EventType, key: str, payload: dict) -> None:
    """Notify the people the catalogue names, then trace whom: the trace names only those told now."""
    sent = notify(event=event, item=item, key=key)
    trace_append(actor=None, action=event, obj=item, client_id=item.client_id,
                 payload={**status_payload(item), **payload, "notified": sorted(n.recipient_id for n in sent)})  # fmt: skip


def _advance(*, item: Item, from_level: int, to_level: int, event: EventType, step: str) -> bool:
    """Move the item's level if nobody else did, then notify and trace. False when already done."""
    with transaction.atomic():
        # Also unchanged in status: an item resolved since it was read is left for the next scan to judge.
        moved = (
            type(item).objects.filter(pk=item.pk, sla_level=from_level, status=item.status).update(sla_level=to_level)
        )
        if not moved:
            return False
        # After a transfer the level starts again but the key does not: whoever already heard of this
        # step is not told twice. The response target and the resolution target are two clocks: each
        # reminds and escalates once.
        phase = "response" if item.first_response_at is None else "resolution"
        key = f"sla:{KIND[type(item)]}:{item.pk}:{phase}:{step}"
        _notify_and_trace(item=item, event=event, key=key, payload={"level": to_level})
    return True


def _remind_callback(*, item: Item) -> bool:
    with transaction.atomic():
        unreminded = type(item).objects.filter(pk=item.pk, callback_reminded=False, status=item.status)
        if not unreminded.update(callback_reminded=True):
            return False
        key = f"callback:{KIND[type(item)]}:{item.pk}"
        _notify_and_trace(item=item, event=CALLBACK_EVENT[type(item)], key=key, payload={})
    return True


def sla_scan(*, now: datetime | None = None) -> SlaScanResult:
    """Remind, escalate and announce due callbacks for every open item. Safe to run twice, or at once.

    An item moves at most one level per scan, so its holders are always reminded before their
    managers hear of it, even after the scanner was down for a while.
    """
    now = now or timezone.now()
    escalate_before = now - timedelta(hours=settings.SLA_ESCALATE_AFTER_HOURS)
    reminders = escalations = callbacks = 0
    for model in (ServiceRequest, Lead):
        # The status and level filters only let the database use its (status, sla_level) index.
        running = model.objects.filter(status__in=CLOCK_RUNS[model], sla_level__in=(ON_TIME, REMINDED))
        overdue = annotate_due(running).filter(
            Q(sla_level=ON_TIME, sla_due_at__lt=now) | Q(sla_level=REMINDED, sla_due_at__lt=escalate_before)
        )
        for item in overdue.select_related("client", "assignee", "sender", "team").order_by("pk"):
            if item.sla_level == ON_TIME:
                reminders += _advance(item=item, from_level=ON_TIME, to_level=REMINDED,
                                      event=REMINDED_EVENT[model], step="reminder")  # fmt: skip
            else:
                escalations += _advance(item=item, from_level=REMINDED, to_level=ESCALATED,
                                        event=ESCALATED_EVENT[model], step="escalation")  # fmt: skip
    for model, statuses in ((ServiceRequest, OPEN_REQUEST_STATUSES), (Lead, OPEN_LEAD_STATUSES)):
        due_callbacks = model.objects.filter(status__in=statuses, callback_reminded=False, callback_after__lte=now)
        for item in due_callbacks.select_related("client", "assignee", "sender", "team").order_by("pk"):
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
