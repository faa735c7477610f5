"""Who may do what to a service request or a lead: one table, enforced by the services, read by pages.

The status says which actions exist now (`workflow.transitions`); this says who may take them. The
services raise PermissionDenied from here, and the pages offer only the actions listed here, so a
button a page shows is one the service accepts.
"""

from django.utils.translation import gettext_lazy as _

from accounts import rights
from accounts.models import User
from config.errors import PermissionDenied
from workflow.models import Lead, ServiceRequest
from workflow.selectors import user_lead_team_ids, user_team_ids
from workflow.transitions import LEAD_TRANSITIONS, REQUEST_TRANSITIONS, allowed_actions

REQUEST_REFUSALS = {
    "claim": _("Only a member of the request's team can claim it."),
    "assign": _("Only the team lead or a manager can assign requests."),
    "close": _("Only the sender, the team or a manager can close this request."),
    "cancel": _("Only the sender, the holder or a manager can cancel this request."),
    "transfer": _("Only the request's team or a manager can transfer it."),
    "requalify": _("Only the request's team or a manager can requalify it."),
}
REQUEST_REFUSAL = _("Only the person holding this request, its team lead or a manager can do this.")
LEAD_REFUSALS = {"reassign": _("Only a manager of the client's agency can reassign a lead.")}
LEAD_REFUSAL = _("Only the salesperson holding this lead or a manager can do this.")


def manages(user: User, agency_id: int) -> bool:
    return rights.is_org_admin(user) or rights.has_agency_perm(user, rights.MANAGE_UNIT, agency_id)


def request_permissions(*, user: User, request: ServiceRequest) -> dict[str, bool]:
    """For each request action, whether this person may take it (whatever the status)."""
    in_team = request.team_id is not None and request.team_id in user_team_ids(user)
    team_lead = request.team_id is not None and request.team_id in user_lead_team_ids(user)
    manager = manages(user, request.client.agency_id)
    # The assignee works the request; while nobody holds it, its team does; leads and managers always may.
    works = request.assignee_id == user.pk or (request.assignee_id is None and in_team) or team_lead or manager
    sender = request.sender_id == user.pk
    return {
        "claim": in_team,
        "assign": team_lead or manager,
        "start": works,
        "wait": works,
        "resolve": works,
        "reopen": True,  # whoever sees the request hears the client say it is not solved
        "close": sender or in_team or manager,
        "transfer": works or in_team,
        "cancel": sender or works,
        "requalify": works or in_team,
        "comment": True,
        "repeat_contact": True,
    }


def lead_permissions(*, user: User, lead: Lead) -> dict[str, bool]:
    """For each lead action, whether this person may take it. Callers have checked they may read it."""
    manager = manages(user, lead.client.agency_id)
    unheld_team = lead.assignee_id is None and lead.team_id is not None and lead.team_id in user_team_ids(user)
    holder = lead.assignee_id == user.pk or manager
    return {
        "accept": holder or unheld_team,  # a team member accepting an unheld lead becomes its holder
        "start": holder,
        "won": holder,
        "lost": holder,
        "requalify": holder or unheld_team,
        "reassign": manager,
        "comment": True,
    }


def require_request_action(*, user: User, request: ServiceRequest, action: str) -> None:
    if not request_permissions(user=user, request=request)[action]:
        raise PermissionDenied(str(REQUEST_REFUSALS.get(action, REQUEST_REFUSAL)))


def require_lead_action(*, user: User, lead: Lead, action: str) -> None:
    if not lead_permissions(user=user, lead=lead)[action]:
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
