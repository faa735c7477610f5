"""Who may do what on which agency: the role map, and the one relation every rights question reads.

A team kind holds a fixed set of permissions on each agency of its scope. The permissions are
guardian object permissions on `Agency` rows, granted to the team's group; a person may also hold one
directly (a delegate while someone is away). A person holds a permission on an agency when

    an open membership of an active team whose group holds it,  OR  a direct grant to them,

and they are active. That relation (`_team_grants` and `_direct_grants`) is asked from both sides:
`agencies_where(user, perm)` for checks and scoped lists, `people_holding(perm=, agency_id=)` and
`people_holding_by_agency(perm=, agency_ids=)` for escalations, notifications and choice lists. An
organisation admin may act everywhere (`is_org_admin`) but holds nothing through the organisation, so
they hear of an agency's escalations only through a membership or a grant there.

What one request knows of one person's rights is memoised on the user object (`_RightsCache`), and
`forget_rights()` drops it whenever a membership, a team or a grant changes.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, Permission
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import (
    Agency,
    AgencyGroupObjectPermission,
    AgencyUserObjectPermission,
    Membership,
    Team,
    TeamKind,
    TeamScope,
    User,
)
from common.errors import PermissionDenied

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
# products only (DESIGN.md section 1); telesales and salespeople sell complex ones too (issue 9: a
# complex product closed by telesales on a salesperson's account gives that salesperson a share);
# salespeople work leads.
ROLE_MAP: dict[str, frozenset[str]] = {
    TeamKind.RECEPTION: frozenset(_FRONT_LINE | {EDIT_CLIENTS, SELL_BASIC}),
    TeamKind.TELESALES: frozenset(_FRONT_LINE | {SELL_BASIC, SELL_COMPLEX}),
    TeamKind.TELEMARKETING: frozenset(_FRONT_LINE | {SELL_BASIC}),
    TeamKind.SALES: frozenset(_FRONT_LINE | {EDIT_CLIENTS, WORK_LEADS, SELL_BASIC, SELL_COMPLEX}),
    TeamKind.SALES_ASSISTANCE: frozenset(_BACK_OFFICE | {EDIT_CLIENTS}),
    TeamKind.BILLING: frozenset(_BACK_OFFICE),
    TeamKind.AFTER_SALES: frozenset(_BACK_OFFICE),
    TeamKind.PRODUCTION: frozenset(_BACK_OFFICE),
    TeamKind.MARKETING: frozenset({VIEW_CLIENTS, VIEW_DASHBOARDS}),
    TeamKind.MANAGEMENT: frozenset(ALL_AGENCY_PERMISSIONS),
}

# A permission that cannot be used without another one gives both. Managing a unit means reassigning
# its work and answering its escalations, which needs seeing its clients: a delegate granted
# `manage_unit` alone sees the agency's clients and requests, as its managers do.
IMPLIES: dict[str, frozenset[str]] = {MANAGE_UNIT: frozenset({VIEW_CLIENTS})}


def _granting(perm: str) -> list[str]:
    """The codenames whose grant gives `perm`: itself, and those that imply it."""
    return sorted({perm} | {holder for holder, implied in IMPLIES.items() if perm in implied})


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
    forget_rights()


# --- Who acts: organisation admins, and the system itself ------------------------------------------------


class SystemActor:
    """The organisation acting by itself, not a person: management commands (`seed_demo`, imports, bench).

    Never a request's user, so no door (API, page, task acting for someone) can pass it: only code
    that runs outside a request names it. Services accept it where an admin is required, and the
    trace records it as no actor (`pk` is None).
    """

    pk = None
    is_authenticated = False
    is_active = True
    is_superuser = False

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()


def is_org_admin(user: User | AnonymousUser | SystemActor | None) -> bool:
    """Whether this person runs the organisation: a superuser, or holder of `accounts.manage_organisation`."""
    if user is None or isinstance(user, SystemActor) or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser or user.has_perm("accounts.manage_organisation"))


def require_org_admin(actor: User | AnonymousUser | SystemActor | None, refusal: str = "") -> None:
    """Refuse (PermissionDenied, 403) anyone but an organisation admin or the system acting by itself.

    The one org-admin check: services call it first thing, and so do the API permission classes and
    the page decorators, so every door answers the same. `refusal` says what was refused, if the
    caller has a better sentence than the default.
    """
    if actor is SYSTEM or is_org_admin(actor):
        return
    raise PermissionDenied(refusal or _("Only an organisation administrator can do this."))


# --- The grant relation -----------------------------------------------------------------------------------

_GROUP_GRANT = "team__group__agencygroupobjectpermission"


def _team_grants(codenames: Iterable[str], **on_grant: object) -> QuerySet[Membership]:
    """Open memberships of active teams (of active people) whose group holds one of these permissions.

    `on_grant` adds conditions on the grant row itself (e.g. `content_object_id=3`). They must go in
    this one filter() call: a second call on a multi-valued relation joins the grants again, and would
    match a team holding the permission on one agency and something else on the asked one.
    """
    grant = {
        "permission__content_type__app_label": "accounts",
        "permission__codename__in": list(codenames),
        **on_grant,
    }
    return (
        Membership.objects.in_force()
        .filter(
            team__is_active=True,
            user__is_active=True,
            **{f"{_GROUP_GRANT}__{lookup}": value for lookup, value in grant.items()},
        )
        .order_by()
    )  # no default ordering: the rows are unioned with the direct grants


def _direct_grants(codenames: Iterable[str]) -> QuerySet[AgencyUserObjectPermission]:
    """Permissions granted to a person on an agency (a delegate), for active people."""
    return AgencyUserObjectPermission.objects.filter(
        user__is_active=True,
        permission__content_type__app_label="accounts",
        permission__codename__in=list(codenames),
    )


def people_holding(*, perm: str, agency_id: int) -> QuerySet[User]:
    """The active people who hold `perm` on the agency: through a team, or as a delegate. One query.

    Who escalations reach (`manage_unit`), who a lead may be given to (`work_leads`). Organisation
    admins are not holders by being admins (see the module's docstring).
    """
    codenames = _granting(perm)
    via_teams = _team_grants(codenames, content_object_id=agency_id)
    direct = _direct_grants(codenames).filter(content_object_id=agency_id)
    return User.objects.filter(
        Q(pk__in=via_teams.values("user_id")) | Q(pk__in=direct.values("user_id")), is_active=True
    ).order_by("last_name", "first_name", "username", "pk")


def people_holding_by_agency(*, perm: str, agency_ids: Iterable[int]) -> dict[int, list[User]]:
    """`people_holding` for many agencies at once, for choice lists: two queries whatever their number.

    Every agency asked for is a key (with an empty list when nobody holds `perm` there); each list is
    in name order.
    """
    agency_ids = set(agency_ids)
    if not agency_ids:
        return {}
    codenames = _granting(perm)
    via_teams = _team_grants(codenames, content_object_id__in=agency_ids).values_list(
        f"{_GROUP_GRANT}__content_object_id", "user_id"
    )
    direct = (
        _direct_grants(codenames).filter(content_object_id__in=agency_ids).values_list("content_object_id", "user_id")
    )
    pairs = set(via_teams.union(direct))
    people = User.objects.in_bulk({user_id for _agency_id, user_id in pairs})
    by_agency: dict[int, list[User]] = {agency_id: [] for agency_id in agency_ids}
    for agency_id, user_id in pairs:
        by_agency[agency_id].append(people[user_id])
    for holders in by_agency.values():
        holders.sort(key=lambda person: (person.last_name, person.first_name, person.username, person.pk))
    return by_agency


# --- One person's rights, memoised for the request ----------------------------------------------------


@dataclass(frozen=True)
class _Teams:
    ids: frozenset[int]
    lead_ids: frozenset[int]
    kinds: frozenset[str]


NO_TEAMS = _Teams(ids=frozenset(), lead_ids=frozenset(), kinds=frozenset())


class _Generation:
    """Bumped by `forget_rights`: a cache loaded under an older generation is stale."""

    value = 0


@dataclass
class _RightsCache:
    """What one request knows of one person's rights; each part is loaded on first use (one query each)."""

    generation: int
    agencies: dict[str, frozenset[int]] | None = None
    teams: _Teams | None = None


_CACHE_ATTRIBUTE = "_relais_rights"


def _cache(user: User) -> _RightsCache:
    # Memoised on the user object, which lives for one request: a reassignment shows on the next one,
    # or at once in this process, since every change calls `forget_rights`.
    cache = getattr(user, _CACHE_ATTRIBUTE, None)
    if cache is None or cache.generation != _Generation.value:
        cache = _RightsCache(generation=_Generation.value)
        setattr(user, _CACHE_ATTRIBUTE, cache)
    return cache


def forget_rights() -> None:
    """Drop every memoised rights cache of this process (they reload on their next question).

    The one function called whenever rights change: a membership starts or ends, a person is moved,
    a team's grants are synced, a delegate's grant is given or taken back. Also after the commit, so
    that a request running alongside on another thread does not keep what it read before the change.
    """
    _Generation.value += 1
    transaction.on_commit(_bump_generation)


def _bump_generation() -> None:
    _Generation.value += 1


def _load_agency_rights(user: User) -> dict[str, frozenset[int]]:
    """Every agency permission the user holds, in one query: {codename: agency ids}."""
    if user.is_superuser:
        everywhere = frozenset(Agency.objects.values_list("pk", flat=True))
        return dict.fromkeys(ALL_AGENCY_PERMISSIONS, everywhere)
    via_teams = (
        _team_grants(ALL_AGENCY_PERMISSIONS)
        .filter(user=user)
        .values_list(f"{_GROUP_GRANT}__permission__codename", f"{_GROUP_GRANT}__content_object_id")
    )
    direct = (
        _direct_grants(ALL_AGENCY_PERMISSIONS)
        .filter(user=user)
        .values_list("permission__codename", "content_object_id")
    )
    found: dict[str, set[int]] = {perm: set() for perm in ALL_AGENCY_PERMISSIONS}
    for codename, agency_id in via_teams.union(direct):
        for held in (codename, *IMPLIES.get(codename, ())):
            found[held].add(agency_id)
    return {codename: frozenset(ids) for codename, ids in found.items()}


def _load_teams(user: User) -> _Teams:
    """The user's open memberships, in one query: team ids, those they lead, and the teams' kinds."""
    rows = list(Membership.objects.in_force().filter(user=user).values_list("team_id", "is_lead", "team__kind"))
    return _Teams(
        ids=frozenset(team_id for team_id, _lead, _kind in rows),
        lead_ids=frozenset(team_id for team_id, is_lead, _kind in rows if is_lead),
        kinds=frozenset(kind for _team, _lead, kind in rows),
    )


def _holds_anything(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active)


def agencies_where(user: User | AnonymousUser, perm: str) -> frozenset[int]:
    """Ids of the agencies on which `user` holds `perm` (through teams, or as a delegate).

    The first question of a request loads all of the user's agency rights at once (one query).
    """
    if not _holds_anything(user):
        return frozenset()
    cache = _cache(user)
    if cache.agencies is None:
        cache.agencies = _load_agency_rights(user)
    return cache.agencies.get(perm, frozenset())


def _teams(user: User | AnonymousUser) -> _Teams:
    if not _holds_anything(user):
        return NO_TEAMS
    cache = _cache(user)
    if cache.teams is None:
        cache.teams = _load_teams(user)
    return cache.teams


def team_ids(user: User | AnonymousUser) -> frozenset[int]:
    """The teams the user is in now (open memberships)."""
    return _teams(user).ids


def lead_team_ids(user: User | AnonymousUser) -> frozenset[int]:
    """The teams the user leads now: they assign work in those teams' queues."""
    return _teams(user).lead_ids


def team_kinds(user: User | AnonymousUser) -> frozenset[str]:
    """The kinds of the teams the user is in now: what the navigation shows them."""
    return _teams(user).kinds


def has_agency_perm(user: User | AnonymousUser, perm: str, agency_id: int | None) -> bool:
    return agency_id is not None and agency_id in agencies_where(user, perm)


def has_any(user: User | AnonymousUser, perm: str) -> bool:
    return bool(agencies_where(user, perm))


# --- What a person will hold after a change, for handovers -------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """What a person will hold once a planned change is made: their teams and, per permission, agencies.

    Read from the role map and the teams' scopes (what `sync_team_permissions` grants), so it can be
    asked before the change is written: the handover shown for confirmation is the one carried out.
    """

    team_ids: frozenset[int]
    agencies_by_perm: dict[str, frozenset[int]]

    def agencies(self, perm: str) -> frozenset[int]:
        return self.agencies_by_perm.get(perm, frozenset())

    def covers(self, perm: str, agency_id: int | None) -> bool:
        return agency_id is not None and agency_id in self.agencies(perm)


NOTHING = Coverage(team_ids=frozenset(), agencies_by_perm={})


def coverage_after(*, user: User, leaving: Iterable[int] = (), joining: Team | None = None) -> Coverage:
    """What `user` will hold after leaving the memberships `leaving` (ids) and joining `joining`.

    A switched-off person holds nothing (`NOTHING`). Three queries whatever the number of teams.
    """
    if not user.is_active:
        return NOTHING
    leaving = set(leaving)
    teams = [
        membership.team
        for membership in Membership.objects.in_force().filter(user=user, team__is_active=True).select_related("team")
        if membership.pk not in leaving
    ]
    if joining is not None and joining.is_active:
        teams.append(joining)
    region_of = dict(Agency.objects.values_list("pk", "region_id"))

    def scope_of(team: Team) -> set[int]:
        if team.scope == TeamScope.AGENCY:
            return {team.agency_id}
        if team.scope == TeamScope.REGION:
            return {pk for pk, region_id in region_of.items() if region_id == team.region_id}
        return set(region_of)

    found: dict[str, set[int]] = {perm: set() for perm in ALL_AGENCY_PERMISSIONS}
    for team in teams:
        agencies = scope_of(team)
        for codename in ROLE_MAP[team.kind]:
            for held in (codename, *IMPLIES.get(codename, ())):
                found[held] |= agencies
    direct = (
        _direct_grants(ALL_AGENCY_PERMISSIONS)
        .filter(user=user)
        .values_list("permission__codename", "content_object_id")
    )
    for codename, agency_id in direct:
        for held in (codename, *IMPLIES.get(codename, ())):
            found[held].add(agency_id)
    return Coverage(
        team_ids=frozenset(team.pk for team in teams),
        agencies_by_perm={perm: frozenset(ids) for perm, ids in found.items()},
    )
