"""A lead's page (for who may read it), its status page (sender, reception), and the door of its actions."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from config.pages import domain_errors_as_http
from trace.selectors import trace_for_object
from workflow.forms import WorkflowForm
from workflow.models import Lead, ServiceRequest
from workflow.policy import lead_actions_for
from workflow.routing import describe_routing
from workflow.selectors import (
    lead_comments,
    lead_get_for_user,
    lead_ids_readable,
    lead_status_get_for_user,
    requests_visible,
)
from workflow.views.actions import LEAD_ACTIONS, action_panels, flash, refetch, run_action
from workflow.views.history import item_history_entries
from workflow.views.lists import inbox_rows


def _request_link(request: HttpRequest, item: ServiceRequest | None) -> dict | None:
    if item is None:
        return None
    visible = requests_visible(user=request.user).filter(pk=item.pk).exists()
    return {"reference": item.reference, "url": reverse("workflow:request-detail", args=[item.pk]) if visible else ""}


def _requalified_to(lead: Lead) -> ServiceRequest | None:
    try:
        return lead.requalified_to
    except ObjectDoesNotExist:
        return None


def lead_page(request: HttpRequest, lead: Lead, *, bound: tuple[str, WorkflowForm] | None = None,
              problem: str = "", status: int = 200) -> HttpResponse:  # fmt: skip
    names = lead_actions_for(user=request.user, lead=lead)
    context = {
        "item": lead,
        "routing_text": describe_routing(lead.routing_reason),
        "comments": list(lead_comments(user=request.user, lead_id=lead.pk)),
        "history": item_history_entries(
            events=list(trace_for_object(object_type=lead._meta.label_lower, object_id=lead.pk))
        ),  # fmt: skip
        "from_request": _request_link(request, lead.requalified_from),
        "to_request": _request_link(request, _requalified_to(lead)),
        "panels": action_panels(item=lead, names=names, registry=LEAD_ACTIONS, bound=bound),
        "problem": problem,
    }
    return render(request, "workflow/leads/detail.html", context, status=status)


@require_GET
@login_required
@domain_errors_as_http
def lead_detail(request: HttpRequest, lead_id: int) -> HttpResponse:
    """404 unless the user may read the lead: its holder, its team while unheld, the client's managers."""
    return lead_page(request, lead_get_for_user(user=request.user, lead_id=lead_id))


@require_GET
@login_required
@domain_errors_as_http
def lead_status(request: HttpRequest, lead_id: int) -> HttpResponse:
    """What the sender and reception may know: open or not, with whom, since when, the outcome."""
    lead = lead_status_get_for_user(user=request.user, lead_id=lead_id)
    context = {
        "lead": lead,
        "can_read": lead.pk in lead_ids_readable(user=request.user, lead_ids=[lead.pk]),
        "to_request": _request_link(request, _requalified_to(lead)),
    }
    return render(request, "workflow/leads/status.html", context)


@require_POST
@login_required
@domain_errors_as_http
def lead_action(request: HttpRequest, lead_id: int, action: str) -> HttpResponse:
    """Any action on the lead. From the inbox (htmx, `return=row`) the answer is the row itself."""
    user = request.user
    lead = lead_get_for_user(user=user, lead_id=lead_id)
    as_row = bool(request.htmx) and request.POST.get("return") == "row"
    outcome = run_action(request, item=lead, name=action, registry=LEAD_ACTIONS,
                         id_prefix=f"{action}-{lead.pk}" if as_row else action)  # fmt: skip
    fresh = refetch(lambda: lead_get_for_user(user=user, lead_id=lead_id))
    if as_row:
        if fresh is None:
            return HttpResponse("")
        row = inbox_rows(user, [fresh])[0]
        if outcome.status == 400:
            setattr(row, f"{action}_form", outcome.form)  # keep what was typed, with the errors
        context = {"item": row, "problem": outcome.problem, "done": outcome.message}
        return render(request, "workflow/leads/_row.html", context, status=outcome.status)
    if outcome.status != 200:
        return lead_page(request, fresh or lead, bound=(action, outcome.form), problem=outcome.problem,
                         status=outcome.status)  # fmt: skip
    flash(request, outcome)
    if fresh is None:
        return redirect("workflow:inbox")
    return redirect("workflow:lead-detail", lead_id=lead.pk)
