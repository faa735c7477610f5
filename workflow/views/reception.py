"""Reception on the client 360: send a service request or a lead, follow the client's work and history."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import rights
from config.errors import InvalidInput
from config.pages import domain_errors_as_http
from crm.models import Client
from crm.selectors import client_get_for_user
from trace.selectors import trace_for_client
from workflow import services
from workflow.forms import CategoryFieldsForm, LeadForm, ServiceRequestForm, add_service_errors
from workflow.selectors import client_open_work, lead_ids_readable
from workflow.views.history import history_entries

HISTORY_LIMIT = 50
FORM_ID_PREFIX = re.compile(r"^[a-z_-]{0,30}$")


def _client_for_creating(request: HttpRequest, client_id: int, perm: str) -> Client:
    client = client_get_for_user(user=request.user, client_id=client_id)
    if not rights.has_agency_perm(request.user, perm, client.agency_id):
        raise PermissionDenied(_("You cannot send work for this client."))
    return client


@require_http_methods(["GET", "POST"])
@login_required
@domain_errors_as_http
def request_create(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _client_for_creating(request, client_id, rights.CREATE_REQUESTS)
    status = 200
    if request.method == "POST":
        form = ServiceRequestForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                item = services.service_request_create(sender=request.user, client_id=client.pk, **form.service_data())
            except InvalidInput as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Service request %(ref)s sent to %(team)s.") % {
                    "ref": item.reference, "team": item.assignee or item.team,
                })  # fmt: skip
                return redirect("workflow:request-detail", request_id=item.pk)
    else:
        form = ServiceRequestForm(initial={"category": request.GET.get("category")})
    return render(request, "workflow/requests/form.html", {"form": form, "client": client}, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@domain_errors_as_http
def lead_create(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _client_for_creating(request, client_id, rights.CREATE_LEADS)
    status = 200
    if request.method == "POST":
        form = LeadForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                lead = services.lead_create(sender=request.user, client_id=client.pk, **form.service_data())
            except InvalidInput as error:
                add_service_errors(form, error)
            else:
                # The sender follows the lead's status; its content belongs to the salesperson.
                messages.success(request, _("Lead %(ref)s sent to %(person)s.") % {
                    "ref": lead.reference, "person": lead.assignee or lead.team,
                })  # fmt: skip
                return redirect("crm:client_detail", client_id=client.pk)
    else:
        form = LeadForm()
    return render(request, "workflow/leads/form.html", {"form": form, "client": client}, status=status)


@require_GET
@login_required
def category_fields(request: HttpRequest) -> HttpResponse:
    """The inputs of the chosen category's fields, swapped into the request form (htmx)."""
    id_prefix = request.GET.get("form", "")
    if not FORM_ID_PREFIX.match(id_prefix):
        id_prefix = ""
    form = CategoryFieldsForm(initial={"category": request.GET.get("category", "")}, id_prefix=id_prefix)
    return render(request, "workflow/requests/_category_fields.html", {"form": form})


@require_GET
@login_required
@domain_errors_as_http
def client_work(request: HttpRequest, client_id: int) -> HttpResponse:
    """The client's requests (in full) and leads (status; content only for those who may read it)."""
    client = client_get_for_user(user=request.user, client_id=client_id)
    requests, leads = client_open_work(user=request.user, client_id=client.pk)
    readable = lead_ids_readable(user=request.user, lead_ids=[lead.pk for lead in leads])
    for lead in leads:
        lead.readable = lead.pk in readable
    context = {
        "client": client,
        "requests": requests,
        "leads": leads,
        "can_create_request": rights.has_agency_perm(request.user, rights.CREATE_REQUESTS, client.agency_id),
        "can_create_lead": rights.has_agency_perm(request.user, rights.CREATE_LEADS, client.agency_id),
    }
    template = "workflow/clients/_work.html" if request.htmx else "workflow/clients/work.html"
    return render(request, template, context)


@require_GET
@login_required
@domain_errors_as_http
def client_history(request: HttpRequest, client_id: int) -> HttpResponse:
    """The client's trace in words, newest first, the latest fifty."""
    client = client_get_for_user(user=request.user, client_id=client_id)
    events = list(trace_for_client(client_id=client.pk)[:HISTORY_LIMIT])
    context = {"client": client, "entries": history_entries(user=request.user, events=events),
               "limit": HISTORY_LIMIT}  # fmt: skip
    template = "workflow/clients/_history.html" if request.htmx else "workflow/clients/history.html"
    return render(request, template, context)
