"""What a lead's pages hold of their own: the actions it offers, and its status page (sender, reception).

Its page, action door and creation form are every item's (`workflow.views.items`).
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.models import User
from common.pages import domain_errors_as_http
from workflow import forms, services
from workflow.models import Lead
from workflow.selectors import lead_ids_readable, lead_reassign_candidates, lead_status_get_for_user
from workflow.views.actions import Action
from workflow.views.links import link, requalified_to


def reassign_choices(lead: Lead, user: User, candidates: list[User]) -> list[User]:
    """The salespeople a lead may go to, as offered: neither the one holding it nor the manager reassigning it."""
    return [person for person in candidates if person.pk not in (lead.assignee_id, user.pk)]


def _reassign_candidates(lead: Lead, user: User) -> dict:
    agency_id = lead.client.agency_id
    people = lead_reassign_candidates(agency_ids=[agency_id]).get(agency_id, [])
    return {"candidates": reassign_choices(lead, user, people)}


LEAD_ACTIONS: dict[str, Action] = {
    "accept": Action(gettext_lazy("Accept"), forms.AcceptForm, services.lead_accept,
                     gettext_lazy("%(ref)s accepted."), "success"),
    "start": Action(gettext_lazy("Start working on it"), forms.NoInputForm, services.lead_start,
                    gettext_lazy("%(ref)s is in progress.")),
    "won": Action(gettext_lazy("Won"), forms.WonForm, services.lead_won, gettext_lazy("%(ref)s won. Well done!"),
                  "success"),
    "lost": Action(gettext_lazy("Lost"), forms.ReasonForm, services.lead_lost, gettext_lazy("%(ref)s lost."),
                   "outline-danger"),
    "requalify": Action(gettext_lazy("Not a lead: requalify as a service request"), forms.LeadRequalifyForm,
                        services.lead_requalify,
                        gettext_lazy("%(ref)s requalified: service request %(new)s sent to its team."),
                        "outline-primary"),
    "reassign": Action(gettext_lazy("Reassign"), forms.ReassignForm, services.lead_reassign,
                       gettext_lazy("%(ref)s reassigned."), "outline-primary", by="actor",
                       choices=_reassign_candidates),
    "comment": Action(gettext_lazy("Comment"), forms.CommentForm, services.lead_comment,
                      gettext_lazy("Comment added to %(ref)s."), "outline-primary"),
}  # fmt: skip


@require_GET
@login_required
@domain_errors_as_http
def lead_status(request: HttpRequest, lead_id: int) -> HttpResponse:
    """What the sender and reception may know: open or not, with whom, since when, the outcome."""
    lead = lead_status_get_for_user(user=request.user, lead_id=lead_id)
    context = {
        "lead": lead,
        "can_read": lead.pk in lead_ids_readable(user=request.user, lead_ids=[lead.pk]),
        "to_request": link(request.user, requalified_to(lead)),
    }
    return render(request, "workflow/leads/status.html", context)
