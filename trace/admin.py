from django.contrib import admin

from common.admin import ReadOnlyAdmin
from trace.models import TraceEvent


@admin.register(TraceEvent)
class TraceEventAdmin(ReadOnlyAdmin):
    """Read-only: the database refuses changes to the trace anyway."""

    list_display = ("id", "created_at", "chain", "position", "action", "object_type", "object_id", "actor")
    list_filter = ("action", "hash_scheme")
    search_fields = ("chain", "object_id")
