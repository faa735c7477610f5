"""Pages of credits and disputes: "my credits" by month (and a manager's scope), the monthly statement
as CSV, the rule in words, the dispute queue and the decision screen.

Thin doors over `workflow.selectors_sales` and `workflow.services.disputes`. A list page costs the
same number of queries whatever its rows (the rows carry their sale, client, product and person; the
events behind a page's credits are one query).
"""

import csv
import re
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User
from common.errors import Conflict, InvalidInput
from common.pages import domain_errors_as_http, form_add_invalid_input, id_from_text
from common.spreadsheet import safe_cell
from workflow.credit_words import rule_text
from workflow.forms.sales import DecisionForm
from workflow.models_sales import Credit, Dispute, DisputeStatus
from workflow.selectors_sales import (
    credit_events,
    credit_list,
    credited_people,
    dispute_get_for_user,
    dispute_list,
    manages_sales,
    next_month,
)
from workflow.services.credits import current_set
from workflow.services.disputes import dispute_decide, may_decide
from workflow.views.sales import SaleStory, sale_story

PAGE_SIZE = 50
PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


def _period(request: HttpRequest) -> date:
    """The month asked for (`?period=YYYY-MM`), else this month."""
    match = PERIOD.match(request.GET.get("period", ""))
    if match and 1 <= int(match.group(2)) <= 12 and int(match.group(1)) >= 1:
        return date(int(match.group(1)), int(match.group(2)), 1)
    return timezone.localdate().replace(day=1)


def _previous_month(period: date) -> date | None:
    if period.year == 1 and period.month == 1:
        return None
    return date(period.year - (period.month == 1), (period.month - 2) % 12 + 1, 1)


def _person(request: HttpRequest) -> str | None:
    """`?person=` for a manager: an id or "all"; anything else is the user's own credits."""
    value = request.GET.get("person", "")
    return value if value == "all" or id_from_text(value, max_digits=18) is not None else None


def _dressed(credits: list[Credit]) -> list[Credit]:
    found = credit_events(credits=credits)
    for credit in credits:
        credit.why = rule_text(credit, found)
    return credits


@require_GET
@login_required
@domain_errors_as_http
def my_credits(request: HttpRequest) -> HttpResponse:
    """The user's credits of a month with why each one; a manager may look at a person of their scope, or all."""
    period, person = _period(request), _person(request)
    credits = credit_list(user=request.user, person=person, period=period)
    page = Paginator(credits, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _dressed(list(page))
    manager = manages_sales(user=request.user)
    query = {"period": period.strftime("%Y-%m"), **({"person": person} if person else {})}
    context = {
        "page": page,
        "rows": rows,
        "period": period,
        "previous": _previous_month(period),
        "next": next_month(period) if period.year < 9999 or period.month < 12 else None,
        "person": person,
        "people": list(credited_people(user=request.user)) if manager else [],
        "is_manager": manager,
        "total": (credits.aggregate(total=Sum("amount"))["total"] or Decimal("0")).quantize(Decimal("0.01")),
        "query": "&".join(f"{key}={value}" for key, value in query.items()),
    }
    return render(request, "workflow/credits/list.html", context)


@require_GET
@login_required
@domain_errors_as_http
def statement_csv(request: HttpRequest) -> HttpResponse:
    """The monthly statement of the same credits as the page, as CSV (every row, not one page)."""
    period, person = _period(request), _person(request)
    credits = _dressed(list(credit_list(user=request.user, person=person, period=period)))
    who = person or request.user.username
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="credits-{period:%Y-%m}-{who}.csv"'
    writer = csv.writer(response)
    writer.writerow([_("Sale"), _("Sold on"), _("Client"), _("Product"), _("Family"), _("Person"), _("Role"),
                     _("Share (%)"), _("Amount (€)"), _("Version"), _("Why")])  # fmt: skip
    total = Decimal("0")
    for credit in credits:
        total += credit.amount
        writer.writerow([credit.sale.reference, credit.sale.sold_on.isoformat(), safe_cell(credit.sale.client.name),
                         safe_cell(credit.sale.product.name), safe_cell(credit.sale.product.family),
                         safe_cell(str(credit.person)), credit.get_role_display(), credit.share, credit.amount,
                         credit.credit_set.version, safe_cell(credit.why)])  # fmt: skip
    writer.writerow([_("Total"), "", "", "", "", "", "", "", total, "", ""])
    return response


@require_GET
@login_required
def attribution_rule(request: HttpRequest) -> HttpResponse:
    """The rule in words, with its worked examples: what docs/attribution.md says, in the reader's language."""
    context = {"window": settings.ATTRIBUTION_WINDOW_DAYS, "initiator_share": settings.ATTRIBUTION_INITIATOR_SHARE,
               "closer_share": 100 - settings.ATTRIBUTION_INITIATOR_SHARE,
               "cancel_days": settings.SALE_CANCEL_WINDOW_DAYS}  # fmt: skip
    return render(request, "workflow/credits/rule.html", context)


@require_GET
@login_required
@domain_errors_as_http
def dispute_queue(request: HttpRequest) -> HttpResponse:
    """A manager's queue of open disputes in their scope (oldest first); anyone's own disputes."""
    status = request.GET.get("status")
    status = status if status in DisputeStatus.values else DisputeStatus.OPEN
    page = Paginator(dispute_list(user=request.user, status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "rows": list(page), "status": status, "statuses": DisputeStatus.choices,
               "is_manager": manages_sales(user=request.user)}  # fmt: skip
    return render(request, "workflow/credits/disputes.html", context)


def _decision_people(dispute: Dispute, story: SaleStory) -> list[User]:
    """Who a decision may credit: whoever appears in the chronology or the credits, the closer, the owner."""
    ids = {dispute.opened_by_id, dispute.sale.closer_id, dispute.sale.account_owner_id}
    ids |= {credit.person_id for credit_set in story.credit_sets for credit in credit_set.credits.all()}
    ids |= {entry.event.actor_id for entry in story.chronology}
    return list(User.objects.filter(pk__in=ids - {None}).order_by("last_name", "first_name", "username"))


@require_http_methods(["GET", "POST"])
@login_required
@domain_errors_as_http
def dispute_detail(request: HttpRequest, dispute_id: int) -> HttpResponse:
    """The decision screen: the chronology from the trace next to the rule's verdict, and the decision."""
    dispute = dispute_get_for_user(user=request.user, dispute_id=dispute_id)
    sale = dispute.sale
    story = sale_story(sale)
    people = _decision_people(dispute, story)
    deciding = dispute.is_open and may_decide(user=request.user, dispute=dispute)
    form, status, problem = None, 200, ""
    if deciding or request.method == "POST":
        current = current_set(sale)
        initial = {}
        for row, credit in enumerate(current.credits.order_by("pk") if current else []):
            initial.update(
                {f"person_{row}": credit.person_id, f"role_{row}": credit.role, f"share_{row}": credit.share}
            )
        form = DecisionForm(request.POST or None, initial=initial, people=people, id_prefix="decision")
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                # The service says who may decide (403) and whether it still can be (409).
                dispute_decide(dispute_id=dispute.pk, actor=request.user, **form.service_data())
            except InvalidInput as error:
                form_add_invalid_input(form, error)
            except Conflict as error:
                problem, status, form = error.message, 409, None
            else:
                messages.success(request, _("Dispute %(ref)s decided.") % {"ref": dispute.reference})
                return redirect("workflow:dispute-detail", dispute_id=dispute.pk)
    context = {"dispute": dispute, "sale": sale, "story": story, "form": form, "problem": problem}
    return render(request, "workflow/credits/dispute.html", context, status=status)
