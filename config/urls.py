from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView

from common.api import api_docs_view

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs_view, name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("accounts.urls")),
    # Each person's main screen, under the top-level name `home` that LOGIN_REDIRECT_URL says.
    path("", include("workflow.landing_urls")),
    path("work/", include("workflow.urls")),
    path("reporting/", include("reporting.urls")),
    path("", include("crm.urls")),
]

handler404 = "common.not_found.not_found"
