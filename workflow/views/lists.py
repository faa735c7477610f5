"""The lists people work from: the back-office team queue and the salesperson's lead inbox."""

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts import rights
from accounts.models import Team, User
from common.pages import domain_errors_as_http
from common.spreadsheet import csv_stream
from workflow.forms import AcceptForm, ReassignForm
from workflow.kinds import LEAD, REQUEST
from workflow.models import Lead, LeadStatus, RequestStatus, ServiceRequest
from workflow.selectors import (
    categories,
    lead_inbox,
    lead_reassign_candidates,
    manages_any_unit,
    team_queue,
    user_team_ids,
)
from workflow.selectors_lists import SORTS, search_items, sort_items
from workflow.views.common import annotate_for_display
from workflow.views.leads import reassign_choices

PAGE_SIZE = 50


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _chosen(request: HttpRequest, name: str, allowed: Iterable[str]) -> str | None:
    """A filter of the query string, if it is one of the values it may take (else no filter)."""
    value = request.GET.get(name)
    return value if value in allowed else None


def _no_nul(value: str | None) -> str | None:
    """A filter as typed, or a 400 when it holds a NUL byte: no database takes one as a parameter."""
    if value is not None and "\x00" in value:
        raise BadRequest(_("A filter cannot contain a null character."))
    return value


def _list_view(view: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """A list page: read only, for people signed in, service errors as HTTP errors."""
    return require_GET(login_required(domain_errors_as_http(view)))


def _list_page(request: HttpRequest, template: str, items: QuerySet, rows: Callable[[User, list], list],
               **context: Any) -> HttpResponse:  # fmt: skip
    """One page of the list, its rows dressed for display."""
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, template, {"page": page, "rows": rows(request.user, list(page)), **context})


def queue_rows(user: User, requests: list[ServiceRequest]) -> list[ServiceRequest]:
    """What a queue row shows besides the request: routing in words, SLA, whether the user may claim it.

    The claim button follows the policy, as the service does (no query: the rows carry their client
    and the rights are the request's cache).
    """
    for item in annotate_for_display(requests):
        item.can_claim = "claim" in REQUEST.actions_for(user=user, item=item)
    return requests


def _queue_items(request: HttpRequest) -> tuple[QuerySet, dict]:
    """The queue as the page shows it: filtered, searched and sorted from the query string."""
    filters = {
        "team_id": _int_or_none(request.GET.get("team")),
        "status": _chosen(request, "status", RequestStatus.values),
        "category": _no_nul(request.GET.get("category")) or None,
        "assignee": _chosen(request, "assignee", ("me", "none")),
    }
    q, sort = _no_nul(request.GET.get("q", "")), _chosen(request, "sort", SORTS) or ""
    items = sort_items(search_items(team_queue(user=request.user, **filters), q), sort)
    return items, {**filters, "q": q, "sort": sort}


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@_list_view
def queue(request: HttpRequest) -> HttpResponse:
    """The requests of the user's teams: unclaimed first, then oldest first (or as sorted)."""
    user = request.user
    items, filters = _queue_items(request)
    return _list_page(
        request, "workflow/queue/queue.html", items, queue_rows, kind=REQUEST,
        filters=filters, teams=Team.objects.filter(pk__in=user_team_ids(user)).order_by("name"),
        categories=categories().filter(is_active=True), statuses=RequestStatus.choices,
        query=_query_without_page(request), sorts=sort_choices(),
    )  # fmt: skip


def sort_choices() -> list[tuple[str, str]]:
    return [("", _("Usual order")), ("due", _("Due first")), ("created", _("Oldest first")),
            ("-created", _("Newest first")), ("status", _("By status"))]  # fmt: skip


def _csv_rows(items: QuerySet, holder: Callable[[Any], str]) -> Iterable[list]:
    for item in items.iterator(chunk_size=500):
        yield [item.reference, item.subject, item.client.name, item.client.agency.name, item.get_status_display(),
               holder(item), timezone.localtime(item.created_at).strftime("%Y-%m-%d %H:%M"),
               timezone.localtime(item.sla_due_at).strftime("%Y-%m-%d %H:%M") if item.sla_due_at else ""]  # fmt: skip


def _csv_header(holder: str) -> list[str]:
    return [_("Reference"), _("Subject"), _("Client"), _("Agency"), _("Status"), holder, _("Created"), _("Due")]


@_list_view
def queue_csv(request: HttpRequest) -> HttpResponse:
    """The queue with the page's filters, search and order, every row (not one page), streamed."""
    items, _filters = _queue_items(request)
    return csv_stream(header=_csv_header(_("Team and holder")), filename="queue.csv", rows=_csv_rows(
        items, lambda item: " · ".join(str(x) for x in (item.team, item.assignee) if x)))  # fmt: skip


def inbox_rows(user: User, leads: list[Lead]) -> list[Lead]:
    """Each row with its routing, SLA, the actions the user may do, and the forms of the quick ones."""
    for lead in annotate_for_display(leads):
        lead.actions = LEAD.actions_for(user=user, item=lead)
    candidates = lead_reassign_candidates(
        agency_ids={lead.client.agency_id for lead in leads if "reassign" in lead.actions}
    )
    for lead in leads:
        # A manager may accept for someone else, but from the lead's page: the quick form is for its holder.
        own = lead.assignee_id in (None, user.pk)
        lead.accept_form = AcceptForm(id_prefix=f"accept-{lead.pk}") if "accept" in lead.actions and own else None
        lead.reassign_form = (
            ReassignForm(
                id_prefix=f"reassign-{lead.pk}",
                candidates=reassign_choices(lead, user, candidates.get(lead.client.agency_id, [])),
            )
            if "reassign" in lead.actions
            else None
        )
    return leads


def _inbox_items(request: HttpRequest) -> tuple[QuerySet, dict]:
    status = _chosen(request, "status", LeadStatus.values)
    q, sort = _no_nul(request.GET.get("q", "")), _chosen(request, "sort", SORTS) or ""
    return sort_items(search_items(lead_inbox(user=request.user, status=status), q), sort), {
        "status": status, "q": q, "sort": sort}  # fmt: skip


@_list_view
def inbox(request: HttpRequest) -> HttpResponse:
    """The salesperson's leads, new first; a manager sees the open leads of their scope."""
    user = request.user
    items, filters = _inbox_items(request)
    return _list_page(
        request, "workflow/leads/inbox.html", items, inbox_rows, kind=LEAD, filters=filters,
        status=filters["status"], statuses=LeadStatus.choices, query=_query_without_page(request), sorts=sort_choices(),
        is_manager=manages_any_unit(user=user), works_leads=rights.has_any(user, rights.WORK_LEADS),
    )  # fmt: skip


@_list_view
def inbox_csv(request: HttpRequest) -> HttpResponse:
    """The inbox with the page's filters, search and order, every row, streamed."""
    items, _filters = _inbox_items(request)
    return csv_stream(header=_csv_header(_("Holder")), filename="leads.csv", rows=_csv_rows(
        items, lambda item: str(item.assignee or item.team or "")))  # fmt: skip
