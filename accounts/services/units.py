"""Regions, agencies and teams: create, rename and close them. A team closes with its queue handed over
to another team of the same kind; a region or agency closes once its own units are closed."""

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import events, handover
from accounts.handover import Plan
from accounts.models import Agency, Region, Team, TeamKind, TeamScope, User
from accounts.rights import SystemActor, forget_rights, require_org_admin, sync_team_permissions
from common.errors import Conflict, InvalidInput, NotFound
from trace.services import org_chain, trace_append


@transaction.atomic
def region_create(*, actor: User | SystemActor, name: str, code: str) -> Region:
    require_org_admin(actor)
    if Region.objects.filter(code=code).exists():
        raise InvalidInput({"code": _("A region with this code already exists.")})
    region = Region.objects.create(name=name, code=code)
    trace_append(
        actor=actor,
        action=events.REGION_CREATED,
        obj=region,
        chain=org_chain(f"region:{region.pk}"),
        payload={"code": code},
    )
    return region


@transaction.atomic
def agency_create(*, actor: User | SystemActor, name: str, code: str, region: Region) -> Agency:
    require_org_admin(actor)
    if not region.is_active:
        raise InvalidInput({"region": _("This region is closed.")})
    if Agency.objects.filter(code=code).exists():
        raise InvalidInput({"code": _("An agency with this code already exists.")})
    agency = Agency.objects.create(name=name, code=code, region=region)
    # Regional and national teams cover the new agency at once.
    for team in Team.objects.filter(is_active=True).exclude(scope=TeamScope.AGENCY):
        if team.scope == TeamScope.NATIONAL or team.region_id == region.pk:
            sync_team_permissions(team)
    forget_rights()  # superusers hold every right on every agency, this one included
    trace_append(
        actor=actor,
        action=events.AGENCY_CREATED,
        obj=agency,
        chain=org_chain(f"agency:{agency.pk}"),
        payload={"code": code, "region": region.pk},
    )
    return agency


def _check_team_unit(*, scope: str, agency: Agency | None, region: Region | None) -> None:
    if scope == TeamScope.AGENCY and (agency is None or region is not None):
        raise InvalidInput({"agency": _("A team of one agency names that agency (and no region).")})
    if scope == TeamScope.REGION and (region is None or agency is not None):
        raise InvalidInput({"region": _("A regional team names its region (and no agency).")})
    if scope == TeamScope.NATIONAL and (agency is not None or region is not None):
        raise InvalidInput({"scope": _("A national team names neither agency nor region.")})
    if agency is not None and not agency.is_active:
        raise InvalidInput({"agency": _("This agency is closed.")})
    if region is not None and not region.is_active:
        raise InvalidInput({"region": _("This region is closed.")})


@transaction.atomic
def team_create(
    *,
    actor: User | SystemActor,
    name: str,
    kind: str,
    scope: str,
    agency: Agency | None = None,
    region: Region | None = None,
) -> Team:
    require_org_admin(actor)
    if kind not in TeamKind.values:
        raise InvalidInput({"kind": _("Unknown team kind.")})
    if scope not in TeamScope.values:
        raise InvalidInput({"scope": _("Unknown scope.")})
    _check_team_unit(scope=scope, agency=agency, region=region)
    team = Team(name=name, kind=kind, scope=scope, agency=agency, region=region)
    # One group per team; its name only has to be unique, people never see it.
    group = Group.objects.create(name=f"team:{timezone.now().timestamp()}:{name}"[:150])
    team.group = group
    team.save()
    group.name = f"team:{team.pk}"
    group.save(update_fields=["name"])
    sync_team_permissions(team)
    trace_append(
        actor=actor,
        action=events.TEAM_CREATED,
        obj=team,
        chain=org_chain(team.unit_chain),
        payload={"kind": kind, "scope": scope, "agency": team.agency_id, "region": team.region_id},
    )
    return team


# --- Renaming and closing units ---------------------------------------------------------------------------


def _clean_name(name: object, max_length: int) -> str:
    name = str(name or "").strip()
    if not name:
        raise InvalidInput({"name": _("This field is required.")})
    if len(name) > max_length or "\x00" in name:
        raise InvalidInput({"name": _("Give a name of at most %(n)s characters.") % {"n": max_length}})
    return name


def _rename(*, actor: User | SystemActor, unit: Region | Agency | Team, name: str, event, chain: str) -> None:
    name = _clean_name(name, unit._meta.get_field("name").max_length)
    if name == unit.name:
        return
    unit.name = name
    unit.save(update_fields=["name"])
    trace_append(actor=actor, action=event, obj=unit, chain=org_chain(chain), payload={"fields": ["name"]})


@transaction.atomic
def region_update(*, actor: User | SystemActor, region_id: int, name: str) -> Region:
    """Rename a region; its code, which settings and imports name, stays."""
    require_org_admin(actor)
    region = Region.objects.select_for_update().filter(pk=region_id).first()
    if region is None:
        raise NotFound()
    _rename(actor=actor, unit=region, name=name, event=events.REGION_UPDATED, chain=f"region:{region.pk}")
    return region


@transaction.atomic
def agency_update(*, actor: User | SystemActor, agency_id: int, name: str) -> Agency:
    """Rename an agency; its code, which settings and imports name, stays."""
    require_org_admin(actor)
    agency = Agency.objects.select_for_update().filter(pk=agency_id).first()
    if agency is None:
        raise NotFound()
    _rename(actor=actor, unit=agency, name=name, event=events.AGENCY_UPDATED, chain=f"agency:{agency.pk}")
    return agency


@transaction.atomic
def team_update(*, actor: User | SystemActor, team_id: int, name: str) -> Team:
    require_org_admin(actor)
    team = Team.objects.select_for_update().filter(pk=team_id).first()
    if team is None:
        raise NotFound()
    _rename(actor=actor, unit=team, name=name, event=events.TEAM_UPDATED, chain=team.unit_chain)
    return team


def _names(units) -> str:
    return ", ".join(str(unit) for unit in units)


@transaction.atomic
def region_close(*, actor: User | SystemActor, region_id: int) -> Region:
    """Close a region: it takes no new agency or team. Its agencies and its own teams close first (409)."""
    require_org_admin(actor)
    region = Region.objects.select_for_update().filter(pk=region_id).first()
    if region is None:
        raise NotFound()
    if not region.is_active:
        raise Conflict(_("This region is already closed."))
    agencies = list(region.agencies.filter(is_active=True))
    teams = list(region.teams.filter(is_active=True))
    if agencies or teams:
        raise Conflict(
            _("Close its agencies and teams first: %(units)s.") % {"units": _names([*agencies, *teams])},
            agencies=[agency.pk for agency in agencies],
            teams=[team.pk for team in teams],
        )
    region.is_active = False
    region.save(update_fields=["is_active"])
    trace_append(actor=actor, action=events.REGION_CLOSED, obj=region, chain=org_chain(f"region:{region.pk}"))
    return region


@transaction.atomic
def agency_close(*, actor: User | SystemActor, agency_id: int) -> Agency:
    """Close an agency: it takes no new team. Its clients stay, covered by the regional and national
    teams; its own teams close first (409 naming them), each handing its queue over."""
    require_org_admin(actor)
    agency = Agency.objects.select_for_update().filter(pk=agency_id).first()
    if agency is None:
        raise NotFound()
    if not agency.is_active:
        raise Conflict(_("This agency is already closed."))
    teams = list(agency.teams.filter(is_active=True))
    if teams:
        raise Conflict(
            _("Close its teams first: %(units)s.") % {"units": _names(teams)}, teams=[team.pk for team in teams]
        )
    agency.is_active = False
    agency.save(update_fields=["is_active"])
    trace_append(actor=actor, action=events.AGENCY_CLOSED, obj=agency, chain=org_chain(f"agency:{agency.pk}"))
    return agency


def _team_close_plan(team: Team, successor_team: Team | None) -> tuple[Plan, dict]:
    """The open work queued on the team and who takes it; refuses while people are still in it."""
    if not team.is_active:
        raise Conflict(_("This team is already closed."))
    members = team.memberships.filter(ended_at__isnull=True).count()
    if members:
        raise Conflict(
            _("People still in this team: %(count)s. Move them first, each with their handover.") % {"count": members},
            members=members,
        )
    if successor_team is not None and (
        successor_team.pk == team.pk or not successor_team.is_active or successor_team.kind != team.kind
    ):
        raise InvalidInput({"successor_team": _("Choose another open team of the same kind.")})
    return handover.team_plan(team=team, successor_team=successor_team)


@transaction.atomic
def team_close(*, actor: User | SystemActor, team_id: int, successor_team: Team | None = None) -> Plan:
    """Close a team: its group loses every right at once, and its open queued work goes to
    `successor_team` in the same step (required when there is some; each item says whether the new
    team can take it). People still in it are moved first (409), each with their own handover."""
    require_org_admin(actor)
    team = Team.objects.select_for_update().filter(pk=team_id).first()
    if team is None:
        raise NotFound()
    plan, held = _team_close_plan(team, successor_team)
    if plan.total and successor_team is None:
        raise InvalidInput(
            {"successor_team": _("Open items queued on this team: %(count)s. Choose the team that takes them.")
             % {"count": plan.total}}
        )  # fmt: skip
    if plan.total:
        handover.team_hand_over(actor=actor, team=team, successor_team=successor_team, held_by_kind=held)
    team.is_active = False
    team.save(update_fields=["is_active"])
    sync_team_permissions(team)
    trace_append(
        actor=actor,
        action=events.TEAM_CLOSED,
        obj=team,
        chain=org_chain(team.unit_chain),
        payload={
            "successor_team": successor_team.pk if successor_team is not None else None,
            **{line.key: line.count for line in plan.lines},
        },
    )
    return plan


def team_close_plan(*, actor: User | SystemActor, team_id: int, successor_team: Team | None = None) -> Plan:
    """What closing the team would hand over, to show before it is confirmed; changes nothing."""
    require_org_admin(actor)
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise NotFound()
    return _team_close_plan(team, successor_team)[0]
