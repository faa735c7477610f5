"""API authentication. Kept apart from common.api: DRF imports it while loading its own settings."""

from django.utils import translation
from rest_framework.authentication import TokenAuthentication


class LanguageTokenAuthentication(TokenAuthentication):
    """Token authentication that answers in the person's chosen language.

    The locale middleware runs before DRF reads the token, so it only knows session users (for whom
    accounts.middleware.UserLanguageMiddleware already applies the choice). The next request's locale
    middleware activates its own language again, so nothing leaks between requests.
    """

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and getattr(result[0], "language", ""):
            translation.activate(result[0].language)
            request.LANGUAGE_CODE = result[0].language
        return result
