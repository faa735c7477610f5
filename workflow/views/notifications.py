"""The bell in the navigation bar and the list of one's notifications."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from common.pages import domain_errors_as_http
from workflow.notifications import notification_text, notification_url, unread_count
from workflow.selectors import notifications_of
from workflow.services.notifications import notification_mark_read

PAGE_SIZE = 50


@require_GET
@login_required
def bell(request: HttpRequest) -> HttpResponse:
    """The bell with the unread count (one query), refreshed by htmx every minute.

    Rendered without the request's context processors: the navigation's rights are not needed here,
    and this answer is asked for by every open page once a minute.
    """
    return HttpResponse(
        render_to_string("workflow/notifications/_bell.html", {"unread": unread_count(user=request.user)})
    )


def _with_text(notification):
    notification.text = notification_text(notification)
    notification.url = notification_url(notification)
    return notification


@require_GET
@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(notifications_of(user=request.user).order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "notifications": [_with_text(n) for n in page]}
    return render(request, "workflow/notifications/list.html", context)


@require_POST
@login_required
@domain_errors_as_http
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one of one's notifications read; someone else's is a 404. `open` goes on to its item."""
    notification = _with_text(notification_mark_read(user=request.user, notification_id=notification_id))
    if request.POST.get("open") and notification.url:
        return redirect(notification.url)
    if request.htmx:
        # The bell is swapped out of band, so its count follows at once.
        context = {"notification": notification, "unread": unread_count(user=request.user), "oob": True}
        return render(request, "workflow/notifications/_row.html", context)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = ""
    return redirect(back or "workflow:notifications")
