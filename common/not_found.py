"""A 404 that speaks the caller's language: JSON under /api/, the site's page elsewhere (issue 7, 7.3).

A path the URL patterns do not match (`/api/v1/clients/-3/`, an id no converter takes) used to answer
the HTML page to API callers; the schema promises JSON errors on every API path.
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found

API_PREFIX = "/api/"


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return page_not_found(request, exception)
