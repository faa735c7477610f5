from django.contrib import admin

from trace.models import TraceEvent


@admin.register(TraceEvent)
class TraceEventAdmin(admin.ModelAdmin):
    """Read-only: the database refuses changes to the trace anyway."""

    list_display = ("id", "created_at", "chain", "position", "action", "object_type", "object_id", "actor")
    list_filter = ("action", "hash_scheme")
    search_fields = ("chain", "object_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
