"""Pages of public messages (issue 7, finding 5): the agency's waiting messages, and matching one.

Thin doors over `workflow.services.intake`: the service says who may handle a message (403), whether
it still waits (409) and which clients the agent may choose (404 otherwise).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.errors import Conflict, InvalidInput
from common.pages import domain_errors_as_http
from workflow.services.intake import (
    intake_dismiss,
    intake_get_for_user,
    intake_match,
    intake_suggestions,
    intakes_pending,
)

PAGE_SIZE = 50
NEW_CLIENT = "new"


@require_GET
@login_required
def intake_list(request: HttpRequest) -> HttpResponse:
    """The messages from the web form and e-mail waiting for an agent of the user's agencies."""
    rows = intakes_pending(user=request.user).order_by("-received_at", "-pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "workflow/intakes/list.html", {"page": page, "rows": list(page)})


@require_http_methods(["GET", "POST"])
@login_required
@domain_errors_as_http
def intake_detail(request: HttpRequest, intake_id: int) -> HttpResponse:
    """One message: who it may come from, and the choice of its client (or a new prospect)."""
    intake = intake_get_for_user(user=request.user, intake_id=intake_id)
    problem, status = "", 200
    if request.method == "POST":
        choice = request.POST.get("other_client", "").strip() or request.POST.get("client", "").strip()
        try:
            if choice != NEW_CLIENT and not choice.isdigit():
                raise InvalidInput({"client": _("Choose a client, or file the message as a new prospect.")})
            result = intake_match(actor=request.user, intake_id=intake.pk,
                                  client_id=None if choice == NEW_CLIENT else int(choice))  # fmt: skip
        except InvalidInput as error:
            problem, status = " ".join(str(m) for v in error.fields.values() for m in _as_list(v)), 400
        except Conflict as error:
            problem, status = error.message, 409
        else:
            messages.success(
                request, _("Message %(ref)s matched: %(item)s opened.") % {"ref": intake.reference,
                                                                            "item": result.item.reference}
            )  # fmt: skip
            return redirect("workflow:intakes")
    context = {"intake": intake, "suggestions": intake_suggestions(user=request.user, intake=intake),
               "problem": problem, "new_client": NEW_CLIENT}  # fmt: skip
    return render(request, "workflow/intakes/detail.html", context, status=status)


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


@require_POST
@login_required
@domain_errors_as_http
def intake_dismiss_view(request: HttpRequest, intake_id: int) -> HttpResponse:
    intake = intake_dismiss(actor=request.user, intake_id=intake_id)
    messages.success(request, _("Message %(ref)s dismissed.") % {"ref": intake.reference})
    return redirect("workflow:intakes")
