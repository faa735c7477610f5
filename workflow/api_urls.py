"""The workflow under /api/v1/ (DESIGN.md section 10)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from workflow import api_intake
from workflow.api.bulk import ReassignmentsView
from workflow.api.campaigns import CampaignViewSet, TargetViewSet
from workflow.api.configuration import AgencyCalendarViewSet, CategoryViewSet, RoutingRuleViewSet
from workflow.api.credits import CreditViewSet, DisputeViewSet
from workflow.api.intakes import IntakeViewSet
from workflow.api.leads import LeadViewSet
from workflow.api.notifications import NotificationViewSet
from workflow.api.potentials import PotentialImportViewSet, PotentialViewSet
from workflow.api.requests import ServiceRequestViewSet
from workflow.api.sales import ProposalViewSet, SaleViewSet
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
# Sales, their credits and disputes, and the proposals attribution reads (issue 9).
router.register("sales", SaleViewSet, basename="sale")
router.register("proposals", ProposalViewSet, basename="proposal")
router.register("credits", CreditViewSet, basename="credit")
router.register("disputes", DisputeViewSet, basename="dispute")
# Campaign call lists and portfolio potentials (issue 9).
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("targets", TargetViewSet, basename="target")
router.register("potentials/imports", PotentialImportViewSet, basename="potential-import")
router.register("potentials", PotentialViewSet, basename="potential")
# Public messages waiting for an agent (issue 7, finding 5).
router.register("intakes", IntakeViewSet, basename="intake")
# The trace's API lives with the workflow: redacting lead events needs the workflow's rules, and
# the trace app imports nothing above itself.
router.register("trace", TraceViewSet, basename="trace")

urlpatterns = [
    path("intake/web-form/", api_intake.WebFormIntakeView.as_view(), name="intake-web-form"),
    path("intake/email/", api_intake.InboundEmailIntakeView.as_view(), name="intake-email"),
    path("reassignments/", ReassignmentsView.as_view(), name="reassignments"),
    *router.urls,
]
