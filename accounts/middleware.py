import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class UserLanguageMiddleware:
    """A signed-in person's chosen language wins over the browser's (DESIGN.md section 2)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language:
            response.headers.setdefault("Content-Language", language)
        return response


def not_activity(view: Callable) -> Callable:
    """Mark a view that pages call by themselves (a poll): it does not keep an idle session alive.

    An open page asks for the bell's count every few seconds whether or not anyone sits in front of
    it; counted as activity, a tab left open would never let its session end (finding 13).
    Put it above the view's other decorators.
    """
    view.not_activity = True
    return view


class SlidingSessionMiddleware:
    """A session ends after `SESSION_COOKIE_AGE` seconds without a request (issue 7, finding 13).

    Django pushes a session's expiry back only when it is saved. Saving on every request
    (`SESSION_SAVE_EVERY_REQUEST`) would write the session table on every page and API call, which
    a SQLite file shared by the server's threads and the worker feels; so a signed-in person's session
    is marked for saving at most once every `SESSION_REFRESH_SECONDS`. The idle limit is thus between
    `SESSION_COOKIE_AGE - SESSION_REFRESH_SECONDS` and `SESSION_COOKIE_AGE`. Requests to views marked
    `not_activity` (polls) push nothing back; the view is known once the URL is resolved, hence
    `process_view`.
    """

    KEY = "_relais_refreshed_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable, view_args, view_kwargs) -> None:
        if getattr(view_func, "not_activity", False):
            return
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[self.KEY] = now  # modified: SessionMiddleware saves it with a fresh expiry
