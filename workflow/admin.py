"""The workflow in Django's admin: for looking only. Categories and routing rules change on the
workflow settings pages and API, items through their actions: services that check and trace."""

from django.contrib import admin

from common.admin import ReadOnlyAdmin
from workflow.models import Category, Lead, RoutingRule, ServiceRequest


@admin.register(Category)
class CategoryAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "response_hours", "resolution_hours", "default_team_kind", "is_active")


@admin.register(RoutingRule)
class RoutingRuleAdmin(ReadOnlyAdmin):
    list_display = ("order", "name", "kind", "target_type", "assignment", "is_active")


@admin.register(ServiceRequest)
class ServiceRequestAdmin(ReadOnlyAdmin):
    list_display = ("id", "subject", "status", "team", "assignee", "created_at")
    list_select_related = ("team", "assignee")


@admin.register(Lead)
class LeadAdmin(ReadOnlyAdmin):
    list_display = ("id", "subject", "status", "assignee", "created_at")
    list_select_related = ("assignee",)
