"""What of the trace a person may read (DESIGN.md sections 1 and 7), for the history pages and the trace API.

A lead's events stay listed for whoever sees its client: what happened, when and by whom is the
chronology that settles disputes. Their payloads do not: whoever may read the lead sees them all,
whoever may follow its status sees those the catalogue of events declares as status, and anyone
else sees none.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from accounts.models import User
from trace.catalogue import Payload, event_type
from trace.models import TraceEvent
from workflow.models import Lead
from workflow.selectors import lead_ids_readable, lead_ids_status_visible

LEAD_TYPE = Lead._meta.label_lower


def lead_id_of(event: TraceEvent) -> int | None:
    return int(event.object_id) if event.object_type == LEAD_TYPE else None


@dataclass(frozen=True)
class TraceAccess:
    """Which of the leads met in some events the user may read, and which they may only follow."""

    readable: frozenset[int]
    followed: frozenset[int]

    def payload(self, event: TraceEvent) -> dict[str, Any] | None:
        """The event's payload as the user may see it; None when it is hidden from them."""
        lead_id = lead_id_of(event)
        if lead_id is None or lead_id in self.readable:
            return event.payload
        if lead_id in self.followed and event_type(event.action).payload == Payload.STATUS:
            return event.payload
        return None


def trace_access(*, user: User, events: Iterable[TraceEvent]) -> TraceAccess:
    """Two queries at most, whatever the number of events."""
    lead_ids = {lead_id for lead_id in map(lead_id_of, events) if lead_id is not None}
    readable = lead_ids_readable(user=user, lead_ids=lead_ids)
    return TraceAccess(readable=readable, followed=lead_ids_status_visible(user=user, lead_ids=lead_ids - readable))
