"""Every write to the organisation. Each one appends a trace event on the unit's chain.

Every service checks its actor first (`require_org_admin`), whatever door calls it: an organisation
admin, or `SYSTEM` for commands that run outside any request (`seed_demo`). Every change of who holds
what calls `forget_rights()`, so rights read later in the same process are the new ones.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from accounts import events, handover, passwords
from accounts.handover import Plan
from accounts.models import Agency, AgencyUserObjectPermission, Membership, Region, Team, TeamKind, TeamScope, User
from accounts.rights import (
    ALL_AGENCY_PERMISSIONS,
    NOTHING,
    Coverage,
    SystemActor,
    coverage_after,
    forget_rights,
    require_org_admin,
    sync_team_permissions,
)
from common.authentication import api_token_is_valid
from common.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from trace.services import org_chain, trace_append

# No date in the organisation's history is older than this: earlier input is a typo (issue 7, finding 12).
EARLIEST_DATE = datetime(2000, 1, 1, tzinfo=timezone.get_fixed_timezone(0))


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


@transaction.atomic
def user_create(
    *,
    actor: User | SystemActor,
    username: str,
    password: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    is_active: bool = True,
    language: str = "",
) -> User:
    require_org_admin(actor)
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput({"username": _("This username is taken.")})
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_active=is_active,
        language=language,
    )
    if password:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise InvalidInput({"password": list(error.messages)}) from None
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    trace_append(
        actor=actor, action=events.USER_CREATED, obj=user, chain=org_chain("national"), payload={"user": user.pk}
    )
    return user


@transaction.atomic
def membership_start(
    *, actor: User | SystemActor, user: User, team: Team, started_at: datetime | None = None, is_lead: bool = False
) -> Membership:
    """Open a membership: the person holds the team's rights from `started_at` (default now), on their
    next request from then; a start planned ahead grants nothing before it (`Membership.in_force`)."""
    require_org_admin(actor)
    if not team.is_active:
        raise Conflict(_("This team is closed."))
    started_at = started_at or timezone.now()
    _check_membership_date("started_at", started_at)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(user=user, team=team, started_at=started_at, is_lead=is_lead)
    except IntegrityError:
        raise Conflict(_("%(user)s is already a member of %(team)s.") % {"user": user, "team": team}) from None
    user.groups.add(team.group)
    forget_rights()
    trace_append(
        actor=actor,
        action=events.MEMBERSHIP_STARTED,
        obj=membership,
        chain=org_chain(team.unit_chain),
        payload={"user": user.pk, "team": team.pk, "started_at": started_at.isoformat()},
    )
    return membership


def _check_membership_date(field: str, value: datetime) -> None:
    """A membership's dates are real dates of the organisation's life, not typos (issue 7, finding 12)."""
    latest = timezone.now() + timedelta(days=settings.MEMBERSHIP_MAX_DAYS_AHEAD)
    if value < EARLIEST_DATE:
        raise InvalidInput({field: _("A date before the year 2000 is not a date of this organisation.")})
    if value > latest:
        raise InvalidInput(
            {field: _("No more than %(days)s days ahead.") % {"days": settings.MEMBERSHIP_MAX_DAYS_AHEAD}}
        )


def _lock_person(user_id: int) -> User:
    """The person, locked for the transaction: moves, exits and switches of one person happen one at a time."""
    person = User.objects.select_for_update().filter(pk=user_id).first()
    if person is None:
        raise NotFound()
    return person


def _lock_membership(membership_id: int) -> Membership:
    """The membership and its person, locked (person first, always in that order, so writers never cross)."""
    found = Membership.objects.filter(pk=membership_id).values_list("user_id", flat=True).first()
    if found is None:
        raise NotFound()
    _lock_person(found)
    membership = Membership.objects.select_for_update().select_related("team", "user").get(pk=membership_id)
    if membership.ended_at is not None:
        raise Conflict(_("This membership has already ended."), status="ended")
    return membership


def _close_membership(*, actor: User | SystemActor, membership: Membership, ended_at: datetime) -> None:
    """End a locked membership at `ended_at`; the person loses the team's rights at once."""
    if ended_at < membership.started_at:
        raise InvalidInput({"ended_at": _("A membership cannot end before it starts.")})
    membership.ended_at = ended_at
    membership.save(update_fields=["ended_at"])
    membership.user.groups.remove(membership.team.group)
    forget_rights()
    trace_append(
        actor=actor,
        action=events.MEMBERSHIP_ENDED,
        obj=membership,
        chain=org_chain(membership.team.unit_chain),
        payload={"user": membership.user_id, "team": membership.team_id, "ended_at": ended_at.isoformat()},
    )


def _hand_over(
    *,
    actor: User | SystemActor,
    person: User,
    coverage: Coverage,
    successors: Mapping[str, User | None] | None,
    reason: str,
    chain: str,
) -> Plan:
    """Give what `person` will no longer cover to the successors (or the queues), traced; the plan done."""
    plan, held = handover.person_plan(person=person, coverage=coverage, successors=successors)
    if plan.total:
        handover.person_hand_over(actor=actor, plan=plan, held_by_kind=held)
        trace_append(
            actor=actor,
            action=events.PERSON_HANDED_OVER,
            obj=person,
            chain=org_chain(chain),
            payload={"user": person.pk, "reason": reason, **plan.trace_payload()},
        )
    return plan


@dataclass(frozen=True)
class MembershipChange:
    """A membership ended or started, with what the person handed over in the same step."""

    membership: Membership
    handover: Plan


@transaction.atomic
def membership_end(
    *,
    actor: User | SystemActor,
    membership_id: int,
    ended_at: datetime | None = None,
    successors: Mapping[str, User | None] | None = None,
) -> MembershipChange:
    """Close a membership; the history keeps it. The person loses the team's rights at once, and what
    they will no longer cover goes to `successors` (per kind of `accounts.handover`; missing or None:
    the queue), in the same transaction.

    `ended_at` is now or in the past, never later: rights end when the membership says they do.
    """
    require_org_admin(actor)
    membership = _lock_membership(membership_id)
    now = timezone.now()
    ended_at = ended_at or now
    if ended_at > now + timedelta(minutes=1):
        raise InvalidInput({"ended_at": _("A membership ends now or at a past date, not later.")})
    _check_membership_date("ended_at", ended_at)
    coverage = coverage_after(user=membership.user, leaving=[membership.pk])
    _close_membership(actor=actor, membership=membership, ended_at=ended_at)
    plan = _hand_over(
        actor=actor, person=membership.user, coverage=coverage, successors=successors, reason="left",
        chain=membership.team.unit_chain,
    )  # fmt: skip
    return MembershipChange(membership=membership, handover=plan)


def membership_end_plan(
    *, actor: User | SystemActor, membership_id: int, successors: Mapping[str, User | None] | None = None
) -> Plan:
    """What ending the membership would hand over, to show before it is confirmed; changes nothing."""
    require_org_admin(actor)
    membership = Membership.objects.select_related("user").filter(pk=membership_id).first()
    if membership is None:
        raise NotFound()
    coverage = coverage_after(user=membership.user, leaving=[membership.pk])
    return handover.person_plan(person=membership.user, coverage=coverage, successors=successors, with_candidates=True)[
        0
    ]


def _check_move(membership: Membership, to_team: Team) -> None:
    if membership.team_id == to_team.pk:
        raise Conflict(_("This person is already in that team."))
    if not to_team.is_active:
        raise Conflict(_("This team is closed."))


@transaction.atomic
def person_reassign(
    *,
    actor: User | SystemActor,
    membership_id: int,
    to_team: Team,
    successors: Mapping[str, User | None] | None = None,
) -> MembershipChange:
    """Move a person: end one membership and open another at the same instant, and hand over what the
    person will no longer cover (to `successors`, per kind; missing or None: the queue), in one step.

    Concurrent moves of one person are serialised on the person's row: of twenty simultaneous moves of
    one membership, one is done and the others find it ended (409).
    """
    require_org_admin(actor)
    current = _lock_membership(membership_id)
    _check_move(current, to_team)
    coverage = coverage_after(user=current.user, leaving=[current.pk], joining=to_team)
    now = timezone.now()
    _close_membership(actor=actor, membership=current, ended_at=now)
    new = membership_start(actor=actor, user=current.user, team=to_team, started_at=now)
    trace_append(
        actor=actor,
        action=events.PERSON_REASSIGNED,
        obj=new,
        chain=org_chain(to_team.unit_chain),
        payload={"user": current.user_id, "from_team": current.team_id, "to_team": to_team.pk},
    )
    plan = _hand_over(
        actor=actor, person=current.user, coverage=coverage, successors=successors, reason="moved",
        chain=to_team.unit_chain,
    )  # fmt: skip
    return MembershipChange(membership=new, handover=plan)


def person_reassign_plan(
    *,
    actor: User | SystemActor,
    membership_id: int,
    to_team: Team,
    successors: Mapping[str, User | None] | None = None,
) -> Plan:
    """What moving the person would hand over, to show before it is confirmed; changes nothing."""
    require_org_admin(actor)
    current = Membership.objects.select_related("user", "team").filter(pk=membership_id).first()
    if current is None:
        raise NotFound()
    if current.ended_at is not None:
        raise Conflict(_("This membership has already ended."), status="ended")
    _check_move(current, to_team)
    coverage = coverage_after(user=current.user, leaving=[current.pk], joining=to_team)
    return handover.person_plan(person=current.user, coverage=coverage, successors=successors, with_candidates=True)[0]


@transaction.atomic
def user_set_language(*, actor: User, language: str) -> User:
    """A person chooses their own language (empty: the browser's); nobody sets it for someone else."""
    if not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("Sign in to choose your language."))
    if language and language not in dict(settings.LANGUAGES):
        raise InvalidInput({"language": _("Unknown language.")})
    actor.language = language
    actor.save(update_fields=["language"])
    return actor


USER_EDITABLE_FIELDS = ("email", "first_name", "last_name", "is_active")


@transaction.atomic
def user_update(*, actor: User | SystemActor, user_id: int, **data: object) -> User:
    """Change a person's identity, or switch their access off or on (`is_active`).

    Switching off here hands nothing over: it is refused (409, with what the person holds) when the
    person holds open work or accounts, which `user_deactivate` then hands over by name.
    """
    require_org_admin(actor)
    unknown = set(data) - set(USER_EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput({field: _("This field cannot be changed.") for field in sorted(unknown)})
    user = _lock_person(user_id)
    if "is_active" in data and data["is_active"] != user.is_active:
        if data["is_active"]:
            _reactivate(actor=actor, person=user)
        else:
            plan = handover.person_plan(person=user, coverage=NOTHING, successors=None)[0]
            if plan.total:
                raise Conflict(
                    _("This person still holds open work or accounts: switch them off with a handover."),
                    handover=plan.as_dict(),
                )
            _deactivate(actor=actor, person=user, successors=None)
    changed = sorted(field for field, value in data.items() if field != "is_active" and getattr(user, field) != value)
    for field in changed:
        setattr(user, field, data[field])
    if changed:
        user.save(update_fields=changed)
        # Payloads carry field names, never the values: they may be personal data.
        trace_append(
            actor=actor,
            action=events.USER_UPDATED,
            obj=user,
            chain=org_chain("national"),
            payload={"user": user.pk, "fields": changed},
        )
    return user


def _deactivate(*, actor: User | SystemActor, person: User, successors: Mapping[str, User | None] | None) -> Plan:
    """Switch a locked person off: hand everything over, revoke their API key; sessions die with it
    (Django signs nobody in as an inactive user). Their memberships stay, for a possible return."""
    if actor.pk == person.pk:
        raise InvalidInput({"is_active": _("You cannot switch off your own access.")})
    plan = _hand_over(
        actor=actor, person=person, coverage=NOTHING, successors=successors, reason="deactivated", chain="national"
    )
    person.is_active = False
    person.save(update_fields=["is_active"])
    Token.objects.filter(user=person).delete()
    forget_rights()  # an inactive person holds nothing
    trace_append(
        actor=actor,
        action=events.USER_DEACTIVATED,
        obj=person,
        chain=org_chain("national"),
        payload={"user": person.pk},
    )
    return plan


def _reactivate(*, actor: User | SystemActor, person: User) -> None:
    person.is_active = True
    person.save(update_fields=["is_active"])
    forget_rights()
    trace_append(
        actor=actor,
        action=events.USER_REACTIVATED,
        obj=person,
        chain=org_chain("national"),
        payload={"user": person.pk},
    )


@transaction.atomic
def user_deactivate(
    *, actor: User | SystemActor, user_id: int, successors: Mapping[str, User | None] | None = None
) -> Plan:
    """Switch a person's access off, handing over all their open work and accounts (per kind, to
    `successors`; missing or None: the queue) in the same step. Answers what was handed over."""
    require_org_admin(actor)
    person = _lock_person(user_id)
    if not person.is_active:
        raise Conflict(_("This person's access is already off."))
    return _deactivate(actor=actor, person=person, successors=successors)


def user_deactivate_plan(
    *, actor: User | SystemActor, user_id: int, successors: Mapping[str, User | None] | None = None
) -> Plan:
    """What switching the person off would hand over, to show before it is confirmed; changes nothing."""
    require_org_admin(actor)
    person = User.objects.filter(pk=user_id).first()
    if person is None:
        raise NotFound()
    return handover.person_plan(person=person, coverage=NOTHING, successors=successors, with_candidates=True)[0]


@transaction.atomic
def user_reactivate(*, actor: User | SystemActor, user_id: int) -> User:
    """Switch a person's access on again: the teams they were still in give their rights back."""
    require_org_admin(actor)
    person = _lock_person(user_id)
    if person.is_active:
        raise Conflict(_("This person's access is already on."))
    _reactivate(actor=actor, person=person)
    return person


@transaction.atomic
def user_send_password_reset(*, actor: User | SystemActor, user_id: int) -> User:
    """E-mail the person a link to choose a new password (Django's reset flow), once this commits.

    Also how a person created without a password gets one. Their current password keeps working
    until they choose the new one; choosing it revokes their API key (`common.authentication`).
    """
    require_org_admin(actor)
    person = _lock_person(user_id)
    if not person.is_active:
        raise Conflict(_("This person's access is off: switch it on before sending a link."))
    if not person.email:
        raise InvalidInput({"email": _("This person has no e-mail address to send the link to.")})
    transaction.on_commit(lambda: passwords.send_reset_link(person), robust=True)
    # The payload names the person only: the address and the link are never traced.
    trace_append(
        actor=actor,
        action=events.PASSWORD_RESET_SENT,
        obj=person,
        chain=org_chain("national"),
        payload={"user": person.pk},
    )
    return person


def api_token_issue(*, user: User) -> Token:
    """The person's API key: the current one while it is valid, else a new one in its place.

    A sign-in credential, not an organisation change: nothing to trace. One key per person; a key
    refused by `common.authentication` (expired, or older than the password) is replaced.
    """
    with transaction.atomic():
        token = Token.objects.select_for_update().filter(user=user).first()
        if token is not None and api_token_is_valid(created=token.created, user=user):
            return token
        if token is not None:
            token.delete()
        return Token.objects.create(user=user)


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


@transaction.atomic
def delegate_grant(*, actor: User | SystemActor, user: User, agency: Agency, perm: str) -> AgencyUserObjectPermission:
    """Give one person a permission on an agency directly, outside any team: a delegate while someone is away.

    The grant counts wherever rights are asked (`accounts.rights`): a delegate with `manage_unit`
    reassigns the agency's work and receives its escalations, as its managers do.
    """
    require_org_admin(actor)
    permission = _agency_permission(perm)
    grant, created = AgencyUserObjectPermission.objects.get_or_create(
        user=user, content_object=agency, permission=permission
    )
    if not created:
        raise Conflict(_("%(user)s already holds this right on %(agency)s.") % {"user": user, "agency": agency})
    forget_rights()
    trace_append(
        actor=actor,
        action=events.DELEGATE_GRANTED,
        obj=grant,
        chain=org_chain(f"agency:{agency.pk}"),
        payload={"user": user.pk, "agency": agency.pk, "perm": perm},
    )
    return grant


@transaction.atomic
def delegate_revoke(*, actor: User | SystemActor, user: User, agency: Agency, perm: str) -> None:
    """Take back a direct grant (the absent colleague is back); the person loses it at once."""
    require_org_admin(actor)
    permission = _agency_permission(perm)
    grant = AgencyUserObjectPermission.objects.filter(user=user, content_object=agency, permission=permission).first()
    if grant is None:
        raise NotFound()
    grant_id = grant.pk
    grant.delete()
    forget_rights()
    trace_append(
        actor=actor,
        action=events.DELEGATE_REVOKED,
        object_type=AgencyUserObjectPermission._meta.label_lower,
        object_id=grant_id,
        chain=org_chain(f"agency:{agency.pk}"),
        payload={"user": user.pk, "agency": agency.pk, "perm": perm},
    )


def _agency_permission(perm: str) -> Permission:
    if perm not in ALL_AGENCY_PERMISSIONS:
        raise InvalidInput({"perm": _("Unknown right.")})
    return Permission.objects.get(content_type__app_label="accounts", content_type__model="agency", codename=perm)
