from django.urls import path

from crm import views

app_name = "crm"
urlpatterns = [
    path("clients/", views.console, name="console"),
    path("clients/search/", views.search_results, name="search_results"),
    path("clients/new/", views.client_create, name="client_create"),
    path("clients/<int:client_id>/", views.client_detail, name="client_detail"),
    path("clients/<int:client_id>/edit/", views.client_edit, name="client_edit"),
    path("clients/<int:client_id>/timeline/", views.client_timeline, name="client_timeline"),
    path("clients/<int:client_id>/interactions/", views.interaction_create, name="interaction_create"),
    path("clients/<int:client_id>/contacts/new/", views.contact_form, name="contact_create"),
    path("clients/<int:client_id>/contacts/<int:contact_id>/edit/", views.contact_form, name="contact_edit"),
    path("clients/<int:client_id>/contacts/<int:contact_id>/export/", views.contact_export, name="contact_export"),
    path("clients/<int:client_id>/contacts/<int:contact_id>/erase/", views.contact_erase, name="contact_erase"),
]
