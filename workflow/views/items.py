"""The pages every request and lead has, written once: its page, the door of its actions, its creation form.

`Pages` says what one kind's pages hold of their own; `REQUEST_PAGES` and `LEAD_PAGES` at the end
put together each kind's (its actions are listed in `workflow.views.requests` and `.leads`), and
the views of both are built from them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts import rights
from accounts.models import User
from common.errors import Conflict, InvalidInput
from common.pages import domain_errors_as_http
from crm.models import Client
from crm.selectors import client_get_for_user
from trace.selectors import trace_for_object
from workflow import forms, services
from workflow.forms import WorkflowForm, add_service_errors
from workflow.kinds import LEAD, REQUEST, Item, Kind
from workflow.routing import describe_routing
from workflow.selectors import item_comments
from workflow.services.requests import open_request_of
from workflow.views.actions import Action, action_panels, flash, refetch, run_action
from workflow.views.history import item_history_entries
from workflow.views.leads import LEAD_ACTIONS
from workflow.views.links import link, requalified_to
from workflow.views.lists import inbox_rows, queue_rows
from workflow.views.requests import REQUEST_ACTIONS, request_facts

View = Callable[..., HttpResponse]


@dataclass(frozen=True)
class Pages:
    """What one kind's pages hold of their own."""

    kind: Kind
    actions: dict[str, Action]
    # Dresses list rows (routing in words, SLA, the quick actions): what a row answered in place shows.
    rows: Callable[[User, list], list]
    detail_template: str
    row_template: str
    form_template: str
    create_form: type[WorkflowForm]
    create: Callable[..., Item]
    sent: Promise  # the message once created, with `%(ref)s` and `%(holder)s`
    created_url: Callable[[Item], str]  # where the sender goes once it is sent
    # What the item's page shows besides what every item's page shows.
    facts: Callable[[Item], dict[str, Any]] = field(default=lambda item: {})


def item_page(request: HttpRequest, pages: Pages, item: Item, *, bound: tuple[str, WorkflowForm] | None = None,
              problem: str = "", status: int = 200) -> HttpResponse:  # fmt: skip
    user, kind = request.user, pages.kind
    # Comments through a fresh read: after a failed action the item may have left the user's reach (404).
    context = {
        "item": item,
        "kind": kind,
        "routing_text": describe_routing(item.routing_reason),
        "comments": list(item_comments(kind.get(user=user, item_id=item.pk))),
        "history": item_history_entries(
            events=list(trace_for_object(object_type=item._meta.label_lower, object_id=item.pk))
        ),  # fmt: skip
        "linked_from": link(user, item.requalified_from),
        "linked_to": link(user, requalified_to(item)),
        "panels": action_panels(
            item=item, user=user, names=kind.actions_for(user=user, item=item), registry=pages.actions, bound=bound
        ),  # fmt: skip
        "problem": problem,
        **pages.facts(item),
    }
    return render(request, pages.detail_template, context, status=status)


def detail_view(pages: Pages) -> View:
    """The item's page: 404 unless the user may read it."""

    @require_GET
    @login_required
    @domain_errors_as_http
    def detail(request: HttpRequest, **url: int) -> HttpResponse:
        return item_page(request, pages, pages.kind.get(user=request.user, item_id=url[f"{pages.kind.name}_id"]))

    return detail


def action_view(pages: Pages) -> View:
    """Any action on the item. From a list (htmx, `return=row`) the answer is the row itself.

    From the item's page, an action the item's state refuses (409, e.g. a colleague was first) goes
    back to the item's page with its message (post, redirect, get): reloading shows the page as it now
    is, never the browser's resubmission or a bare 405. Bad input (400) shows the form again with what
    was typed and its errors; 403 and 404 are the services'. The action's address opened by GET (a
    reload after an error, a bookmark) leads to the item's page.
    """

    @require_http_methods(["GET", "POST"])
    @login_required
    @domain_errors_as_http
    def act(request: HttpRequest, action: str, **url: int) -> HttpResponse:
        user, kind, item_id = request.user, pages.kind, url[f"{pages.kind.name}_id"]
        item = kind.get(user=user, item_id=item_id)
        if request.method == "GET":
            return redirect(kind.detail_url, item.pk)
        as_row = bool(request.htmx) and request.POST.get("return") == "row"
        outcome = run_action(request, item=item, name=action, registry=pages.actions,
                             id_prefix=f"{action}-{item.pk}" if as_row else action)  # fmt: skip
        fresh = refetch(lambda: kind.get(user=user, item_id=item_id))
        if outcome.status == 409 and pages.actions[action].conflict:
            outcome.problem = pages.actions[action].conflict(fresh, user, outcome.problem)
        if as_row:
            if fresh is None:
                return HttpResponse("")
            row = pages.rows(user, [fresh])[0]
            if outcome.status == 400:
                setattr(row, f"{action}_form", outcome.form)  # keep what was typed, with the errors
            context = {"item": row, "kind": kind, "problem": outcome.problem, "done": outcome.message}
            return render(request, pages.row_template, context, status=outcome.status)
        if outcome.status == 409:
            messages.warning(request, outcome.problem)
            return redirect(kind.list_url) if fresh is None else redirect(kind.detail_url, item.pk)
        if outcome.status != 200:
            return item_page(request, pages, fresh or item, bound=(action, outcome.form), problem=outcome.problem,
                             status=outcome.status)  # fmt: skip
        flash(request, outcome)
        return redirect(kind.list_url) if fresh is None else redirect(kind.detail_url, item.pk)

    return act


def _client_for_creating(request: HttpRequest, client_id: int, kind: Kind) -> Client:
    client = client_get_for_user(user=request.user, client_id=client_id)
    if not rights.has_agency_perm(request.user, kind.create_right, client.agency_id):
        raise PermissionDenied(_("You cannot send work for this client."))
    return client


def _no_nul(value: str | None) -> str | None:
    """A value from the query string, or None when it holds a NUL byte (no database takes one)."""
    return None if value is not None and "\x00" in value else value


def _asked_to_confirm(form: WorkflowForm, client: Client) -> dict | None:
    """The open matter, when a second request was confirmed but refused (no reason): the choice stays offered."""
    category = form.cleaned_data.get("category")
    if not form.cleaned_data.get("confirm") or category is None:
        return None
    already = open_request_of(client=client, category=category)
    return {"id": already.pk, "reference": already.reference, "subject": already.subject} if already else None


def create_view(pages: Pages) -> View:
    """Reception's form to send a new item for a client."""

    @require_http_methods(["GET", "POST"])
    @login_required
    @domain_errors_as_http
    def create(request: HttpRequest, client_id: int) -> HttpResponse:
        client = _client_for_creating(request, client_id, pages.kind)
        status, open_matter = 200, None
        if request.method == "POST":
            form = pages.create_form(request.POST)
            status = 400
            if form.is_valid():
                try:
                    item = pages.create(sender=request.user, client_id=client.pk, **form.service_data())
                except InvalidInput as error:
                    add_service_errors(form, error)
                    open_matter = _asked_to_confirm(form, client)
                except Conflict as conflict:
                    # The client has this matter open already: add the call to it, or say why a second one.
                    status, open_matter = 409, {**conflict.extra.get("open_request", {}), "message": conflict.message}
                else:
                    holder = item.assignee or item.team
                    messages.success(request, str(pages.sent) % {"ref": item.reference, "holder": holder})
                    return redirect(pages.created_url(item))
        else:
            form = pages.create_form(initial={
                name: _no_nul(request.GET.get(name)) for name in pages.create_form.preset_from_query
            })  # fmt: skip
        context = {"form": form, "client": client, "open_matter": open_matter}
        return render(request, pages.form_template, context, status=status)

    return create


# --- Each kind's pages ---------------------------------------------------------------------------------

REQUEST_PAGES = Pages(
    kind=REQUEST,
    actions=REQUEST_ACTIONS,
    rows=queue_rows,
    detail_template="workflow/requests/detail.html",
    row_template="workflow/queue/_row.html",
    form_template="workflow/requests/form.html",
    create_form=forms.ServiceRequestForm,
    create=services.service_request_create,
    sent=gettext_lazy("Service request %(ref)s sent to %(holder)s."),
    created_url=lambda request: reverse(REQUEST.detail_url, args=[request.pk]),
    facts=request_facts,
)

LEAD_PAGES = Pages(
    kind=LEAD,
    actions=LEAD_ACTIONS,
    rows=inbox_rows,
    detail_template="workflow/leads/detail.html",
    row_template="workflow/leads/_row.html",
    form_template="workflow/leads/form.html",
    create_form=forms.LeadForm,
    create=services.lead_create,
    sent=gettext_lazy("Lead %(ref)s sent to %(holder)s."),
    # The sender follows the lead's status on the client's record; its content belongs to the salesperson.
    created_url=lambda lead: reverse("crm:client_detail", args=[lead.client_id]),
)

# The views `workflow.urls` routes to.
request_detail = detail_view(REQUEST_PAGES)
request_action = action_view(REQUEST_PAGES)
request_create = create_view(REQUEST_PAGES)
lead_detail = detail_view(LEAD_PAGES)
lead_action = action_view(LEAD_PAGES)
lead_create = create_view(LEAD_PAGES)
