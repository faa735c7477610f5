"""The workflow's pages, under /work/ (the API is in `workflow.api_urls`)."""

from django.urls import path

from workflow.views import credits, intakes, items, leads, lists, notifications, reception, requests, sales, settings

app_name = "workflow"
urlpatterns = [
    path("queue/", lists.queue, name="queue"),
    path("inbox/", lists.inbox, name="inbox"),
    path("clients/<int:client_id>/requests/new/", items.request_create, name="request-create"),
    path("clients/<int:client_id>/leads/new/", items.lead_create, name="lead-create"),
    path("clients/<int:client_id>/work/", reception.client_work, name="client-work"),
    path("clients/<int:client_id>/history/", reception.client_history, name="client-history"),
    path("category-fields/", reception.category_fields, name="category-fields"),
    path("requests/<int:request_id>/", items.request_detail, name="request-detail"),
    path("requests/<int:request_id>/transfer-teams/", requests.transfer_teams, name="request-transfer-teams"),
    path("requests/<int:request_id>/<slug:action>/", items.request_action, name="request-action"),
    path("leads/<int:lead_id>/", items.lead_detail, name="lead-detail"),
    path("leads/<int:lead_id>/status/", leads.lead_status, name="lead-status"),
    path("leads/<int:lead_id>/<slug:action>/", items.lead_action, name="lead-action"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/bell/", notifications.bell, name="notification-bell"),
    path("notifications/<int:notification_id>/read/", notifications.notification_read, name="notification-read"),
    path("notifications/read-all/", notifications.notification_read_all, name="notification-read-all"),
    path("notifications/preferences/", notifications.notification_preferences, name="notification-preferences"),
    # Sales, credits and disputes (issue 9).
    path("clients/<int:client_id>/sales/new/", sales.sale_create, name="sale-create"),
    path("clients/<int:client_id>/proposals/new/", sales.proposal_create, name="proposal-create"),
    path("sales/<int:sale_id>/", sales.sale_detail, name="sale-detail"),
    path("sales/<int:sale_id>/cancel/", sales.sale_cancel_view, name="sale-cancel"),
    path("sales/<int:sale_id>/dispute/", sales.dispute_open_view, name="dispute-open"),
    path("credits/", credits.my_credits, name="credits"),
    path("credits/statement.csv", credits.statement_csv, name="credits-statement"),
    path("credits/rule/", credits.attribution_rule, name="attribution-rule"),
    path("disputes/", credits.dispute_queue, name="disputes"),
    path("disputes/<int:dispute_id>/", credits.dispute_detail, name="dispute-detail"),
    # Public messages waiting for an agent (issue 7, finding 5).
    path("intakes/", intakes.intake_list, name="intakes"),
    path("intakes/<int:intake_id>/", intakes.intake_detail, name="intake-detail"),
    path("intakes/<int:intake_id>/dismiss/", intakes.intake_dismiss_view, name="intake-dismiss"),
    path("settings/categories/", settings.category_list, name="settings-categories"),
    path("settings/categories/new/", settings.category_form, name="settings-category-create"),
    path("settings/categories/<int:category_id>/", settings.category_form, name="settings-category-edit"),
    path("settings/rules/", settings.rule_list, name="settings-rules"),
    path("settings/rules/new/", settings.rule_form, name="settings-rule-create"),
    path("settings/rules/<int:rule_id>/", settings.rule_form, name="settings-rule-edit"),
    path("settings/business-hours/", settings.calendar_list, name="settings-calendars"),
    path("settings/business-hours/<int:agency_id>/", settings.calendar_form, name="settings-calendar-edit"),
]
