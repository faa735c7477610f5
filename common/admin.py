"""What every app's Django admin shares: read-only model admins.

Everything that matters is changed through the services, which check the actor and write the trace
(issue 7, finding 10: a routing rule edited in the admin sent a lead elsewhere and left no trace).
The admin remains for looking: lists, filters, detail pages, never a write.
"""

from django.contrib import admin
from django.http import HttpRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    """No add, change or delete through the admin, whoever asks (superusers included)."""

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
