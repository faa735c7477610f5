"""Which unit a figure is about, and who may see it (DESIGN.md section 5: out of scope is 404).

A scope is written `national`, `region:{id}`, `agency:{id}`, `team:{id}` or `user:{id}`. A person sees
their own figures; someone holding `view_dashboards` (managers, marketing) on every agency a unit spans
sees that unit; a team lead sees their team and its members; organisation admins see everything.
"""

import contextlib
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from accounts import rights
from accounts.models import Agency, Membership, Region, Team, TeamScope, User
from common.errors import InvalidInput, NotFound
from reporting.models import ScopeKind

LEVELS = (ScopeKind.NATIONAL, ScopeKind.REGION, ScopeKind.AGENCY, ScopeKind.TEAM, ScopeKind.USER)


@dataclass(frozen=True)
class Unit:
    kind: str
    id: int
    name: str
    agency_ids: frozenset[int]

    @property
    def code(self) -> str:
        return "national" if self.kind == ScopeKind.NATIONAL else f"{self.kind}:{self.id}"

    def __str__(self) -> str:
        return self.code

    @property
    def column(self) -> str | None:
        """The fact column that selects this unit's rows (None: every row)."""
        return {ScopeKind.REGION: "region_id", ScopeKind.AGENCY: "agency_id", ScopeKind.TEAM: "team_id",
                ScopeKind.USER: "person_id"}.get(self.kind)  # fmt: skip

    def fact_filter(self) -> Q:
        return Q(**{self.column: self.id}) if self.column else Q()


CHILD_COLUMN = {ScopeKind.REGION: "region_id", ScopeKind.AGENCY: "agency_id", ScopeKind.TEAM: "team_id",
                ScopeKind.USER: "person_id"}  # fmt: skip


def parse_scope(text: str | None, *, field: str = "scope") -> tuple[str, int]:
    text = (text or "").strip()
    if text == ScopeKind.NATIONAL:
        return ScopeKind.NATIONAL, 0
    kind, _sep, number = text.partition(":")
    if kind in LEVELS and kind != ScopeKind.NATIONAL and number.isdigit():
        return kind, int(number)
    raise InvalidInput({field: _("A scope is national, region:{id}, agency:{id}, team:{id} or user:{id}.")})


def _team_agencies(team: Team, region_of: dict[int, int]) -> frozenset[int]:
    if team.scope == TeamScope.AGENCY:
        return frozenset({team.agency_id})
    if team.scope == TeamScope.REGION:
        return frozenset(pk for pk, region in region_of.items() if region == team.region_id)
    return frozenset(region_of)


def load_unit(kind: str, unit_id: int) -> Unit:
    """The unit, or NotFound."""
    region_of = dict(Agency.objects.values_list("pk", "region_id"))
    if kind == ScopeKind.NATIONAL:
        return Unit(kind, 0, _("National"), frozenset(region_of))
    if kind == ScopeKind.REGION:
        region = Region.objects.filter(pk=unit_id).first()
        if region:
            return Unit(kind, region.pk, region.name, frozenset(a for a, r in region_of.items() if r == region.pk))
    elif kind == ScopeKind.AGENCY:
        agency = Agency.objects.filter(pk=unit_id).first()
        if agency:
            return Unit(kind, agency.pk, agency.name, frozenset({agency.pk}))
    elif kind == ScopeKind.TEAM:
        team = Team.objects.filter(pk=unit_id).first()
        if team:
            return Unit(kind, team.pk, team.name, _team_agencies(team, region_of))
    elif kind == ScopeKind.USER:
        person = User.objects.filter(pk=unit_id).first()
        if person:
            teams = Team.objects.filter(pk__in=Membership.objects.in_force().filter(user=person).values("team_id"))
            spans = frozenset().union(*(_team_agencies(team, region_of) for team in teams))
            return Unit(kind, person.pk, str(person), spans)
    raise NotFound()


def load_units(keys: set[tuple[str, int]]) -> dict[tuple[str, int], Unit]:
    """Many units at once (for lists): a fixed number of queries whatever their number; missing ones left out."""
    region_of = dict(Agency.objects.values_list("pk", "region_id"))
    by_kind: dict[str, set[int]] = {}
    for kind, unit_id in keys:
        by_kind.setdefault(kind, set()).add(unit_id)
    found: dict[tuple[str, int], Unit] = {}
    if ScopeKind.NATIONAL in by_kind:
        found[(ScopeKind.NATIONAL, 0)] = Unit(ScopeKind.NATIONAL, 0, _("National"), frozenset(region_of))
    for region in Region.objects.filter(pk__in=by_kind.get(ScopeKind.REGION, ())):
        spans = frozenset(a for a, r in region_of.items() if r == region.pk)
        found[(ScopeKind.REGION, region.pk)] = Unit(ScopeKind.REGION, region.pk, region.name, spans)
    for agency in Agency.objects.filter(pk__in=by_kind.get(ScopeKind.AGENCY, ())):
        found[(ScopeKind.AGENCY, agency.pk)] = Unit(ScopeKind.AGENCY, agency.pk, agency.name, frozenset({agency.pk}))
    for team in Team.objects.filter(pk__in=by_kind.get(ScopeKind.TEAM, ())):
        found[(ScopeKind.TEAM, team.pk)] = Unit(ScopeKind.TEAM, team.pk, team.name, _team_agencies(team, region_of))
    for person_id in by_kind.get(ScopeKind.USER, ()):  # rules on one person are rare: one by one
        with contextlib.suppress(NotFound):
            found[(ScopeKind.USER, person_id)] = load_unit(ScopeKind.USER, person_id)
    return found


def may_see(user: User, unit: Unit) -> bool:
    if rights.is_org_admin(user):
        return True
    if unit.kind == ScopeKind.USER and unit.id == user.pk:
        return True
    if unit.kind == ScopeKind.TEAM and unit.id in rights.lead_team_ids(user):
        return True
    if (
        unit.kind == ScopeKind.USER
        and rights.lead_team_ids(user)
        and Membership.objects.in_force().filter(user_id=unit.id, team_id__in=rights.lead_team_ids(user)).exists()
    ):
        return True
    seen = rights.agencies_where(user, rights.VIEW_DASHBOARDS)
    return bool(unit.agency_ids) and unit.agency_ids <= seen


def may_manage(user: User, unit: Unit) -> bool:
    """Set objectives and alert rules on the unit: organisation admins, or `manage_unit` on all of it."""
    if rights.is_org_admin(user) or user is rights.SYSTEM:
        return True
    return bool(unit.agency_ids) and unit.agency_ids <= rights.agencies_where(user, rights.MANAGE_UNIT)


def unit_for_user(*, user: User, scope: str | None, field: str = "scope") -> Unit:
    """The unit `scope` names if `user` may see it; NotFound otherwise (as if it did not exist)."""
    kind, unit_id = parse_scope(scope, field=field) if scope else default_scope(user)
    unit = load_unit(kind, unit_id)
    if not may_see(user, unit):
        raise NotFound()
    return unit


def default_scope(user: User) -> tuple[str, int]:
    """The widest unit the person may see: the top of their dashboard."""
    if rights.is_org_admin(user):
        return ScopeKind.NATIONAL, 0
    seen = rights.agencies_where(user, rights.VIEW_DASHBOARDS)
    if seen:
        region_of = dict(Agency.objects.values_list("pk", "region_id"))
        if seen >= set(region_of):
            return ScopeKind.NATIONAL, 0
        for region in sorted({region_of[a] for a in seen if a in region_of}):
            if {a for a, r in region_of.items() if r == region} <= seen:
                return ScopeKind.REGION, region
        return ScopeKind.AGENCY, min(seen)
    leads = rights.lead_team_ids(user)
    if leads:
        return ScopeKind.TEAM, min(leads)
    return ScopeKind.USER, user.pk


def children(unit: Unit, *, kind: str | None = None) -> list[Unit]:
    """The units right below: regions of the nation, agencies of a region, teams of an agency, people of a team.

    `kind` asks for another level below (e.g. the people of an agency, for splitting an objective).
    """
    kind = kind or {ScopeKind.NATIONAL: ScopeKind.REGION, ScopeKind.REGION: ScopeKind.AGENCY,
                    ScopeKind.AGENCY: ScopeKind.TEAM, ScopeKind.TEAM: ScopeKind.USER}.get(unit.kind)  # fmt: skip
    if kind is None or LEVELS.index(kind) <= LEVELS.index(unit.kind):
        return []
    if kind == ScopeKind.REGION:
        regions = Region.objects.filter(pk__in=Agency.objects.filter(pk__in=unit.agency_ids).values("region_id"))
        agencies = dict(Agency.objects.values_list("pk", "region_id"))
        return [Unit(kind, r.pk, r.name, frozenset(a for a, reg in agencies.items() if reg == r.pk)) for r in regions]
    if kind == ScopeKind.AGENCY:
        return [Unit(kind, a.pk, a.name, frozenset({a.pk})) for a in Agency.objects.filter(pk__in=unit.agency_ids)]
    if kind == ScopeKind.TEAM:
        teams = Team.objects.filter(is_active=True, scope=TeamScope.AGENCY, agency_id__in=unit.agency_ids)
        return [Unit(kind, t.pk, t.name, frozenset({t.agency_id})) for t in teams]
    members = Membership.objects.in_force().select_related("user", "team")
    if unit.kind == ScopeKind.TEAM:
        members = members.filter(team_id=unit.id)
    else:
        members = members.filter(team__scope=TeamScope.AGENCY, team__agency_id__in=unit.agency_ids)
    people: dict[int, Unit] = {}
    for membership in members.order_by("user__last_name", "user__first_name", "user__username"):
        person = membership.user
        if person.pk not in people:
            spans = frozenset({membership.team.agency_id}) if membership.team.agency_id else unit.agency_ids
            people[person.pk] = Unit(ScopeKind.USER, person.pk, str(person), spans)
    return list(people.values())
