"""Reads of requests and leads, scoped to what the user may see (DESIGN.md sections 1 and 5).

- A service request is seen in full by whoever can see its client, by its team, its sender and its
  assignee.
- A lead's content is confidential: its assignee, the members of its team while nobody holds it, and
  the managers of the client's agency. Its status (open / with whom / since when / outcome) is also
  seen by its sender and by whoever follows leads on the client's agency (reception).
"""

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from accounts import rights
from accounts.models import Membership, User
from config.errors import NotFound
from workflow.models import OPEN_LEAD_STATUSES, OPEN_REQUEST_STATUSES, Lead, LeadStatus, RequestStatus, ServiceRequest


def user_team_ids(user: User) -> frozenset[int]:
    cache = getattr(user, "_relais_team_ids", None)
    if cache is None:
        cache = frozenset(Membership.objects.filter(user=user, ended_at__isnull=True).values_list("team_id", flat=True))
        user._relais_team_ids = cache
    return cache


def user_lead_team_ids(user: User) -> frozenset[int]:
    return frozenset(
        Membership.objects.filter(user=user, ended_at__isnull=True, is_lead=True).values_list("team_id", flat=True)
    )


def _request_scope(user: User) -> Q:
    return (
        Q(client__agency_id__in=rights.agencies_where(user, rights.VIEW_CLIENTS))
        | Q(team_id__in=user_team_ids(user))
        | Q(sender=user)
        | Q(assignee=user)
    )


def requests_visible(*, user: User) -> QuerySet[ServiceRequest]:
    if not user.is_authenticated:
        return ServiceRequest.objects.none()
    return ServiceRequest.objects.filter(_request_scope(user))


def _with_request_relations(qs: QuerySet[ServiceRequest]) -> QuerySet[ServiceRequest]:
    return qs.select_related("client", "client__agency", "category", "team", "assignee", "sender")


def request_get_for_user(*, user: User, request_id: int | str) -> ServiceRequest:
    try:
        return _with_request_relations(requests_visible(user=user)).get(pk=int(request_id))
    except (ServiceRequest.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def _lead_content_scope(user: User) -> Q:
    return (
        Q(assignee=user)
        | Q(assignee__isnull=True, team_id__in=user_team_ids(user))
        | Q(client__agency_id__in=rights.agencies_where(user, rights.MANAGE_UNIT))
    )


def _lead_status_scope(user: User) -> Q:
    return (
        _lead_content_scope(user)
        | Q(sender=user)
        | Q(client__agency_id__in=rights.agencies_where(user, rights.VIEW_LEAD_STATUS))
    )


def leads_visible(*, user: User) -> QuerySet[Lead]:
    """Leads whose content the user may read."""
    if not user.is_authenticated:
        return Lead.objects.none()
    return Lead.objects.filter(_lead_content_scope(user))


def leads_status_visible(*, user: User) -> QuerySet[Lead]:
    """Leads whose status (not content) the user may follow."""
    if not user.is_authenticated:
        return Lead.objects.none()
    return Lead.objects.filter(_lead_status_scope(user))


def _with_lead_relations(qs: QuerySet[Lead]) -> QuerySet[Lead]:
    return qs.select_related("client", "client__agency", "product", "team", "assignee", "sender")


def lead_get_for_user(*, user: User, lead_id: int | str) -> Lead:
    try:
        return _with_lead_relations(leads_visible(user=user)).get(pk=int(lead_id))
    except (Lead.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def lead_status_get_for_user(*, user: User, lead_id: int | str) -> Lead:
    try:
        return leads_status_visible(user=user).select_related("assignee", "team").get(pk=int(lead_id))
    except (Lead.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def can_read_lead(*, user: User, lead: Lead) -> bool:
    return leads_visible(user=user).filter(pk=lead.pk).exists()


def lead_inbox(*, user: User, status: str | None = None) -> QuerySet[Lead]:
    """A salesperson's inbox: their leads and their team's unheld ones; new first, then oldest first.

    Managers see every lead of their scope.
    """
    qs = _with_lead_relations(leads_visible(user=user))
    qs = qs.filter(status=status) if status else qs.filter(status__in=OPEN_LEAD_STATUSES)
    new_first = Case(When(status=LeadStatus.NEW, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.annotate(new_first=new_first).order_by("new_first", "created_at", "pk")


def team_queue(
    *, user: User, team_id: int | None = None, status: str | None = None, category: str | None = None,
    assignee: str | None = None,
) -> QuerySet[ServiceRequest]:  # fmt: skip
    """A back-office queue: the requests of the user's teams (or one of them); unclaimed first, oldest first."""
    team_ids = user_team_ids(user)
    if team_id is not None:
        if int(team_id) not in team_ids and not rights.is_org_admin(user):
            raise NotFound()
        team_ids = frozenset({int(team_id)})
    qs = _with_request_relations(ServiceRequest.objects.filter(team_id__in=team_ids))
    qs = qs.filter(status=status) if status else qs.filter(status__in=OPEN_REQUEST_STATUSES)
    if category:
        qs = qs.filter(category__code=category)
    if assignee == "me":
        qs = qs.filter(assignee=user)
    elif assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    unclaimed_first = Case(
        When(status=RequestStatus.NEW, assignee__isnull=True, then=Value(0)), default=Value(1),
        output_field=IntegerField(),
    )  # fmt: skip
    return qs.annotate(unclaimed_first=unclaimed_first).order_by("unclaimed_first", "created_at", "pk")


def client_open_work(*, user: User, client_id: int) -> tuple[list[ServiceRequest], list[Lead]]:
    """For the client 360: the client's requests (in full) and leads (status only) the user may follow."""
    requests = list(
        _with_request_relations(requests_visible(user=user).filter(client_id=client_id)).order_by("-created_at")[:50]
    )
    leads = list(
        leads_status_visible(user=user)
        .filter(client_id=client_id)
        .select_related("assignee", "team")
        .order_by("-created_at")[:50]
    )
    return requests, leads
