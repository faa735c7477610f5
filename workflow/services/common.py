"""What request and lead services share: validation of callback windows, tracing, notifying."""

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from config.errors import InvalidInput
from trace.models import TraceEvent
from trace.services import trace_append
from workflow.models import Lead, ServiceRequest


def check_callback_window(callback_after: datetime | None, callback_before: datetime | None) -> None:
    errors = {}
    if callback_before and not callback_after:
        errors["callback_after"] = _("Give the start of the callback window.")
    if callback_after and callback_before and callback_before <= callback_after:
        errors["callback_before"] = _("The callback window must end after it starts.")
    if callback_after and callback_after < timezone.now() - timedelta(minutes=5):
        errors["callback_after"] = _("A callback cannot be scheduled in the past.")
    if errors:
        raise InvalidInput(errors)


def require_text(value: str | None, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput({field: _("This field is required.")})
    return value


def record(
    *, actor: User | None, item: ServiceRequest | Lead, action: str, payload: dict[str, Any] | None = None
) -> TraceEvent:
    """Trace the change on the client's chain and notify the people concerned once it commits."""
    kind = "request" if isinstance(item, ServiceRequest) else "lead"
    event = trace_append(
        actor=actor,
        action=f"workflow.{kind}.{action}",
        obj=item,
        client_id=item.client_id,
        payload={"status": item.status, "team": item.team_id, "assignee": item.assignee_id, **(payload or {})},
    )
    from workflow.tasks import notify_event  # tasks import services: import here to avoid a cycle

    event_id = event.pk
    transaction.on_commit(lambda: notify_event.delay(event_id))
    return event
