"""What request and lead services share: validation of callback windows, tracing, notifying."""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import InvalidInput
from trace.catalogue import EventType, event_type
from trace.models import TraceEvent
from trace.services import trace_append
from workflow.hours import Calendar
from workflow.kinds import kind_of
from workflow.models import Lead, ServiceRequest
from workflow.services.notifications import notify


def check_callback_window(callback_after: datetime | None, callback_before: datetime | None, *,
                          calendar: Calendar | None = None) -> None:  # fmt: skip
    """A callback window the client can be called in: bounded, ahead, and not wholly while the agency is closed.

    A window pauses the item's clock until it ends (`workflow.due`), so an unbounded one would exempt
    the item from its targets for ever (issue 7, finding 12): it starts within
    `CALLBACK_MAX_DAYS_AHEAD` days and lasts at most `CALLBACK_MAX_WINDOW_DAYS`. With the agency's
    `calendar`, a window with an end must meet its opening hours somewhere.
    """
    errors: dict[str, str] = {}
    now = timezone.now()
    if callback_before and not callback_after:
        errors["callback_after"] = _("Give the start of the callback window.")
    if callback_after:
        if callback_after < now - timedelta(minutes=5):
            errors["callback_after"] = _("A callback cannot be scheduled in the past.")
        elif callback_after > now + timedelta(days=settings.CALLBACK_MAX_DAYS_AHEAD):
            errors["callback_after"] = _("A callback must start within %(days)s days.") % {
                "days": settings.CALLBACK_MAX_DAYS_AHEAD
            }
    if callback_after and callback_before:
        if callback_before <= callback_after:
            errors["callback_before"] = _("The callback window must end after it starts.")
        elif callback_before - callback_after > timedelta(days=settings.CALLBACK_MAX_WINDOW_DAYS):
            errors["callback_before"] = _("A callback window lasts at most %(days)s days.") % {
                "days": settings.CALLBACK_MAX_WINDOW_DAYS
            }
    if errors:
        raise InvalidInput(errors)
    bounded_window = calendar is not None and callback_after and callback_before
    if bounded_window and not calendar.overlaps(callback_after, callback_before):
        raise InvalidInput(
            {"callback_after": _("The agency is closed during the whole window: choose a time when it is open.")}
        )


def require_text(value: str | None, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput({field: _("This field is required.")})
    return value


def item_event(item: ServiceRequest | Lead, action: str | EventType) -> EventType:
    """The declared event for `action` on `item`: an event, or the last word of its name for the item's kind.

    Raises `UndeclaredEvent` when the catalogue has no such event for that kind of item.
    """
    if isinstance(action, EventType):
        return action
    return event_type(f"workflow.{kind_of(item).name}.{action}")


def status_payload(item: ServiceRequest | Lead) -> dict[str, Any]:
    """Where an item stands, as every one of its trace events records it."""
    return {"status": item.status, "team": item.team_id, "assignee": item.assignee_id}


def record(
    *, actor: User | None, item: ServiceRequest | Lead, action: str | EventType, payload: dict[str, Any] | None = None
) -> TraceEvent:
    """Trace the change on the client's chain and notify the people the catalogue names for it.

    The notifications are written in the same transaction (they exist exactly when the change does);
    their e-mails leave once it commits.
    """
    event = item_event(item, action)
    traced = trace_append(
        actor=actor,
        action=event,
        obj=item,
        client_id=item.client_id,
        payload={**status_payload(item), **(payload or {})},
    )
    notify(event=event, item=item, key=f"event:{traced.pk}", actor_id=traced.actor_id, trace_event_id=traced.pk)
    return traced
