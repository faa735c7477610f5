from django.urls import path

from reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("panel/", views.dashboard_panel, name="dashboard-panel"),
    path("me/", views.my_figures, name="my-figures"),
    path("definitions/", views.definitions, name="definitions"),
    path("definitions/<slug:code>/", views.definition, name="definition"),
    path("drill/<slug:code>/", views.drill, name="drill"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<int:alert_id>/ack/", views.alert_ack, name="alert-ack"),
    path("export/<slug:table>.csv", views.export, name="export"),
    path("refresh/", views.refresh, name="refresh"),
    path("jobs/<int:job_id>/", views.job, name="job"),
]
