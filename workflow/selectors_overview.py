"""The manager's overview (issue 8, item 1): open requests and leads of the agencies they manage.

Scope is `accounts.rights`' `manage_unit` on the client's agency (an organisation admin sees every
agency). Overdue first: rows are ordered by `workflow.due`'s one due rule (`sla_due_at`), earliest
first, items whose clock is stopped (waiting on the client) last; then oldest first.
"""

from django.db.models import F, Q, QuerySet

from accounts import rights
from accounts.models import Membership, Team, User
from common.errors import NotFound
from workflow.due import annotate_due
from workflow.landing import BACK_OFFICE_KINDS
from workflow.models import OPEN_LEAD_STATUSES, OPEN_REQUEST_STATUSES, Lead, ServiceRequest
from workflow.selectors import LEAD_RELATIONS, REQUEST_RELATIONS, lead_reassign_candidates

# A page of each kind shows this many rows: the overview is a worklist, not an archive.
OVERVIEW_PAGE = 50


def managed_agency_ids(user: User) -> frozenset[int] | None:
    """The agencies whose work the user oversees; None for an organisation admin (every agency)."""
    return None if rights.is_org_admin(user) else rights.agencies_where(user, rights.MANAGE_UNIT)


def _in_scope(qs: QuerySet, user: User) -> QuerySet:
    agencies = managed_agency_ids(user)
    return qs if agencies is None else qs.filter(client__agency_id__in=agencies)


def _overview(
    qs: QuerySet, *, user: User, open_statuses, status: str | None, team_id: int | None, assignee: str | None,
    overdue: bool, now,
) -> QuerySet:  # fmt: skip
    qs = _in_scope(qs, user)
    if status and status not in open_statuses:
        return qs.none()  # a status of the other kind (or a closed one): nothing of this kind has it
    qs = qs.filter(status=status) if status else qs.filter(status__in=open_statuses)
    if team_id is not None:
        qs = qs.filter(team_id=team_id)
    if assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif assignee and assignee.isdigit():
        qs = qs.filter(assignee_id=int(assignee))
    qs = annotate_due(qs)
    if overdue:
        qs = qs.filter(sla_due_at__lt=now)
    return qs.order_by(F("sla_due_at").asc(nulls_last=True), "created_at", "pk")


def overview_requests(*, user: User, now, status: str | None = None, team_id: int | None = None,
                      assignee: str | None = None, overdue: bool = False) -> QuerySet[ServiceRequest]:  # fmt: skip
    """Open requests of the user's scope, overdue first."""
    qs = ServiceRequest.objects.select_related(*REQUEST_RELATIONS)
    return _overview(qs, user=user, open_statuses=OPEN_REQUEST_STATUSES, status=status, team_id=team_id,
                     assignee=assignee, overdue=overdue, now=now)  # fmt: skip


def overview_leads(*, user: User, now, status: str | None = None, team_id: int | None = None,
                   assignee: str | None = None, overdue: bool = False) -> QuerySet[Lead]:  # fmt: skip
    """Open leads of the user's scope (a manager reads their content), overdue first."""
    qs = Lead.objects.select_related(*LEAD_RELATIONS)
    return _overview(qs, user=user, open_statuses=OPEN_LEAD_STATUSES, status=status, team_id=team_id,
                     assignee=assignee, overdue=overdue, now=now)  # fmt: skip


def overview_teams(*, user: User) -> QuerySet[Team]:
    """The teams whose work the overview can be narrowed to: active teams covering the user's scope."""
    teams = Team.objects.filter(is_active=True).exclude(kind__in=["management", "marketing"])
    agencies = managed_agency_ids(user)
    if agencies is not None:
        teams = teams.filter(
            Q(agency_id__in=agencies) | Q(region__agencies__id__in=agencies) | Q(scope="national")
        ).distinct()
    return teams.order_by("name", "pk")


def overview_assignees(*, user: User) -> tuple[list[User], list[User]]:
    """Who the overview offers to give work to: back-office people of the teams covering the scope
    (for requests) and salespeople covering its agencies (for leads). The services check each item."""
    teams = overview_teams(user=user).filter(kind__in=BACK_OFFICE_KINDS)
    members = Membership.objects.in_force().filter(team__in=teams).values("user_id")
    back_office = list(User.objects.filter(is_active=True, pk__in=members).order_by("last_name", "first_name", "pk"))
    agencies = managed_agency_ids(user)
    if agencies is None:
        agencies = frozenset(Team.objects.filter(agency__isnull=False).values_list("agency_id", flat=True))
    sellers = {person.pk: person for persons in lead_reassign_candidates(agency_ids=agencies).values()
               for person in persons}  # fmt: skip
    return back_office, sorted(sellers.values(), key=lambda p: (p.last_name, p.first_name, p.pk))


def require_overview(user: User) -> None:
    """The overview is for whoever manages a unit; others get 404, as for a page not theirs."""
    if not (rights.is_org_admin(user) or rights.has_any(user, rights.MANAGE_UNIT)):
        raise NotFound()
