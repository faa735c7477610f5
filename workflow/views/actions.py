"""The actions a person can take on a request or a lead, as data: label, form, service, message.

Each kind lists its own (`REQUEST_ACTIONS` in `workflow.views.requests`, `LEAD_ACTIONS` in
`workflow.views.leads`); one door runs them all (`workflow.views.items.action_view`): parse the
action's form, call the service, then answer as the page asked. Bad input is a 400 with the form's
errors, a state conflict a 409 with its message; 403 and 404 come from the services.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest

from accounts.models import User
from common.errors import Conflict, InvalidInput, NotFound
from workflow import forms
from workflow.kinds import Item, kind_of


@dataclass(frozen=True)
class Action:
    label: str
    form: type[forms.WorkflowForm]
    service: Callable[..., Any]  # called with the item's id, the person (`by`) and the form's `service_data()`
    done: str
    style: str = "primary"
    by: str = "user"  # the service's name for the person acting (`actor` where one acts on others' work)
    # What the form needs to offer its choices, from the item and who acts (the team's members, the teams
    # that may take it, the salespeople but the manager himself...).
    choices: Callable[[Item, User], dict[str, Any]] | None = None
    # How a 409 reads, from the item as it now is (None: the service's message).
    conflict: Callable[[Item | None, User, str], str] | None = None

    def new_form(self, item: Item, user: User, *args: Any, **kwargs: Any) -> forms.WorkflowForm:
        return self.form(*args, **kwargs, **(self.choices(item, user) if self.choices else {}))


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


def action_panels(*, item: Item, user: User, names: list[str], registry: dict[str, Action],
                  bound: tuple[str, forms.WorkflowForm] | None = None) -> list[Panel]:  # fmt: skip
    """The panels of the actions the user may do; the one that just failed keeps its input and errors."""
    panels = []
    for name in names:
        if bound and bound[0] == name:
            panels.append(Panel(name, registry[name], bound[1], open=True))
        else:
            panels.append(Panel(name, registry[name], registry[name].new_form(item, user, id_prefix=name)))
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
    form = action.new_form(item, request.user, request.POST, id_prefix=id_prefix)
    if not form.is_valid():
        return Outcome(form=form, status=400)
    try:
        result = kind_of(item).call(action.service, item_id=item.pk, user=request.user, by=action.by,
                                    **form.service_data())  # fmt: skip
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
