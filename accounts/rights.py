"""The role map and the questions every selector asks: "on which agencies may this user do X?".

A team kind holds a fixed set of permissions on each agency of its scope. The permissions are
guardian object permissions on `Agency` rows, granted to the team's group, so a person's rights are
the union of their open memberships and change on their next request after a reassignment.
"""

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser, Permission
from django.db.models import QuerySet

from accounts.models import (
    Agency,
    AgencyGroupObjectPermission,
    AgencyUserObjectPermission,
    Team,
    TeamKind,
    TeamScope,
    User,
)

VIEW_CLIENTS = "view_clients"
EDIT_CLIENTS = "edit_clients"
LOG_INTERACTIONS = "log_interactions"
CREATE_REQUESTS = "create_requests"
CREATE_LEADS = "create_leads"
VIEW_LEAD_STATUS = "view_lead_status"
WORK_REQUESTS = "work_requests"
WORK_LEADS = "work_leads"
SELL_BASIC = "sell_basic"
SELL_COMPLEX = "sell_complex"
VIEW_DASHBOARDS = "view_dashboards"
MANAGE_UNIT = "manage_unit"

ALL_AGENCY_PERMISSIONS = (
    VIEW_CLIENTS, EDIT_CLIENTS, LOG_INTERACTIONS, CREATE_REQUESTS, CREATE_LEADS, VIEW_LEAD_STATUS,
    WORK_REQUESTS, WORK_LEADS, SELL_BASIC, SELL_COMPLEX, VIEW_DASHBOARDS, MANAGE_UNIT,
)  # fmt: skip

_FRONT_LINE = {VIEW_CLIENTS, LOG_INTERACTIONS, CREATE_REQUESTS, CREATE_LEADS, VIEW_LEAD_STATUS}
_BACK_OFFICE = {VIEW_CLIENTS, LOG_INTERACTIONS, CREATE_REQUESTS, CREATE_LEADS, VIEW_LEAD_STATUS, WORK_REQUESTS}

# What each kind of team may do on the agencies of its scope. Reception and telemarketing sell basic
# products only (DESIGN.md section 1); salespeople sell everything and work leads.
ROLE_MAP: dict[str, frozenset[str]] = {
    TeamKind.RECEPTION: frozenset(_FRONT_LINE | {EDIT_CLIENTS, SELL_BASIC}),
    TeamKind.TELESALES: frozenset(_FRONT_LINE | {SELL_BASIC}),
    TeamKind.TELEMARKETING: frozenset(_FRONT_LINE | {SELL_BASIC}),
    TeamKind.SALES: frozenset(_FRONT_LINE | {EDIT_CLIENTS, WORK_LEADS, SELL_BASIC, SELL_COMPLEX}),
    TeamKind.SALES_ASSISTANCE: frozenset(_BACK_OFFICE | {EDIT_CLIENTS}),
    TeamKind.BILLING: frozenset(_BACK_OFFICE),
    TeamKind.AFTER_SALES: frozenset(_BACK_OFFICE),
    TeamKind.PRODUCTION: frozenset(_BACK_OFFICE),
    TeamKind.MARKETING: frozenset({VIEW_CLIENTS, VIEW_DASHBOARDS}),
    TeamKind.MANAGEMENT: frozenset(ALL_AGENCY_PERMISSIONS),
}


def agencies_in_scope(team: Team) -> QuerySet[Agency]:
    if team.scope == TeamScope.AGENCY:
        return Agency.objects.filter(pk=team.agency_id)
    if team.scope == TeamScope.REGION:
        return Agency.objects.filter(region_id=team.region_id)
    return Agency.objects.all()


def sync_team_permissions(team: Team) -> None:
    """Make the team's group hold exactly the role map's permissions on the agencies in scope.

    Written as two set operations on the direct foreign-key table rather than guardian's
    assign_perm loop, so a national team over hundreds of agencies is a couple of queries.
    """
    wanted_codenames = ROLE_MAP[team.kind] if team.is_active else frozenset()
    permissions = {
        p.codename: p
        for p in Permission.objects.filter(content_type__app_label="accounts", codename__in=ALL_AGENCY_PERMISSIONS)
    }
    agency_ids = set(agencies_in_scope(team).values_list("pk", flat=True)) if wanted_codenames else set()
    wanted = {(agency_id, permissions[code].pk) for agency_id in agency_ids for code in wanted_codenames}
    existing = {
        (row["content_object_id"], row["permission_id"]): row["pk"]
        for row in AgencyGroupObjectPermission.objects.filter(group_id=team.group_id).values(
            "pk", "content_object_id", "permission_id"
        )
    }
    stale = [pk for key, pk in existing.items() if key not in wanted]
    if stale:
        AgencyGroupObjectPermission.objects.filter(pk__in=stale).delete()
    AgencyGroupObjectPermission.objects.bulk_create(
        [
            AgencyGroupObjectPermission(group_id=team.group_id, content_object_id=agency_id, permission_id=perm_id)
            for agency_id, perm_id in sorted(wanted - existing.keys())
        ]
    )


def is_org_admin(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.has_perm("accounts.manage_organisation")))


def _cache(user: User) -> dict[str, frozenset[int]]:
    # Memoised on the user object, which lives for one request: a reassignment shows on the next one.
    cache = getattr(user, "_relais_agency_rights", None)
    if cache is None:
        cache = {}
        user._relais_agency_rights = cache  # type: ignore[union-attr]
    return cache


def _load_rights(user: User) -> dict[str, frozenset[int]]:
    """Every agency permission the user holds, in one query: {codename: agency ids}."""
    if user.is_superuser:
        everywhere = frozenset(Agency.objects.values_list("pk", flat=True))
        return dict.fromkeys(ALL_AGENCY_PERMISSIONS, everywhere)
    via_groups = AgencyGroupObjectPermission.objects.filter(
        group__user=user, permission__content_type__app_label="accounts"
    ).values_list("permission__codename", "content_object_id")
    direct = AgencyUserObjectPermission.objects.filter(
        user=user, permission__content_type__app_label="accounts"
    ).values_list("permission__codename", "content_object_id")
    found: dict[str, set[int]] = {perm: set() for perm in ALL_AGENCY_PERMISSIONS}
    for codename, agency_id in via_groups.union(direct):
        found.setdefault(codename, set()).add(agency_id)
    return {codename: frozenset(ids) for codename, ids in found.items()}


def agencies_where(user: User | AnonymousUser, perm: str) -> frozenset[int]:
    """Ids of the agencies on which `user` holds `perm` (through teams, or as a delegate).

    The first question of a request loads all of the user's agency rights at once (one query); the
    answers are memoised on the user object, which lives for one request.
    """
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cache = _cache(user)
    if not cache:
        cache.update(_load_rights(user))
    return cache.get(perm, frozenset())


def has_agency_perm(user: User | AnonymousUser, perm: str, agency_id: int | None) -> bool:
    return agency_id is not None and agency_id in agencies_where(user, perm)


def has_any(user: User | AnonymousUser, perm: str) -> bool:
    return bool(agencies_where(user, perm))


def forget_rights(users: Iterable[User]) -> None:
    """Drop the memoised rights of these user objects (after a change within the same request)."""
    for user in users:
        if hasattr(user, "_relais_agency_rights"):
            del user._relais_agency_rights
