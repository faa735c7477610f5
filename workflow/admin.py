from django.contrib import admin

from workflow.models import Category, Lead, RoutingRule, ServiceRequest


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "response_hours", "resolution_hours", "default_team_kind", "is_active")


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ("order", "name", "kind", "target_type", "assignment", "is_active")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Items change only through the services, which trace every change."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ServiceRequest)
class ServiceRequestAdmin(ReadOnlyAdmin):
    list_display = ("id", "subject", "status", "team", "assignee", "created_at")
    list_select_related = ("team", "assignee")


@admin.register(Lead)
class LeadAdmin(ReadOnlyAdmin):
    list_display = ("id", "subject", "status", "assignee", "created_at")
    list_select_related = ("assignee",)
