"""Reads of requests and leads, scoped to what the user may see (DESIGN.md sections 1 and 5).

- A service request is seen in full by whoever can see its client, by its team, its sender and its
  assignee.
- A lead's content is confidential: its assignee, the members of its team while nobody holds it, and
  the managers of the client's agency. Its status (open / with whom / since when / outcome) is also
  seen by its sender and by whoever follows leads on the client's agency (reception).
"""

from collections.abc import Iterable

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from accounts import rights
from accounts.models import Agency, AgencyUserObjectPermission, Membership, Team, TeamKind, TeamScope, User
from common.errors import NotFound
from workflow.due import annotate_due
from workflow.hours import DEFAULT_OPENING_HOURS
from workflow.models import (
    OPEN_LEAD_STATUSES,
    OPEN_REQUEST_STATUSES,
    AgencyCalendar,
    Category,
    Comment,
    Lead,
    LeadStatus,
    Notification,
    RequestStatus,
    RoutingRule,
    ServiceRequest,
)


def user_team_ids(user: User) -> frozenset[int]:
    """The teams the user is in now; from the request's rights cache (`accounts.rights`)."""
    return rights.team_ids(user)


def user_lead_team_ids(user: User) -> frozenset[int]:
    """The teams the user leads now; from the request's rights cache (`accounts.rights`)."""
    return rights.lead_team_ids(user)


def one(qs: QuerySet, item_id: int | str):
    """The row of that id in `qs`, else NotFound: an id out of scope answers as one that does not exist."""
    try:
        return qs.get(pk=int(item_id))
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def _ids_among(qs: QuerySet, ids: Iterable[int]) -> frozenset[int]:
    """Which of these ids `qs` holds (one query, none for no id)."""
    ids = set(ids)
    return frozenset(qs.filter(pk__in=ids).values_list("pk", flat=True)) if ids else frozenset()


def _worklist(qs: QuerySet, *, status: str | None, open_statuses: tuple[str, ...], first: Q) -> QuerySet:
    """A list people work from: open items unless a status is asked; those matching `first`, then oldest first."""
    qs = qs.filter(status=status) if status else qs.filter(status__in=open_statuses)
    first_rank = Case(When(first, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.annotate(first_rank=first_rank).order_by("first_rank", "created_at", "pk")


def _held_by(qs: QuerySet, *, user: User, category: str | None, assignee: str | None) -> QuerySet:
    """A list of requests narrowed to a category and to "me" (held by the user) or "none" (held by nobody)."""
    if category:
        qs = qs.filter(category__code=category)
    if assignee == "me":
        return qs.filter(assignee=user)
    return qs.filter(assignee__isnull=True) if assignee == "none" else qs


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


# What a page or a list of items shows joined to each item.
_ITEM_RELATIONS = ("client", "client__agency", "team", "assignee", "sender")
REQUEST_RELATIONS = (*_ITEM_RELATIONS, "category")
LEAD_RELATIONS = (*_ITEM_RELATIONS, "product")


def request_get_for_user(*, user: User, request_id: int | str) -> ServiceRequest:
    return one(requests_visible(user=user).select_related(*REQUEST_RELATIONS), request_id)


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


def lead_get_for_user(*, user: User, lead_id: int | str) -> Lead:
    return one(leads_visible(user=user).select_related(*LEAD_RELATIONS), lead_id)


def lead_status_get_for_user(*, user: User, lead_id: int | str) -> Lead:
    return one(leads_status_visible(user=user).select_related("assignee", "team"), lead_id)


def can_read_lead(*, user: User, lead: Lead) -> bool:
    return leads_visible(user=user).filter(pk=lead.pk).exists()


def lead_inbox(*, user: User, status: str | None = None) -> QuerySet[Lead]:
    """A salesperson's inbox: their leads and their team's unheld ones; new first, then oldest first.

    Managers see every lead of their scope.
    """
    qs = leads_visible(user=user).select_related(*LEAD_RELATIONS)
    return annotate_due(_worklist(qs, status=status, open_statuses=OPEN_LEAD_STATUSES, first=Q(status=LeadStatus.NEW)))


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
    qs = ServiceRequest.objects.filter(team_id__in=team_ids).select_related(*REQUEST_RELATIONS)
    qs = _held_by(qs, user=user, category=category, assignee=assignee)
    unclaimed = Q(status=RequestStatus.NEW, assignee__isnull=True)
    return annotate_due(_worklist(qs, status=status, open_statuses=OPEN_REQUEST_STATUSES, first=unclaimed))


def client_open_work(*, user: User, client_id: int) -> tuple[list[ServiceRequest], list[Lead]]:
    """For the client 360: the client's requests (in full) and leads (status only) the user may follow."""
    requests = requests_visible(user=user).filter(client_id=client_id).select_related(*REQUEST_RELATIONS)
    leads = leads_status_visible(user=user).filter(client_id=client_id).select_related("assignee", "team")
    return list(requests.order_by("-created_at")[:50]), list(leads.order_by("-created_at")[:50])


# --- For the HTTP API (added with workflow/api/) -------------------------------------------------------


def request_list(
    *, user: User, queue: bool = False, team_id: int | None = None, status: str | None = None,
    category: str | None = None, client_id: int | None = None, assignee: str | None = None,
) -> QuerySet[ServiceRequest]:  # fmt: skip
    """Requests the user may see, newest first; as a team queue (`team_queue`) when asked or when a team is named.

    `assignee` is "me" or "none". A queue shows open requests unless a status is given.
    """
    if queue or team_id is not None:
        qs = team_queue(user=user, team_id=team_id, status=status, category=category, assignee=assignee)
    else:
        qs = requests_visible(user=user).select_related(*REQUEST_RELATIONS).order_by("-created_at", "-pk")
        qs = _held_by(qs.filter(status=status) if status else qs, user=user, category=category, assignee=assignee)
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    return qs.select_related("requalified_to")


def lead_list(*, user: User, status: str | None = None) -> QuerySet[Lead]:
    """The lead inbox (`lead_inbox`) with what a list row shows joined."""
    return lead_inbox(user=user, status=status).select_related("requalified_to")


def lead_ids_readable(*, user: User, lead_ids: Iterable[int]) -> frozenset[int]:
    """Which of these leads the user may read the content of (one query)."""
    return _ids_among(leads_visible(user=user), lead_ids)


def item_comments(item: ServiceRequest | Lead) -> QuerySet[Comment]:
    """An item's comments, oldest first: for whoever may read the item (a lead's comments are its content)."""
    return item.comments.select_related("author").order_by("created_at", "pk")


def routing_names(*, reasons: Iterable[dict]) -> dict[str, dict[int, str]]:
    """Display names of the teams and people that stored routing reasons mention (two queries at most).

    Feeds `workflow.routing.describe_routing` for a whole list, instead of one lookup per row.
    """
    team_ids: set[int] = set()
    user_ids: set[int] = set()
    for reason in reasons:
        if not reason:
            continue
        if isinstance(reason.get("team"), int):
            team_ids.add(reason["team"])
        user_ids.update(reason[key] for key in ("user", "by") if isinstance(reason.get(key), int))
    names: dict[str, dict[int, str]] = {"team": {}, "user": {}}
    if team_ids:
        names["team"] = dict(Team.objects.filter(pk__in=team_ids).values_list("pk", "name"))
    if user_ids:
        people = User.objects.filter(pk__in=user_ids).only("pk", "username", "first_name", "last_name")
        names["user"] = {person.pk: str(person) for person in people}
    return names


def notifications_of(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's own notifications, newest first."""
    qs = Notification.objects.filter(recipient=user)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def categories() -> QuerySet[Category]:
    """Every category, active or not: everyone signed in reads them (a request form lists them)."""
    return Category.objects.order_by("name", "pk")


def category_get(*, category_id: int | str) -> Category:
    return one(categories(), category_id)


def routing_rules() -> QuerySet[RoutingRule]:
    """Every rule in the order they are tried; readable by everyone, so the routing is a rule people can check."""
    return RoutingRule.objects.select_related("target_team", "target_user").order_by("kind", "order", "pk")


def routing_rule_get(*, rule_id: int | str) -> RoutingRule:
    return one(routing_rules(), rule_id)


# --- What the pages need besides the lists above. ---------------------------------------------------


def manages_any_unit(*, user: User) -> bool:
    return rights.is_org_admin(user) or rights.has_any(user, rights.MANAGE_UNIT)


def lead_reassign_candidates(*, agency_ids: Iterable[int]) -> dict[int, list[User]]:
    """Per agency, the salespeople a lead of its clients may be given to, in name order.

    Those who work its leads (`work_leads`, `accounts.rights.people_holding_by_agency`) as a
    salesperson: through an open membership of a team of a lead-working kind other than management
    whose scope covers the agency, or granted it on the agency directly (a delegate). A manager holds
    `work_leads` by managing, not to be given leads: they are not offered (issue 8, choices that fit).
    A fixed number of queries whatever the number of agencies, so a list can offer a select per row.
    """
    holders = rights.people_holding_by_agency(perm=rights.WORK_LEADS, agency_ids=agency_ids)
    people = {person.pk for persons in holders.values() for person in persons}
    if not people:
        return holders
    selling_kinds = [kind for kind, perms in rights.ROLE_MAP.items()
                     if rights.WORK_LEADS in perms and kind != TeamKind.MANAGEMENT]  # fmt: skip
    memberships = Membership.objects.filter(
        user_id__in=people, ended_at__isnull=True, team__is_active=True, team__kind__in=selling_kinds
    ).select_related("team")
    agencies = Agency.objects.in_bulk(list(holders))
    delegates = set(
        AgencyUserObjectPermission.objects.filter(
            content_object_id__in=list(holders), user_id__in=people, permission__codename=rights.WORK_LEADS
        ).values_list("content_object_id", "user_id")
    )
    sellers = {
        (agency_id, membership.user_id)
        for membership in memberships
        for agency_id, agency in agencies.items()
        if membership.team.covers(agency)
    }
    return {agency_id: [p for p in persons if (agency_id, p.pk) in sellers | delegates]
            for agency_id, persons in holders.items()}  # fmt: skip


def lead_ids_status_visible(*, user: User, lead_ids: Iterable[int]) -> frozenset[int]:
    """Which of these leads the user may follow the status of (one query)."""
    return _ids_among(leads_status_visible(user=user), lead_ids)


def covering(agency: Agency) -> Q:
    """Teams whose scope takes in the agency: its own, its region's, the national ones."""
    return (
        Q(scope=TeamScope.AGENCY, agency_id=agency.pk)
        | Q(scope=TeamScope.REGION, region_id=agency.region_id)
        | Q(scope=TeamScope.NATIONAL)
    )


def transfer_targets(*, request: ServiceRequest, category: Category | None = None) -> QuerySet[Team]:
    """Where a request may be transferred: active teams that handle its category and cover its client's agency.

    `category` is the one the transfer gives it, when it changes. The request's own team is not a target.
    """
    category = category or request.category
    teams = Team.objects.filter(covering(request.client.agency), is_active=True, kind__in=category.handling_team_kinds)
    return teams.exclude(pk=request.team_id).order_by("name", "pk")


def agency_calendars() -> QuerySet[Agency]:
    """Every agency with its business hours joined (`calendar_of`): everyone signed in may read them."""
    return Agency.objects.select_related("business_calendar").order_by("name", "pk")


def calendar_of(agency: Agency) -> AgencyCalendar:
    """The agency's business hours: its row, or an unsaved one holding the defaults (`workflow.hours`)."""
    try:
        return agency.business_calendar
    except AgencyCalendar.DoesNotExist:
        return AgencyCalendar(agency=agency, opening_hours=DEFAULT_OPENING_HOURS)


def agency_calendar_get(*, agency_id: int | str) -> AgencyCalendar:
    return calendar_of(one(agency_calendars(), agency_id))
