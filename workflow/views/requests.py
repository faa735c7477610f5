"""A service request's page, and the door of every action on it."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from config.pages import domain_errors_as_http
from trace.selectors import trace_for_object
from workflow.forms import WorkflowForm, category_field_label
from workflow.models import Lead, ServiceRequest
from workflow.policy import request_actions_for
from workflow.routing import describe_routing
from workflow.selectors import (
    lead_ids_readable,
    lead_ids_status_visible,
    request_comments,
    request_get_for_user,
)
from workflow.views.actions import (
    REQUEST_ACTIONS,
    action_panels,
    claim_conflict_message,
    flash,
    refetch,
    run_action,
)
from workflow.views.history import item_history_entries
from workflow.views.lists import queue_rows


def _lead_link(request: HttpRequest, lead: Lead | None) -> dict | None:
    """A linked lead, pointing to what the user may open: its page, its status, or nothing."""
    if lead is None:
        return None
    if lead.pk in lead_ids_readable(user=request.user, lead_ids=[lead.pk]):
        url = reverse("workflow:lead-detail", args=[lead.pk])
    elif lead.pk in lead_ids_status_visible(user=request.user, lead_ids=[lead.pk]):
        url = reverse("workflow:lead-status", args=[lead.pk])
    else:
        url = ""
    return {"reference": lead.reference, "url": url}


def _requalified_to(item: ServiceRequest) -> Lead | None:
    try:
        return item.requalified_to
    except ObjectDoesNotExist:
        return None


def request_page(request: HttpRequest, item: ServiceRequest, *, bound: tuple[str, WorkflowForm] | None = None,
                 problem: str = "", status: int = 200) -> HttpResponse:  # fmt: skip
    names = request_actions_for(user=request.user, request=item)
    context = {
        "item": item,
        "routing_text": describe_routing(item.routing_reason),
        "fields": [(category_field_label(name), value) for name, value in (item.fields or {}).items()],
        "comments": list(request_comments(user=request.user, request_id=item.pk)),
        "history": item_history_entries(
            events=list(trace_for_object(object_type=item._meta.label_lower, object_id=item.pk))
        ),  # fmt: skip
        "from_lead": _lead_link(request, item.requalified_from),
        "to_lead": _lead_link(request, _requalified_to(item)),
        "panels": action_panels(item=item, names=names, registry=REQUEST_ACTIONS, bound=bound),
        "problem": problem,
    }
    return render(request, "workflow/requests/detail.html", context, status=status)


@require_GET
@login_required
@domain_errors_as_http
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    return request_page(request, request_get_for_user(user=request.user, request_id=request_id))


@require_POST
@login_required
@domain_errors_as_http
def request_action(request: HttpRequest, request_id: int, action: str) -> HttpResponse:
    """Any action on the request. From the queue (htmx, `return=row`) the answer is the row itself."""
    user = request.user
    item = request_get_for_user(user=user, request_id=request_id)
    as_row = bool(request.htmx) and request.POST.get("return") == "row"
    outcome = run_action(request, item=item, name=action, registry=REQUEST_ACTIONS,
                         id_prefix=f"{action}-{item.pk}" if as_row else action)  # fmt: skip
    fresh = refetch(lambda: request_get_for_user(user=user, request_id=request_id))
    if outcome.status == 409 and action == "claim":
        outcome.problem = claim_conflict_message(fresh, user, outcome.problem)
    if as_row:
        if fresh is None:
            return HttpResponse("")
        context = {"item": queue_rows(user, [fresh])[0], "problem": outcome.problem, "done": outcome.message}
        return render(request, "workflow/queue/_row.html", context, status=outcome.status)
    if outcome.status != 200:
        return request_page(request, fresh or item, bound=(action, outcome.form), problem=outcome.problem,
                            status=outcome.status)  # fmt: skip
    flash(request, outcome)
    if fresh is None:
        return redirect("workflow:queue")
    return redirect("workflow:request-detail", request_id=item.pk)
