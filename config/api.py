"""API glue shared by every app: error translation and pagination."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config import errors


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
    return drf_exception_handler(exc, context)
