"""The workflow under /api/v1/ (DESIGN.md section 10)."""

from django.urls import path

from workflow import api_intake

app_name = "workflow_api"

urlpatterns = [
    path("intake/web-form/", api_intake.WebFormIntakeView.as_view(), name="intake-web-form"),
    path("intake/email/", api_intake.InboundEmailIntakeView.as_view(), name="intake-email"),
]
