"""Who may do what to a service request or a lead: one table, enforced by the services, read by pages.

The status says which actions exist now (`workflow.transitions`); this says who may take them. Each
action names the relations to the item that allow it (the holder, its team, a manager of the client's
agency…); a person may take the action when they stand in one of them. The services raise
PermissionDenied from here, and the pages offer only the actions listed here, so a button a page
shows is one the service accepts.

Whoever may not see the item gets 404 before this table is read (`workflow.selectors`); whoever sees
it without standing in a relation that allows the action gets 403; then the status may still refuse
it (409). Seeing is not acting: a view-only role (marketing) reads requests but takes no action on
them, not even a comment.
"""

from django.utils.translation import gettext_lazy as _

from accounts import rights
from accounts.models import User
from common.errors import PermissionDenied
from workflow.models import Lead, ServiceRequest
from workflow.selectors import user_lead_team_ids, user_team_ids
from workflow.transitions import LEAD_TRANSITIONS, REQUEST_TRANSITIONS, allowed_actions

# What someone may be to an item.
HOLDER = "holder"  # its assignee
TEAM = "team"  # a member of its team (the team lead too)
UNHELD_TEAM = "unheld_team"  # a member of its team while nobody holds it
TEAM_LEAD = "team_lead"  # leads its team: assigns work in the team's queue
MANAGER = "manager"  # manages the client's agency (management team or delegate), or runs the organisation
SENDER = "sender"  # sent it
FRONT_LINE = "front_line"  # logs contacts with the client's agency: whom the client calls

# Works the request: its holder; its team while nobody holds it; the team lead and managers always.
_WORKS = frozenset({HOLDER, UNHELD_TEAM, TEAM_LEAD, MANAGER})
# Takes part in the request: those who work on it, its sender, and whoever the client calls.
_TAKES_PART = frozenset({HOLDER, TEAM, MANAGER, SENDER, FRONT_LINE})

REQUEST_POLICY: dict[str, frozenset[str]] = {
    "claim": frozenset({TEAM}),
    "assign": frozenset({TEAM_LEAD, MANAGER}),
    "start": _WORKS,
    "wait": _WORKS,
    "resolve": _WORKS,
    # The client says it is not solved, to whoever they reach: those taking part, not those who only read.
    "reopen": _TAKES_PART,
    "close": frozenset({SENDER, TEAM, MANAGER}),
    "transfer": _WORKS | {TEAM},
    "cancel": _WORKS | {SENDER},
    "requalify": _WORKS | {TEAM},
    "comment": _TAKES_PART,
    "repeat_contact": _TAKES_PART,
}

# A lead's content is confidential: only its holder, its team while nobody holds it, and the managers
# of the client's agency read it (`workflow.selectors`), and only they act on it.
LEAD_POLICY: dict[str, frozenset[str]] = {
    "accept": frozenset({HOLDER, UNHELD_TEAM, MANAGER}),  # a team member accepting an unheld lead holds it
    "start": frozenset({HOLDER, MANAGER}),
    "won": frozenset({HOLDER, MANAGER}),
    "lost": frozenset({HOLDER, MANAGER}),
    "requalify": frozenset({HOLDER, UNHELD_TEAM, MANAGER}),
    "reassign": frozenset({MANAGER}),
    "comment": frozenset({HOLDER, UNHELD_TEAM, MANAGER}),
}

REQUEST_REFUSALS = {
    "claim": _("Only a member of the request's team can claim it."),
    "assign": _("Only the team lead or a manager can assign requests."),
    "close": _("Only the sender, the team or a manager can close this request."),
    "cancel": _("Only the sender, the holder or a manager can cancel this request."),
    "transfer": _("Only the request's team or a manager can transfer it."),
    "requalify": _("Only the request's team or a manager can requalify it."),
    "reopen": _("Only the people working on this request or taking its client's calls can do this."),
    "comment": _("Only the people working on this request or taking its client's calls can do this."),
    "repeat_contact": _("Only the people working on this request or taking its client's calls can do this."),
}
REQUEST_REFUSAL = _("Only the person holding this request, its team lead or a manager can do this.")
LEAD_REFUSALS = {"reassign": _("Only a manager of the client's agency can reassign a lead.")}
LEAD_REFUSAL = _("Only the salesperson holding this lead or a manager can do this.")


def manages(user: User, agency_id: int) -> bool:
    return rights.is_org_admin(user) or rights.has_agency_perm(user, rights.MANAGE_UNIT, agency_id)


def _team_relations(user: User, item: ServiceRequest | Lead) -> set[str]:
    relations = set()
    if item.assignee_id is not None and item.assignee_id == user.pk:
        relations.add(HOLDER)
    if item.team_id is not None and item.team_id in user_team_ids(user):
        relations.add(TEAM)
        if item.assignee_id is None:
            relations.add(UNHELD_TEAM)
        if item.team_id in user_lead_team_ids(user):
            relations.add(TEAM_LEAD)
    if manages(user, item.client.agency_id):
        relations.add(MANAGER)
    return relations


def request_relations(*, user: User, request: ServiceRequest) -> frozenset[str]:
    """What this person is to the request (no query beyond the request's rights cache)."""
    relations = _team_relations(user, request)
    if request.sender_id is not None and request.sender_id == user.pk:
        relations.add(SENDER)
    if rights.has_agency_perm(user, rights.LOG_INTERACTIONS, request.client.agency_id):
        relations.add(FRONT_LINE)
    return frozenset(relations)


def lead_relations(*, user: User, lead: Lead) -> frozenset[str]:
    """What this person is to the lead (no query beyond the request's rights cache)."""
    return frozenset(_team_relations(user, lead))


def request_permissions(*, user: User, request: ServiceRequest) -> dict[str, bool]:
    """For each request action, whether this person may take it (whatever the status)."""
    relations = request_relations(user=user, request=request)
    return {action: bool(allowed & relations) for action, allowed in REQUEST_POLICY.items()}


def lead_permissions(*, user: User, lead: Lead) -> dict[str, bool]:
    """For each lead action, whether this person may take it. Callers have checked they may read it."""
    relations = lead_relations(user=user, lead=lead)
    return {action: bool(allowed & relations) for action, allowed in LEAD_POLICY.items()}


def require_request_action(*, user: User, request: ServiceRequest, action: str) -> None:
    if not REQUEST_POLICY[action] & request_relations(user=user, request=request):
        raise PermissionDenied(str(REQUEST_REFUSALS.get(action, REQUEST_REFUSAL)))


def require_lead_action(*, user: User, lead: Lead, action: str) -> None:
    if not LEAD_POLICY[action] & lead_relations(user=user, lead=lead):
        raise PermissionDenied(str(LEAD_REFUSALS.get(action, LEAD_REFUSAL)))


def request_actions_for(*, user: User, request: ServiceRequest) -> list[str]:
    """The actions a page offers: allowed by the request's status and by who the user is."""
    may = request_permissions(user=user, request=request)
    offered = [action for action in allowed_actions(REQUEST_TRANSITIONS, request.status) if may.get(action)]
    # Claim is offered only while nobody holds the request (the service answers 409 otherwise).
    return [a for a in offered if a != "claim" or request.assignee_id is None]


def lead_actions_for(*, user: User, lead: Lead) -> list[str]:
    """The actions a page offers on a lead the user may read (see `request_actions_for`)."""
    may = lead_permissions(user=user, lead=lead)
    return [action for action in allowed_actions(LEAD_TRANSITIONS, lead.status) if may.get(action)]
