"""Reads of the trace."""

from django.db.models import QuerySet

from trace.models import TraceEvent


def trace_for_client(*, client_id: int) -> QuerySet[TraceEvent]:
    """The client's chain, newest first, with the actor joined for display."""
    return TraceEvent.objects.filter(client_id=client_id).select_related("actor").order_by("-id")


def trace_for_object(*, object_type: str, object_id: int | str) -> QuerySet[TraceEvent]:
    """One object's history (e.g. `workflow.lead`, 12), oldest first, with the actor joined.

    The caller decides first whether the user may see that object.
    """
    return (
        TraceEvent.objects.filter(object_type=object_type, object_id=str(object_id))
        .select_related("actor")
        .order_by("id")
    )
