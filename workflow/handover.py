"""The workflow's part of a handover (`accounts.handover`): the open service requests and leads a
person holds, and the open work queued on a team that closes.

- A service request is worked inside its team. A person keeps the requests of the teams they stay in;
  the others go to the named successor, who must be in each request's team, or back to the team's
  queue (new, unassigned), as an unclaimed request would be.
- A lead is worked by a salesperson of the client's agency. A person keeps the leads of the agencies
  where they still work leads; the others go to the successor, who must work leads there, or to the
  queue of the sales team covering the client's agency, where its manager gives them out.
- A closing team's open items go to the successor team, which must cover each client's agency.

Each item handed over is traced on its client's chain with the usual item event, so its history and
its new holder (notified as for any assignment) say who gave it and why.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import rights
from accounts.handover import Contributor, register
from accounts.models import Agency, Membership, Team, TeamKind, User
from accounts.rights import Coverage
from common.errors import InvalidInput
from workflow import events
from workflow.models import OPEN_LEAD_STATUSES, OPEN_REQUEST_STATUSES, Lead, RequestStatus, ServiceRequest
from workflow.routing import team_covering
from workflow.services.common import record

# --- Service requests -------------------------------------------------------------------------------------


def requests_held(person: User, coverage: Coverage):
    return ServiceRequest.objects.filter(assignee=person, status__in=OPEN_REQUEST_STATUSES).exclude(
        team_id__in=coverage.team_ids
    )


def requests_refusal(held, successor: User | None) -> str:
    if successor is None:
        return ""
    in_teams = Membership.objects.in_force().filter(user=successor).values("team_id")
    missing = Team.objects.filter(pk__in=held.values("team_id")).exclude(pk__in=in_teams).order_by("name")
    if missing:
        return _("%(person)s is not in %(teams)s.") % {
            "person": successor,
            "teams": ", ".join(team.name for team in missing),
        }
    return ""


def requests_candidates(held):
    """The active people in every team of these requests."""
    people = User.objects.filter(is_active=True).order_by("last_name", "first_name", "username")
    for team_id in set(held.values_list("team_id", flat=True)):
        people = people.filter(pk__in=Membership.objects.in_force().filter(team_id=team_id).values("user_id"))
    return people


def _request_to(*, actor, request: ServiceRequest, person: User | None, successor: User | None, team: Team) -> None:
    """Put the locked request with `successor`, or unassigned in `team`'s queue; traced."""
    previous_team = request.team_id
    request.team = team
    request.assignee = successor
    if successor is None and request.status != RequestStatus.WAITING_CLIENT:
        request.status = RequestStatus.NEW  # back in the queue, to be claimed again
    request.sla_level = 0
    request.routing_reason = {
        "code": "handed_over",
        "by": actor.pk,
        "user": successor.pk if successor is not None else None,
        "team": team.pk,
    }
    request.save()
    record(
        actor=actor,
        item=request,
        action=events.REQUEST_HANDED_OVER,
        payload={
            "from": person.pk if person is not None else None,
            "from_team": previous_team,
            "to": successor.pk if successor is not None else None,
        },
    )


def hand_over_requests(*, actor, person: User, held, successor: User | None) -> int:
    count = 0
    for request in held.select_for_update(of=("self",)).select_related("team").order_by("pk"):
        _request_to(actor=actor, request=request, person=person, successor=successor, team=request.team)
        count += 1
    return count


def team_requests(team: Team):
    return ServiceRequest.objects.filter(team=team, status__in=OPEN_REQUEST_STATUSES)


def _check_covers(successor_team: Team, agency_ids: set[int]) -> None:
    missing = [agency for agency in Agency.objects.filter(pk__in=agency_ids) if not successor_team.covers(agency)]
    if missing:
        raise InvalidInput(
            {
                "successor_team": _("%(team)s does not cover %(agencies)s.")
                % {"team": successor_team, "agencies": ", ".join(sorted(agency.name for agency in missing))}
            }
        )


def team_hand_over_requests(*, actor, team: Team, held, successor_team: Team) -> int:
    requests = list(held.select_for_update(of=("self",)).select_related("client").order_by("pk"))
    _check_covers(successor_team, {request.client.agency_id for request in requests})
    members = set(Membership.objects.in_force().filter(team=successor_team).values_list("user_id", flat=True))
    for request in requests:
        keeps = request.assignee if request.assignee_id in members else None
        _request_to(actor=actor, request=request, person=request.assignee, successor=keeps, team=successor_team)
    return len(requests)


# --- Leads ------------------------------------------------------------------------------------------------


def leads_held(person: User, coverage: Coverage):
    return Lead.objects.filter(assignee=person, status__in=OPEN_LEAD_STATUSES).exclude(
        client__agency_id__in=coverage.agencies(rights.WORK_LEADS)
    )


def leads_refusal(held, successor: User | None) -> str:
    # One lead per agency stands for its agency's clients (routing reads only the client's agency).
    one_per_agency = {lead.client.agency_id: lead.client for lead in held.select_related("client__agency")}
    if successor is None:
        uncovered = [client.agency for client in one_per_agency.values()
                     if team_covering(kind=TeamKind.SALES, client=client) is None]  # fmt: skip
        if uncovered:
            return _("No sales team covers %(agencies)s: name a successor.") % {
                "agencies": ", ".join(sorted(agency.name for agency in uncovered))
            }
        return ""
    covered = rights.agencies_where(successor, rights.WORK_LEADS)
    missing = [client.agency for agency_id, client in one_per_agency.items() if agency_id not in covered]
    if missing:
        return _("%(person)s is no salesperson of %(agencies)s.") % {
            "person": successor,
            "agencies": ", ".join(sorted(agency.name for agency in missing)),
        }
    return ""


def leads_candidates(held):
    """The active salespeople of every agency of these leads."""
    people = User.objects.filter(is_active=True).order_by("last_name", "first_name", "username")
    for agency_id in set(held.values_list("client__agency_id", flat=True)):
        people = people.filter(pk__in=rights.people_holding(perm=rights.WORK_LEADS, agency_id=agency_id).values("pk"))
    return people


def _successor_sales_team(successor: User, agency: Agency) -> Team | None:
    """The successor's own sales team that covers the agency, for the lead's team column."""
    for membership in (
        Membership.objects.in_force().filter(user=successor, team__kind=TeamKind.SALES).select_related("team")
    ):
        if membership.team.covers(agency):
            return membership.team
    return None


def _lead_to(*, actor, lead: Lead, person: User | None, successor: User | None, team: Team | None) -> None:
    previous_team = lead.team_id
    lead.team = team
    lead.assignee = successor
    lead.sla_level = 0
    lead.routing_reason = {
        "code": "handed_over",
        "by": actor.pk,
        "user": successor.pk if successor is not None else None,
        "team": team.pk if team is not None else None,
    }
    lead.save()
    record(
        actor=actor,
        item=lead,
        action=events.LEAD_HANDED_OVER,
        payload={
            "from": person.pk if person is not None else None,
            "from_team": previous_team,
            "to": successor.pk if successor is not None else None,
        },
    )


def hand_over_leads(*, actor, person: User, held, successor: User | None) -> int:
    count = 0
    for lead in held.select_for_update(of=("self",)).select_related("client__agency").order_by("pk"):
        team = (
            _successor_sales_team(successor, lead.client.agency)
            if successor is not None
            else team_covering(kind=TeamKind.SALES, client=lead.client)
        )
        _lead_to(actor=actor, lead=lead, person=person, successor=successor, team=team or lead.team)
        count += 1
    return count


def team_leads(team: Team):
    return Lead.objects.filter(team=team, status__in=OPEN_LEAD_STATUSES)


def team_hand_over_leads(*, actor, team: Team, held, successor_team: Team) -> int:
    leads = list(held.select_for_update(of=("self",)).select_related("client").order_by("pk"))
    _check_covers(successor_team, {lead.client.agency_id for lead in leads})
    for lead in leads:
        # Its salesperson keeps it while they still work leads for the client's agency.
        keeps = lead.assignee if lead.assignee is not None and rights.has_agency_perm(
            lead.assignee, rights.WORK_LEADS, lead.client.agency_id
        ) else None  # fmt: skip
        _lead_to(actor=actor, lead=lead, person=lead.assignee, successor=keeps, team=successor_team)
    return len(leads)


register(
    Contributor(
        key="requests",
        label=gettext_lazy("Open service requests held"),
        queue_label=gettext_lazy("Back to their team's queue"),
        order=10,
        held=requests_held,
        refusal=requests_refusal,
        hand_over=hand_over_requests,
        candidates=requests_candidates,
        team_held=team_requests,
        team_hand_over=team_hand_over_requests,
    )
)
register(
    Contributor(
        key="leads",
        label=gettext_lazy("Open leads held"),
        queue_label=gettext_lazy("The queue of the sales team of the client's agency"),
        order=20,
        held=leads_held,
        refusal=leads_refusal,
        hand_over=hand_over_leads,
        candidates=leads_candidates,
        team_held=team_leads,
        team_hand_over=team_hand_over_leads,
    )
)
