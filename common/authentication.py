"""API authentication. Kept apart from common.api: DRF imports it while loading its own settings."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


def api_token_expires_at(created: datetime) -> datetime:
    """When a key issued at `created` stops opening the API (`API_TOKEN_TTL_HOURS` later)."""
    return created + timedelta(hours=settings.API_TOKEN_TTL_HOURS)


def api_token_is_valid(*, created: datetime, user: object) -> bool:
    """A key opens the API until it expires, and only if the password has not changed since it was issued.

    The one rule, read by the authentication below and by the service that issues keys (which
    replaces a key this refuses). A deactivated person's key is deleted by the deactivation itself.
    """
    if timezone.now() >= api_token_expires_at(created):
        return False
    password_changed_at = getattr(user, "password_changed_at", None)
    return password_changed_at is None or created >= password_changed_at


class LanguageTokenAuthentication(TokenAuthentication):
    """Token authentication with keys that expire, answering in the person's chosen language.

    Expiry (issue 7, finding 13): a key lasts `API_TOKEN_TTL_HOURS` and dies with a password change;
    `POST /api/v1/auth/token/` then issues a new one.

    Language: the locale middleware runs before DRF reads the token, so it only knows session users
    (for whom accounts.middleware.UserLanguageMiddleware already applies the choice). The next
    request's locale middleware activates its own language again, so nothing leaks between requests.
    """

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if not api_token_is_valid(created=token.created, user=user):
            raise exceptions.AuthenticationFailed(_("This API key has expired: ask for a new one."))
        return user, token

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and getattr(result[0], "language", ""):
            translation.activate(result[0].language)
            request.LANGUAGE_CODE = result[0].language
        return result
