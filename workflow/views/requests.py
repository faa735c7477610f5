"""What a service request's pages hold of their own: the actions it offers, what its page adds, the transfer's teams.

The pages themselves are every item's (`workflow.views.items`).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.models import User
from common.pages import domain_errors_as_http
from workflow import forms, services
from workflow.fields import fields_in_words
from workflow.kinds import REQUEST, Item
from workflow.routing import team_members
from workflow.views.actions import Action


def _already_claimed(request: Item | None, user: User, fallback: str) -> str:
    if request is not None and request.assignee_id and request.assignee_id != user.pk:
        return _("Already claimed by %(person)s.") % {"person": request.assignee}
    return fallback


REQUEST_ACTIONS: dict[str, Action] = {
    "claim": Action(gettext_lazy("Claim"), forms.NoInputForm, services.service_request_claim,
                    gettext_lazy("You hold %(ref)s now."), conflict=_already_claimed),
    "start": Action(gettext_lazy("Start working on it"), forms.NoInputForm, services.service_request_start,
                    gettext_lazy("%(ref)s is in progress.")),
    "assign": Action(gettext_lazy("Assign"), forms.AssignForm, services.service_request_assign,
                     gettext_lazy("%(ref)s assigned."), "outline-primary", by="actor",
                     choices=lambda request, user: {"members": team_members(request.team) if request.team_id else []}),
    "wait": Action(gettext_lazy("Wait for the client"), forms.OptionalNoteForm, services.service_request_wait,
                   gettext_lazy("%(ref)s is waiting for the client."), "outline-primary"),
    "resolve": Action(gettext_lazy("Resolve"), forms.ResolveForm, services.service_request_resolve,
                      gettext_lazy("%(ref)s resolved."), "success"),
    "reopen": Action(gettext_lazy("Reopen"), forms.ReasonForm, services.service_request_reopen,
                     gettext_lazy("%(ref)s reopened."), "outline-warning"),
    "close": Action(gettext_lazy("Close"), forms.NoInputForm, services.service_request_close,
                    gettext_lazy("%(ref)s closed."), "outline-secondary"),
    "transfer": Action(gettext_lazy("Transfer to another team"), forms.TransferForm, services.service_request_transfer,
                       gettext_lazy("%(ref)s transferred."), "outline-primary",
                       choices=lambda request, user: {"request": request}),
    "requalify": Action(gettext_lazy("Requalify as a lead"), forms.RequestRequalifyForm,
                        services.service_request_requalify,
                        gettext_lazy("%(ref)s requalified: lead %(new)s sent to the salesperson."), "outline-primary"),
    "cancel": Action(gettext_lazy("Cancel"), forms.ReasonForm, services.service_request_cancel,
                     gettext_lazy("%(ref)s cancelled."), "outline-danger"),
    "repeat_contact": Action(gettext_lazy("The client called again about it"), forms.NoInputForm,
                             services.service_request_repeat_contact,
                             gettext_lazy("The new call about %(ref)s is recorded."), "outline-secondary"),
    "comment": Action(gettext_lazy("Comment"), forms.CommentForm, services.service_request_comment,
                      gettext_lazy("Comment added to %(ref)s."), "outline-primary"),
}  # fmt: skip


def request_facts(request: Item) -> dict:
    """What a request's page shows besides what every item's page shows: its category's fields, in words."""
    despite = request.opened_despite
    return {
        "fields": fields_in_words(request.category, request.fields or {}),
        "opened_despite": {"reference": despite.reference, "url": reverse("workflow:request-detail", args=[despite.pk]),
                           "reason": request.opened_despite_reason} if despite else None,
    }  # fmt: skip


@require_GET
@login_required
@domain_errors_as_http
def transfer_teams(request: HttpRequest, request_id: int) -> HttpResponse:
    """The team options of the transfer form for the category chosen there (htmx): the teams that handle it.

    Who may not transfer the request gets 403, out of scope 404, an unknown category 400.
    """
    code = request.GET.get("category") or None
    if code is not None and "\x00" in code:
        raise BadRequest(_("Unknown category."))
    teams = services.service_request_transfer_targets(user=request.user, request_id=request_id, category=code)
    item = REQUEST.get(user=request.user, item_id=request_id)
    changed = code not in (None, item.category.code)
    fields = forms.CategoryFieldsForm(initial={"category": code if changed else ""}, id_prefix="transfer")
    fields.category_container_id = "transfer-category-fields"
    return render(request, "workflow/requests/_transfer_teams.html", {"teams": teams, "form": fields})
