"""Reception on the client 360: follow the client's requests, leads and history.

The forms that send a new request or lead are the kinds' own (`workflow.views.requests`, `.leads`).
"""

import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts import rights
from common.pages import domain_errors_as_http
from crm.proposals import may_propose
from crm.selectors import client_get_for_user
from trace.selectors import trace_for_client
from workflow.forms import CategoryFieldsForm
from workflow.selectors import client_open_work, lead_ids_readable
from workflow.selectors_sales import sale_list
from workflow.views.history import history_entries

HISTORY_LIMIT = 50
CLIENT_SALES_SHOWN = 10
FORM_ID_PREFIX = re.compile(r"^[a-z_-]{0,30}$")


@require_GET
@login_required
def category_fields(request: HttpRequest) -> HttpResponse:
    """The inputs of the chosen category's fields, swapped into the request form (htmx)."""
    id_prefix = request.GET.get("form", "")
    if not FORM_ID_PREFIX.match(id_prefix):
        id_prefix = ""
    code = request.GET.get("category", "")
    if "\x00" in code:
        raise BadRequest(_("Unknown category."))
    form = CategoryFieldsForm(initial={"category": code}, id_prefix=id_prefix)
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
        # Sales (issue 9): the buttons to record one or a proposal, and the client's latest sales.
        "can_sell": rights.has_agency_perm(request.user, rights.SELL_BASIC, client.agency_id),
        "can_propose": may_propose(user=request.user, client=client),
        "sales": list(sale_list(user=request.user, client_id=client.pk)[:CLIENT_SALES_SHOWN]),
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
