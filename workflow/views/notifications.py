"""The bell in the navigation bar, the list of one's notifications, and what comes by e-mail.

Everyone signed in has these pages, for their own notifications only: someone else's is a 404.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.middleware import not_activity
from common.pages import BootstrapFormMixin, domain_errors_as_http, id_from_text
from workflow.models import NotificationTopic
from workflow.notifications import TOPIC_HELP, describe, email_choices_of, unread_count
from workflow.selectors import notifications_of
from workflow.services.notifications import (
    notification_mark_read,
    notification_preferences_set,
    notifications_mark_all_read,
)

PAGE_SIZE = 50


@not_activity
@require_GET
@login_required
def bell(request: HttpRequest) -> HttpResponse:
    """The bell's count: one indexed COUNT, asked by every open page every ten seconds (htmx polling).

    A poll is not the person's activity: it does not keep an idle session alive (`not_activity`).

    Rendered without the request's context processors: the navigation's rights are not needed here.
    """
    return HttpResponse(
        render_to_string("workflow/notifications/_bell_count.html", {"unread": unread_count(user=request.user)})
    )


def _list_context(request: HttpRequest) -> dict:
    """One page of the person's notifications in words, newest first (the order of their index)."""
    unread_only = request.GET.get("unread") == "1"
    rows = notifications_of(user=request.user, unread_only=unread_only).order_by("-created_at", "-pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    notifications = describe(list(page), reader=request.user)
    unread = unread_count(user=request.user)
    return {
        "page": page,
        "notifications": notifications,
        "unread": unread,
        "unread_only": unread_only,
        "query": "unread=1" if unread_only else "",
        # "Mark all as read" marks what the person had in front of them, not what arrives meanwhile.
        "newest_id": max((n.pk for n in notifications), default=None) if page.number == 1 else None,
    }


@require_GET
@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    return render(request, "workflow/notifications/list.html", _list_context(request))


def _back(request: HttpRequest) -> str:
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return ""
    return back


@require_POST
@login_required
@domain_errors_as_http
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one of one's notifications read; someone else's is a 404. `open` goes on to its item."""
    notification = notification_mark_read(user=request.user, notification_id=notification_id)
    (notification,) = describe([notification], reader=request.user)
    if request.POST.get("open") and notification.url:
        return redirect(notification.url)
    if request.htmx:
        # The bell's count is swapped out of band, so it follows at once.
        context = {"notification": notification, "unread": unread_count(user=request.user), "oob": True}
        return render(request, "workflow/notifications/_row.html", context)
    return redirect(_back(request) or "workflow:notifications")


@require_POST
@login_required
@domain_errors_as_http
def notification_read_all(request: HttpRequest) -> HttpResponse:
    """Mark all one's notifications read, up to the newest the page showed (`up_to`)."""
    up_to = request.POST.get("up_to", "")
    marked = notifications_mark_all_read(user=request.user, up_to=id_from_text(up_to))
    if request.htmx:
        context = {**_list_context(request), "oob": True}
        return render(request, "workflow/notifications/_panel.html", context)
    messages.success(
        request,
        ngettext("%(count)d notification marked as read.", "%(count)d notifications marked as read.", marked)
        % {"count": marked},
    )
    return redirect(_back(request) or "workflow:notifications")


class EmailChoicesForm(BootstrapFormMixin, forms.Form):
    """One box per topic: also by e-mail, or on the bell only."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for topic in NotificationTopic:
            self.fields[topic.value] = forms.BooleanField(
                label=topic.label, help_text=TOPIC_HELP[topic], required=False
            )


@require_http_methods(["GET", "POST"])
@login_required
@domain_errors_as_http
def notification_preferences(request: HttpRequest) -> HttpResponse:
    """My notifications: which topics also come by e-mail (everything always shows on the bell)."""
    if request.method == "POST":
        form = EmailChoicesForm(request.POST)
        if form.is_valid():
            notification_preferences_set(user=request.user, email=form.cleaned_data)
            messages.success(request, _("Your e-mail choices are saved."))
            return redirect("workflow:notification-preferences")
    else:
        form = EmailChoicesForm(initial=email_choices_of(user=request.user))
    return render(request, "workflow/notifications/preferences.html", {"form": form})
