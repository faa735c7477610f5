"""Errors that services raise and both doors (API and pages) translate the same way.

Services never import DRF: these are plain exceptions, mapped to HTTP by `common.api` for the API
and by the views for the pages.
"""

from collections.abc import Mapping

from django.utils.translation import gettext as _


class DomainError(Exception):
    """Base for every error a service raises on purpose."""

    def __init__(self, message: str = "", **extra: object) -> None:
        super().__init__(message)
        self.message = str(message)
        self.extra = extra


class InvalidInput(DomainError):
    """Bad input (HTTP 400). `fields` maps each offending field to its messages."""

    def __init__(self, fields: Mapping[str, str | list | dict], message: str = "") -> None:
        super().__init__(message or _("Invalid input."))  # in the caller's language, as a serializer's
        # A nested dict names sub-fields, e.g. {"fields": {"invoice_number": [...]}}.
        self.fields = {key: value if isinstance(value, list | dict) else [str(value)] for key, value in fields.items()}


class Conflict(DomainError):
    """The current state does not allow the operation (HTTP 409)."""


class NotFound(DomainError):
    """Missing or out of the caller's scope: both look the same from outside (HTTP 404)."""


class PermissionDenied(DomainError):
    """The caller can see the object but may not do this to it (HTTP 403)."""
