"""The workflow under /api/v1/ (DESIGN.md section 10)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from workflow import api_intake
from workflow.api.configuration import AgencyCalendarViewSet, CategoryViewSet, RoutingRuleViewSet
from workflow.api.leads import LeadViewSet
from workflow.api.notifications import NotificationViewSet
from workflow.api.requests import ServiceRequestViewSet
from workflow.api.trace import TraceViewSet

app_name = "workflow_api"

# Path converters (`<int:pk>`): ids are integers in the URLs and in the schema.
router = SimpleRouter(use_regex_path=False)
router.register("service-requests", ServiceRequestViewSet, basename="service-request")
router.register("leads", LeadViewSet, basename="lead")
router.register("categories", CategoryViewSet, basename="category")
router.register("routing-rules", RoutingRuleViewSet, basename="routing-rule")
router.register("business-hours", AgencyCalendarViewSet, basename="business-hours")
router.register("notifications", NotificationViewSet, basename="notification")
# The trace's API lives with the workflow: redacting lead events needs the workflow's rules, and
# the trace app imports nothing above itself.
router.register("trace", TraceViewSet, basename="trace")

urlpatterns = [
    path("intake/web-form/", api_intake.WebFormIntakeView.as_view(), name="intake-web-form"),
    path("intake/email/", api_intake.InboundEmailIntakeView.as_view(), name="intake-email"),
    *router.urls,
]
