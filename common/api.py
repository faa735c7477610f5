"""API glue shared by every app: error translation, error bodies in the schema, the docs page."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from common import errors


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """Translate service errors to the status codes of the API contract (DESIGN.md section 10)."""
    if isinstance(exc, errors.InvalidInput):
        return Response({"detail": exc.message, **exc.fields}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, errors.Conflict):
        return Response({"detail": exc.message, **exc.extra}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, errors.NotFound):
        exc = exceptions.NotFound()
    elif isinstance(exc, errors.PermissionDenied):
        exc = exceptions.PermissionDenied(exc.message or None)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        # Serializer errors come as {field: [...]}; the contract promises a `detail` on every error too.
        fields = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = {"detail": _("Invalid input."), **fields}
    return response


def validated(serializer_class: type[serializers.Serializer], request: Request, partial: bool = False) -> dict:
    """The request body checked for shape and types; the rules are the service's business."""
    serializer = serializer_class(data=request.data, partial=partial, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    """A filter on an id: an integer, so `?client=1.5` is a 400 rather than a database error.

    Bounded to what an id column holds: a larger number reached SQLite as an OverflowError (500).
    """

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class DateTimeField(serializers.DateTimeField):
    """DRF's date-time field, with a date near year 1 or 9999 answered 400 on the field, not 500.

    A naive `0001-01-01T00:00` made aware in Europe/Paris lies in year 0 once converted to UTC, and
    DRF's own check of the result overflows (OverflowError) instead of failing the field.
    """

    def enforce_timezone(self, value):
        try:
            return super().enforce_timezone(value)
        except OverflowError:
            self.fail("overflow")


class ErrorSerializer(serializers.Serializer):
    """What every error answers (400 adds one list of messages per offending field)."""

    detail = serializers.CharField()


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI whose start-up script is served as a file of its own (`?script`).

    The stock view inlines that script, which the site-wide `script-src 'self'` blocks; split, every
    script comes from our origin. The page still carries one inline <style> block, allowed below for
    this view only.
    """


api_docs_view = csp_update({"style-src": [UNSAFE_INLINE]})(ApiDocsView.as_view(url_name="api-schema"))
