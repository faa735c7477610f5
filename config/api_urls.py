"""Everything under /api/v1/ (DESIGN.md section 10). Each app contributes its own routes."""

from django.urls import include, path

urlpatterns = [
    path("", include("accounts.api_urls")),
    path("", include("crm.api_urls")),
    path("", include("workflow.api_urls")),
    path("", include("reporting.api_urls")),
]
