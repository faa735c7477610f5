"""Pages of sales: record a sale or a proposal for a client, and a sale's page (its credits, the chronology
behind them, the rule's verdict, and the forms to cancel it or contest its credits).

Thin doors over `workflow.services.sales`, `.disputes` and `crm.proposals`: a refused complex sale is a
400 that offers to send a lead instead, out of scope 404, not allowed 403, a state conflict 409.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import rights
from accounts.models import User
from common.errors import Conflict, InvalidInput
from common.pages import domain_errors_as_http, form_add_invalid_input
from crm.models import Client, Complexity
from crm.proposals import may_propose, product_families, proposal_record
from crm.selectors import client_get_for_user
from workflow.attribution import Verdict
from workflow.credit_words import event_label, reference, rule_text, standing_text
from workflow.forms.sales import CancelSaleForm, DisputeForm, ProposalForm, SaleForm
from workflow.models_sales import CreditRole, CreditSet, Sale
from workflow.selectors_sales import (
    ChronologyEntry,
    credit_events,
    credit_sets_of,
    sale_chronology,
    sale_disputes,
    sale_get_for_user,
    verdict_for_sale,
)
from workflow.services.disputes import dispute_open
from workflow.services.sales import cancel_deadline, may_cancel_sale, sale_cancel, sale_record


def _closers(user: User, client: Client) -> list[User] | None:
    """Whom a manager may record a sale for: the people who sell on the client's agency; None for others."""
    if not (rights.is_org_admin(user) or rights.has_agency_perm(user, rights.MANAGE_UNIT, client.agency_id)):
        return None
    return list(rights.people_holding(perm=rights.SELL_BASIC, agency_id=client.agency_id))


@require_http_methods(["GET", "POST"])
@login_required
@domain_errors_as_http
def sale_create(request: HttpRequest, client_id: int) -> HttpResponse:
    """Record a sale for the client; a complex product refused to a basic seller offers to send a lead."""
    client = client_get_for_user(user=request.user, client_id=client_id)
    if not rights.has_agency_perm(request.user, rights.SELL_BASIC, client.agency_id):
        raise PermissionDenied(_("You cannot record sales for this client."))
    closers = _closers(request.user, client)
    status, send_lead = 200, None
    if request.method == "POST":
        form = SaleForm(request.POST, closers=closers)
        status = 400
        if form.is_valid():
            try:
                sale = sale_record(actor=request.user, client_id=client.pk, **form.service_data())
            except InvalidInput as error:
                product = form.cleaned_data.get("product")  # before the errors take it out of cleaned_data
                form_add_invalid_input(form, error)
                if "product" in error.fields and product is not None and product.complexity == Complexity.COMPLEX:
                    send_lead = f"{reverse('workflow:lead-create', args=[client.pk])}?product={product.pk}"
            else:
                messages.success(request, _("Sale %(ref)s recorded and credited.") % {"ref": sale.reference})
                return redirect("workflow:sale-detail", sale_id=sale.pk)
    else:
        form = SaleForm(initial={"product": request.GET.get("product") or None, "quantity": 1}, closers=closers)
    context = {"form": form, "client": client, "send_lead_url": send_lead,
               "can_send_lead": rights.has_agency_perm(request.user, rights.CREATE_LEADS, client.agency_id)}  # fmt: skip
    return render(request, "workflow/sales/form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@domain_errors_as_http
def proposal_create(request: HttpRequest, client_id: int) -> HttpResponse:
    """A salesperson or telesales agent records a proposal of a product family."""
    client = client_get_for_user(user=request.user, client_id=client_id)
    if not may_propose(user=request.user, client=client):
        raise PermissionDenied(_("Only the client's salespeople and telesales record proposals."))
    families = product_families()
    status = 200
    if request.method == "POST":
        form = ProposalForm(request.POST, families=families)
        status = 400
        if form.is_valid():
            try:
                proposal_record(actor=request.user, client_id=client.pk, **form.service_data())
            except InvalidInput as error:
                form_add_invalid_input(form, error)
            else:
                messages.success(request, _("Proposal recorded on the client's timeline."))
                return redirect("crm:client_detail", client_id=client.pk)
    else:
        form = ProposalForm(families=families)
    return render(request, "workflow/sales/proposal_form.html", {"form": form, "client": client}, status=status)


@dataclass
class SaleStory:
    """What a sale's page and a dispute's page show of it: every version of its credits with why each row,
    the rule's verdict today (its rows named), and the chronology behind it, in words."""

    credit_sets: list[CreditSet]
    verdict: Verdict
    verdict_rows: list[tuple[str, str, Decimal]]
    chronology: list[ChronologyEntry]


def sale_story(sale: Sale) -> SaleStory:
    """The sale's story, in a fixed number of queries whatever its versions and events."""
    sets = credit_sets_of(sale=sale)
    rows = [credit for credit_set in sets for credit in credit_set.credits.all()]
    found = credit_events(credits=rows)
    for credit in rows:
        credit.sale = sale
        credit.why = rule_text(credit, found)
    sale_fact, verdict = verdict_for_sale(sale=sale)
    chronology = sale_chronology(sale=sale, verdict=verdict, sale_fact=sale_fact)
    for entry in chronology:
        entry.label, entry.reference, entry.note = (event_label(entry.event), reference(entry.event),
                                                    standing_text(entry.standing))  # fmt: skip
    people = User.objects.in_bulk({line.person for line in verdict.lines})
    verdict_rows = [(str(people.get(line.person, "—")), str(CreditRole(line.role).label), line.share)
                    for line in verdict.lines]  # fmt: skip
    return SaleStory(sets, verdict, verdict_rows, chronology)


def _sale_page(request: HttpRequest, sale: Sale, *, cancel_form: CancelSaleForm | None = None,
               dispute_form: DisputeForm | None = None, problem: str = "", status: int = 200) -> HttpResponse:  # fmt: skip
    user = request.user
    story = sale_story(sale)
    disputes = list(sale_disputes(user=user, sale=sale))
    mine_open = any(d.opened_by_id == user.pk and d.is_open for d in disputes)
    can_cancel = not sale.is_cancelled and may_cancel_sale(user=user, sale=sale)
    context = {
        "sale": sale,
        "story": story,
        "disputes": disputes,
        "cancel_deadline": cancel_deadline(sale),
        "cancel_form": (cancel_form or CancelSaleForm(id_prefix="cancel")) if can_cancel else None,
        "dispute_form": (dispute_form or DisputeForm(id_prefix="dispute"))
        if not sale.is_cancelled and not mine_open
        else None,
        "problem": problem,
    }
    return render(request, "workflow/sales/detail.html", context, status=status)


@require_http_methods(["GET"])
@login_required
@domain_errors_as_http
def sale_detail(request: HttpRequest, sale_id: int) -> HttpResponse:
    return _sale_page(request, sale_get_for_user(user=request.user, sale_id=sale_id))


@require_POST
@login_required
@domain_errors_as_http
def sale_cancel_view(request: HttpRequest, sale_id: int) -> HttpResponse:
    sale = sale_get_for_user(user=request.user, sale_id=sale_id)
    form = CancelSaleForm(request.POST, id_prefix="cancel")
    if form.is_valid():
        try:
            sale_cancel(sale_id=sale.pk, actor=request.user, reason=form.cleaned_data["reason"])
        except InvalidInput as error:
            form_add_invalid_input(form, error)
        except Conflict as error:
            return _sale_page(request, sale, cancel_form=form, problem=error.message, status=409)
        else:
            messages.success(request, _("Sale %(ref)s cancelled: its credits are reversed.") % {"ref": sale.reference})
            return redirect("workflow:sale-detail", sale_id=sale.pk)
    return _sale_page(request, sale, cancel_form=form, status=400)


@require_POST
@login_required
@domain_errors_as_http
def dispute_open_view(request: HttpRequest, sale_id: int) -> HttpResponse:
    sale = sale_get_for_user(user=request.user, sale_id=sale_id)
    form = DisputeForm(request.POST, id_prefix="dispute")
    if form.is_valid():
        try:
            dispute = dispute_open(actor=request.user, sale_id=sale.pk, reason=form.cleaned_data["reason"])
        except InvalidInput as error:
            form_add_invalid_input(form, error)
        except Conflict as error:
            return _sale_page(request, sale, dispute_form=form, problem=error.message, status=409)
        else:
            messages.success(request, _("Dispute %(ref)s sent to the managers of the client's agency.")
                             % {"ref": dispute.reference})  # fmt: skip
            return redirect("workflow:sale-detail", sale_id=sale.pk)
    return _sale_page(request, sale, dispute_form=form, status=400)
