"""Pages of campaigns: marketing defines, previews, launches and follows them; agents work their call lists.

Thin doors over `workflow.services.campaigns` and `workflow.selectors_campaigns`: out of scope 404, not
allowed 403, a state conflict 409 (shown as a message), bad input 400 with the form's errors.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.errors import Conflict, InvalidInput
from common.pages import domain_errors_as_http, form_add_invalid_input
from crm.models import Holding, Interaction
from workflow.forms.campaigns import CampaignForm, OutcomeForm
from workflow.models import Lead
from workflow.models_campaigns import CampaignStatus, TargetOutcome
from workflow.selectors_campaigns import (
    call_lists,
    campaign_get_for_user,
    campaign_list,
    marketing_scope,
    target_get_for_user,
    target_list,
    works_campaign,
)
from workflow.services.calls import target_record_outcome, target_take_next
from workflow.services.campaigns import campaign_close, campaign_create, campaign_launch, campaign_preview

PAGE_SIZE = 25
TARGETS_PAGE_SIZE = 50


@require_GET
@login_required
def campaigns(request: HttpRequest) -> HttpResponse:
    """Marketing's campaigns (and, for anyone, those they see), newest first."""
    page = Paginator(campaign_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "rows": list(page), "is_marketing": marketing_scope(user=request.user).any}
    return render(request, "workflow/campaigns/list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@domain_errors_as_http
def campaign_new(request: HttpRequest) -> HttpResponse:
    if not marketing_scope(user=request.user).any:  # asked first, on a post too: 403, not the form's 400
        raise PermissionDenied(_("Only marketing defines campaigns and potentials."))
    status = 200
    if request.method == "POST":
        form, status = CampaignForm(request.POST), 400
        if form.is_valid():
            try:
                campaign = campaign_create(actor=request.user, **form.service_data())
            except InvalidInput as error:
                form_add_invalid_input(form, error)
            else:
                messages.success(request, _("Campaign defined: check the number of targets, then launch it."))
                return redirect("workflow:campaign-detail", campaign_id=campaign.pk)
    else:
        form = CampaignForm()
    return render(request, "workflow/campaigns/form.html", {"form": form}, status=status)


@require_GET
@login_required
@domain_errors_as_http
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """A campaign's progress (reached, converted, done) with its bar, its criteria and its call list."""
    campaign = campaign_get_for_user(user=request.user, campaign_id=campaign_id)
    scope = marketing_scope(user=request.user)
    may_run = scope.national or scope.covers_region(campaign.region_id)
    preview = campaign_preview(user=request.user, campaign_id=campaign.pk) if (
        may_run and campaign.status == CampaignStatus.DRAFT) else None  # fmt: skip
    page = Paginator(target_list(user=request.user, campaign=campaign), TARGETS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"campaign": campaign, "preview": preview, "may_run": may_run, "page": page, "targets": list(page),
               "works": works_campaign(user=request.user, campaign=campaign)}  # fmt: skip
    return render(request, "workflow/campaigns/detail.html", context)


@require_POST
@login_required
@domain_errors_as_http
def campaign_launch_view(request: HttpRequest, campaign_id: int) -> HttpResponse:
    try:
        campaign = campaign_launch(actor=request.user, campaign_id=campaign_id)
    except Conflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, _("Campaign launched: %(count)s targets on the call list.")
                         % {"count": campaign.targets_total})  # fmt: skip
    return redirect("workflow:campaign-detail", campaign_id=campaign_id)


@require_POST
@login_required
@domain_errors_as_http
def campaign_close_view(request: HttpRequest, campaign_id: int) -> HttpResponse:
    try:
        campaign_close(actor=request.user, campaign_id=campaign_id)
    except Conflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, _("Campaign closed: its clients left the call list."))
    return redirect("workflow:campaign-detail", campaign_id=campaign_id)


@require_GET
@login_required
def my_call_lists(request: HttpRequest) -> HttpResponse:
    """Telemarketing's and telesales' landing page: the running campaigns given to their teams."""
    return render(request, "workflow/campaigns/call_lists.html", {"rows": list(call_lists(user=request.user))})


@require_http_methods(["GET", "POST"])
@login_required
@domain_errors_as_http
def call_next(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Take the next target of the call list (or the one the agent holds) and open it."""
    try:
        target = target_take_next(actor=request.user, campaign_id=campaign_id)
    except Conflict as conflict:
        messages.error(request, conflict.message)
        return redirect("workflow:call-lists")
    if target is None:
        campaign = campaign_get_for_user(user=request.user, campaign_id=campaign_id)
        return render(request, "workflow/campaigns/nothing_due.html", {"campaign": campaign})
    return redirect("workflow:target-call", target_id=target.pk)


def _client_context(client) -> dict:
    """The client 360 an agent needs on the phone: a few queries, whatever the client's history."""
    return {
        "contacts": list(client.contacts.order_by("-is_primary", "last_name")[:5]),
        "holdings": list(Holding.objects.filter(client=client).select_related("product").order_by("-since")[:10]),
        "interactions": list(
            Interaction.objects.filter(client=client).select_related("author").order_by("-occurred_at", "-id")[:5]
        ),  # fmt: skip
    }


@require_http_methods(["GET", "POST"])
@login_required
@domain_errors_as_http
def target_call(request: HttpRequest, target_id: int) -> HttpResponse:
    """One call: the client's context, the script, the outcome buttons."""
    target = target_get_for_user(user=request.user, target_id=target_id)
    campaign = target.campaign
    status = 200
    if request.method == "POST":
        form, status = OutcomeForm(request.POST, id_prefix="outcome"), 400
        if form.is_valid():
            try:
                done = target_record_outcome(actor=request.user, target_id=target.pk, **form.service_data())
            except InvalidInput as error:
                form_add_invalid_input(form, error)
            except Conflict as conflict:
                messages.error(request, conflict.message)
                return redirect("workflow:call-next", campaign_id=campaign.pk)
            else:
                said = _("%(client)s: %(outcome)s recorded.") % {
                    "client": target.client.name, "outcome": TargetOutcome(done.outcome).label}  # fmt: skip
                if done.lead_id and done.outcome == TargetOutcome.LEAD:
                    lead = Lead.objects.select_related("assignee", "team").get(pk=done.lead_id)
                    said += " " + _("Lead %(ref)s sent to %(holder)s.") % {
                        "ref": lead.reference, "holder": lead.assignee or lead.team}  # fmt: skip
                messages.success(request, said)
                return redirect("workflow:call-next", campaign_id=campaign.pk)
    else:
        form = OutcomeForm(id_prefix="outcome", initial={"product": campaign.product_id})
    context = {"target": target, "campaign": campaign, "client": target.client, "form": form,
               "outcomes": TargetOutcome.choices, "works": works_campaign(user=request.user, campaign=campaign),
               **_client_context(target.client)}  # fmt: skip
    return render(request, "workflow/campaigns/call.html", context, status=status)
