"""Reads of the trace."""

from django.db.models import QuerySet

from trace.models import TraceEvent


def trace_for_client(*, client_id: int) -> QuerySet[TraceEvent]:
    """The client's chain, newest first, with the actor joined for display."""
    return TraceEvent.objects.filter(client_id=client_id).select_related("actor").order_by("-id")
