"""Reporting under /api/v1/ (DESIGN.md section 10)."""

from django.urls import path

from reporting import api

app_name = "reporting_api"

urlpatterns = [
    path("reports/indicators/", api.IndicatorsView.as_view(), name="indicators"),
    path("reports/refresh/", api.RefreshView.as_view(), name="refresh"),
    path("reports/exports/", api.ExportView.as_view(), name="exports"),
    path("objectives/", api.ObjectiveListView.as_view(), name="objectives"),
    path("objectives/<int:pk>/", api.ObjectiveDetailView.as_view(), name="objective"),
    path("objectives/<int:pk>/split/", api.ObjectiveSplitView.as_view(), name="objective-split"),
    path("alert-rules/", api.AlertRuleListView.as_view(), name="alert-rules"),
    path("alerts/", api.AlertListView.as_view(), name="alerts"),
    path("alerts/<int:pk>/ack/", api.AlertAckView.as_view(), name="alert-ack"),
    path("jobs/<int:pk>/", api.JobView.as_view(), name="job"),
    path("jobs/<int:pk>/download/", api.JobDownloadView.as_view(), name="job-download"),
]
