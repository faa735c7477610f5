"""The manager's overview (issue 8, item 1): their scope's open requests and leads, and reassigning them.

The reporting dashboard is placed at the top by its own fragment (`reporting:dashboard-panel`),
loaded by the template when that URL exists: this app does not import reporting.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from common.errors import InvalidInput
from common.pages import domain_errors_as_http, id_from_text
from workflow.kinds import LEAD, REQUEST
from workflow.models import OPEN_LEAD_STATUSES, OPEN_REQUEST_STATUSES, LeadStatus, RequestStatus
from workflow.selectors_overview import (
    OVERVIEW_PAGE,
    overview_assignees,
    overview_leads,
    overview_requests,
    overview_teams,
    require_overview,
)
from workflow.services.bulk import items_reassign
from workflow.views.common import annotate_for_display

KINDS = (REQUEST.name, LEAD.name)


def _small_int(value: str | None) -> int | None:
    """A number of the query or the form as an id (else None)."""
    return id_from_text(value)


def _ids(values: list[str]) -> list[int]:
    return [number for number in map(_small_int, values) if number is not None]


def overview_filters(request: HttpRequest) -> dict:
    """The filters of the query string, each kept only if it is a value it may take."""
    get = request.GET
    kind = get.get("kind") if get.get("kind") in KINDS else ""
    statuses = {*RequestStatus.values, *LeadStatus.values}
    team = get.get("team", "")
    assignee = get.get("assignee", "")
    return {
        "kind": kind,
        "status": get.get("status") if get.get("status") in statuses else "",
        "team_id": _small_int(team),
        "assignee": assignee if assignee == "none" or _small_int(assignee) is not None else "",
        "overdue": get.get("overdue") == "1",
    }


def _page(qs, number: int) -> tuple[list, bool]:
    """One page of rows without counting the scope: one row more than shown says whether there are more."""
    start = (number - 1) * OVERVIEW_PAGE
    rows = list(qs[start : start + OVERVIEW_PAGE + 1])
    return annotate_for_display(rows[:OVERVIEW_PAGE]), len(rows) > OVERVIEW_PAGE


@require_GET
@login_required
@domain_errors_as_http
def overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_overview(user)
    filters = overview_filters(request)
    number = min(max(_small_int(request.GET.get("page")) or 1, 1), 1000)
    narrowed = {k: filters[k] or None for k in ("status", "team_id", "assignee")}
    now = timezone.now()
    requests, more_requests = ([], False)
    leads, more_leads = ([], False)
    if filters["kind"] in ("", REQUEST.name):
        requests, more_requests = _page(
            overview_requests(user=user, now=now, overdue=filters["overdue"], **narrowed), number
        )
    if filters["kind"] in ("", LEAD.name):
        leads, more_leads = _page(overview_leads(user=user, now=now, overdue=filters["overdue"], **narrowed), number)
    back_office, sellers = overview_assignees(user=user)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "workflow/overview/overview.html", {
        "filters": filters, "requests": requests, "leads": leads, "page_number": number,
        "has_next": more_requests or more_leads, "query": query.urlencode(),
        "teams": overview_teams(user=user), "back_office": back_office, "sellers": sellers,
        "request_statuses": [(v, label) for v, label in RequestStatus.choices if v in OPEN_REQUEST_STATUSES],
        "lead_statuses": [(v, label) for v, label in LeadStatus.choices if v in OPEN_LEAD_STATUSES],
        "kind_request": REQUEST, "kind_lead": LEAD,
    })  # fmt: skip


def _back(request: HttpRequest) -> HttpResponse:
    """Back to the overview with the filters it was sent from (re-encoded: only a query string)."""
    query = QueryDict(request.POST.get("query", "")).urlencode()
    return redirect(f"{reverse('workflow:overview')}{'?' + query if query else ''}")


def _field_messages(error: InvalidInput) -> list[str]:
    return [str(m) for ms in error.fields.values() for m in (ms if isinstance(ms, list) else [ms])]


@require_POST
@login_required
@domain_errors_as_http
def overview_reassign(request: HttpRequest) -> HttpResponse:
    """Give the ticked items to one person; each item's outcome is reported, then back to the overview
    (post, redirect, get: reloading never posts again)."""
    user = request.user
    require_overview(user)
    assignee = request.POST.get("assignee", "")
    try:
        if _small_int(assignee) is None:
            raise InvalidInput({"assignee": _("Choose the person to give the ticked items to.")})
        outcomes = items_reassign(actor=user, assignee_id=_small_int(assignee), request_ids=_ids(request.POST.getlist("request")),
                                  lead_ids=_ids(request.POST.getlist("lead")))  # fmt: skip
    except InvalidInput as error:
        for message in _field_messages(error):
            messages.error(request, message)
        return _back(request)
    done = [o for o in outcomes if o.ok]
    if done:
        messages.success(request, ngettext("%(n)d item reassigned: %(refs)s.", "%(n)d items reassigned: %(refs)s.",
                                           len(done)) % {"n": len(done), "refs": ", ".join(o.reference for o in done)})  # fmt: skip
    labels = {REQUEST.name: _("Request"), LEAD.name: _("Lead")}
    for outcome in outcomes:
        if not outcome.ok:
            messages.error(request, _("%(kind)s #%(id)s not reassigned: %(why)s") % {
                "kind": labels[outcome.kind], "id": outcome.item_id, "why": outcome.message})  # fmt: skip
    return _back(request)
