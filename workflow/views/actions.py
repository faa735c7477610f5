"""The actions a person can take on a request or a lead, as data: label, form, service call, message.

One door handles them all (`handle_action`): parse the action's form, call the service, then answer
as the page asked: a redirect to the item, or (htmx) the list row swapped in place. Bad input is a 400
with the form's errors, a state conflict a 409 with its message; 403 and 404 come from the services.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from config.errors import Conflict, InvalidInput, NotFound
from workflow import forms, services
from workflow.models import Lead, ServiceRequest
from workflow.routing import team_members
from workflow.selectors import lead_reassign_candidates

Item = ServiceRequest | Lead
Run = Callable[[Item, User, Any], Any]


@dataclass(frozen=True)
class Action:
    label: str
    form: type[forms.WorkflowForm]
    run: Run
    done: str
    style: str = "primary"


def _data(form: forms.WorkflowForm) -> dict[str, Any]:
    return form.cleaned_data


REQUEST_ACTIONS: dict[str, Action] = {
    "claim": Action(
        gettext_lazy("Claim"), forms.NoInputForm,
        lambda item, user, form: services.service_request_claim(request_id=item.pk, user=user),
        gettext_lazy("You hold %(ref)s now."),
    ),
    "start": Action(
        gettext_lazy("Start working on it"), forms.NoInputForm,
        lambda item, user, form: services.service_request_start(request_id=item.pk, user=user),
        gettext_lazy("%(ref)s is in progress."),
    ),
    "assign": Action(
        gettext_lazy("Assign"), forms.AssignForm,
        lambda item, user, form: services.service_request_assign(
            request_id=item.pk, actor=user, assignee_id=_data(form)["assignee"]),
        gettext_lazy("%(ref)s assigned."), "outline-primary",
    ),
    "wait": Action(
        gettext_lazy("Wait for the client"), forms.OptionalNoteForm,
        lambda item, user, form: services.service_request_wait(request_id=item.pk, user=user, note=_data(form)["note"]),
        gettext_lazy("%(ref)s is waiting for the client."), "outline-primary",
    ),
    "resolve": Action(
        gettext_lazy("Resolve"), forms.ResolveForm,
        lambda item, user, form: services.service_request_resolve(
            request_id=item.pk, user=user, resolution=_data(form)["resolution"]),
        gettext_lazy("%(ref)s resolved."), "success",
    ),
    "reopen": Action(
        gettext_lazy("Reopen"), forms.ReasonForm,
        lambda item, user, form: services.service_request_reopen(
            request_id=item.pk, user=user, reason=_data(form)["reason"]),
        gettext_lazy("%(ref)s reopened."), "outline-warning",
    ),
    "close": Action(
        gettext_lazy("Close"), forms.NoInputForm,
        lambda item, user, form: services.service_request_close(request_id=item.pk, user=user),
        gettext_lazy("%(ref)s closed."), "outline-secondary",
    ),
    "transfer": Action(
        gettext_lazy("Transfer to another team"), forms.TransferForm,
        lambda item, user, form: services.service_request_transfer(
            request_id=item.pk, user=user, team_id=_data(form)["team"].pk, reason=_data(form)["reason"]),
        gettext_lazy("%(ref)s transferred."), "outline-primary",
    ),
    "requalify": Action(
        gettext_lazy("Requalify as a lead"), forms.RequestRequalifyForm,
        lambda item, user, form: services.service_request_requalify(
            request_id=item.pk, user=user, reason=_data(form)["reason"], subject=_data(form)["subject"],
            product_id=_data(form)["product"].pk if _data(form)["product"] else None),
        gettext_lazy("%(ref)s requalified: lead %(new)s sent to the salesperson."), "outline-primary",
    ),
    "cancel": Action(
        gettext_lazy("Cancel"), forms.ReasonForm,
        lambda item, user, form: services.service_request_cancel(
            request_id=item.pk, user=user, reason=_data(form)["reason"]),
        gettext_lazy("%(ref)s cancelled."), "outline-danger",
    ),
    "repeat_contact": Action(
        gettext_lazy("The client called again about it"), forms.NoInputForm,
        lambda item, user, form: services.service_request_repeat_contact(request_id=item.pk, user=user),
        gettext_lazy("The new call about %(ref)s is recorded."), "outline-secondary",
    ),
    "comment": Action(
        gettext_lazy("Comment"), forms.CommentForm,
        lambda item, user, form: services.service_request_comment(
            request_id=item.pk, user=user, body=_data(form)["body"]),
        gettext_lazy("Comment added to %(ref)s."), "outline-primary",
    ),
}  # fmt: skip

LEAD_ACTIONS: dict[str, Action] = {
    "accept": Action(
        gettext_lazy("Accept"), forms.AcceptForm,
        lambda item, user, form: services.lead_accept(
            lead_id=item.pk, user=user, potential_amount=_data(form)["potential_amount"],
            probability=_data(form)["probability"]),
        gettext_lazy("%(ref)s accepted."), "success",
    ),
    "start": Action(
        gettext_lazy("Start working on it"), forms.NoInputForm,
        lambda item, user, form: services.lead_start(lead_id=item.pk, user=user),
        gettext_lazy("%(ref)s is in progress."),
    ),
    "won": Action(
        gettext_lazy("Won"), forms.WonForm,
        lambda item, user, form: services.lead_won(lead_id=item.pk, user=user, amount=_data(form)["amount"]),
        gettext_lazy("%(ref)s won. Well done!"), "success",
    ),
    "lost": Action(
        gettext_lazy("Lost"), forms.ReasonForm,
        lambda item, user, form: services.lead_lost(lead_id=item.pk, user=user, reason=_data(form)["reason"]),
        gettext_lazy("%(ref)s lost."), "outline-danger",
    ),
    "requalify": Action(
        gettext_lazy("Not a lead: requalify as a service request"), forms.LeadRequalifyForm,
        lambda item, user, form: services.lead_requalify(
            lead_id=item.pk, user=user, reason=_data(form)["reason"], category=_data(form)["category"],
            fields=form.category_field_values(), subject=_data(form)["subject"]),
        gettext_lazy("%(ref)s requalified: service request %(new)s sent to its team."), "outline-primary",
    ),
    "reassign": Action(
        gettext_lazy("Reassign"), forms.ReassignForm,
        lambda item, user, form: services.lead_reassign(
            lead_id=item.pk, actor=user, assignee_id=_data(form)["assignee"], reason=_data(form)["reason"]),
        gettext_lazy("%(ref)s reassigned."), "outline-primary",
    ),
    "comment": Action(
        gettext_lazy("Comment"), forms.CommentForm,
        lambda item, user, form: services.lead_comment(lead_id=item.pk, user=user, body=_data(form)["body"]),
        gettext_lazy("Comment added to %(ref)s."), "outline-primary",
    ),
}  # fmt: skip


def form_kwargs(action: str, item: Item) -> dict[str, Any]:
    """What an action's form needs to offer its choices."""
    if action == "assign":
        return {"members": team_members(item.team) if item.team_id else []}
    if action == "transfer":
        return {"current_team_id": item.team_id}
    if action == "reassign":
        agency_id = item.client.agency_id
        people = lead_reassign_candidates(agency_ids=[agency_id]).get(agency_id, [])
        return {"candidates": [person for person in people if person.pk != item.assignee_id]}
    return {}


@dataclass
class Panel:
    """One action offered on an item page: its button or form."""

    name: str
    action: Action
    form: forms.WorkflowForm
    open: bool = False
    needs_input: bool = field(init=False)

    def __post_init__(self) -> None:
        self.needs_input = bool(self.form.fields)


def action_panels(*, item: Item, names: list[str], registry: dict[str, Action],
                  bound: tuple[str, forms.WorkflowForm] | None = None) -> list[Panel]:  # fmt: skip
    """The panels of the actions the user may do; the one that just failed keeps its input and errors."""
    panels = []
    for name in names:
        if bound and bound[0] == name:
            panels.append(Panel(name, registry[name], bound[1], open=True))
        else:
            form = registry[name].form(id_prefix=name, **form_kwargs(name, item))
            panels.append(Panel(name, registry[name], form))
    return panels


@dataclass
class Outcome:
    """What happened when an action was tried, for the door to answer with."""

    form: forms.WorkflowForm
    status: int = 200
    problem: str = ""
    message: str = ""
    result: Any = None


def run_action(request: HttpRequest, *, item: Item, name: str, registry: dict[str, Action],
               id_prefix: str) -> Outcome:  # fmt: skip
    action = registry.get(name)
    if action is None:
        raise Http404()
    form = action.form(request.POST, id_prefix=id_prefix, **form_kwargs(name, item))
    if not form.is_valid():
        return Outcome(form=form, status=400)
    try:
        result = action.run(item, request.user, form)
    except InvalidInput as error:
        forms.add_service_errors(form, error)
        return Outcome(form=form, status=400)
    except Conflict as error:
        return Outcome(form=form, status=409, problem=error.message)
    created = result[1] if isinstance(result, tuple) else None
    message = str(action.done) % {"ref": item.reference, "new": created.reference if created else ""}
    return Outcome(form=form, message=message, result=result)


def flash(request: HttpRequest, outcome: Outcome) -> None:
    if outcome.message:
        messages.success(request, outcome.message)


def refetch(get: Callable[[], Item]) -> Item | None:
    """The item after an action, or None when the user no longer sees it (e.g. a lead reassigned away)."""
    try:
        return get()
    except NotFound:
        return None


def claim_conflict_message(item: Item | None, user: User, fallback: str) -> str:
    if item is not None and item.assignee_id and item.assignee_id != user.pk:
        return _("Already claimed by %(person)s.") % {"person": item.assignee}
    return fallback
