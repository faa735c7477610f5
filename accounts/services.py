"""Every write to the organisation. Each one appends a trace event on the unit's chain.

Every service checks its actor first (`require_org_admin`), whatever door calls it: an organisation
admin, or `SYSTEM` for commands that run outside any request (`seed_demo`). Every change of who holds
what calls `forget_rights()`, so rights read later in the same process are the new ones.
"""

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import events
from accounts.models import Agency, AgencyUserObjectPermission, Membership, Region, Team, TeamKind, TeamScope, User
from accounts.rights import (
    ALL_AGENCY_PERMISSIONS,
    SystemActor,
    forget_rights,
    require_org_admin,
    sync_team_permissions,
)
from common.errors import Conflict, InvalidInput, NotFound, PermissionDenied
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
    """Open a membership: the person holds the team's rights from their next request."""
    require_org_admin(actor)
    if not team.is_active:
        raise Conflict(_("This team is closed."))
    started_at = started_at or timezone.now()
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


@transaction.atomic
def membership_end(*, actor: User | SystemActor, membership_id: int, ended_at: datetime | None = None) -> Membership:
    """Close a membership; the history keeps it. The person loses the team's rights at once."""
    require_org_admin(actor)
    membership = Membership.objects.select_for_update().select_related("team", "user").filter(pk=membership_id).first()
    if membership is None:
        raise NotFound()
    if membership.ended_at is not None:
        raise Conflict(_("This membership has already ended."), status="ended")
    ended_at = ended_at or timezone.now()
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
    return membership


@transaction.atomic
def person_reassign(*, actor: User | SystemActor, membership_id: int, to_team: Team) -> Membership:
    """Move a person: end one membership and open another at the same instant, in one step."""
    require_org_admin(actor)
    current = Membership.objects.select_related("team", "user").filter(pk=membership_id).first()
    if current is None:
        raise NotFound()
    if current.team_id == to_team.pk:
        raise Conflict(_("This person is already in that team."))
    now = timezone.now()
    membership_end(actor=actor, membership_id=membership_id, ended_at=now)
    new = membership_start(actor=actor, user=current.user, team=to_team, started_at=now)
    trace_append(
        actor=actor,
        action=events.PERSON_REASSIGNED,
        obj=new,
        chain=org_chain(to_team.unit_chain),
        payload={"user": current.user_id, "from_team": current.team_id, "to_team": to_team.pk},
    )
    return new


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
    """Change a person's identity or switch their access off (`is_active`); memberships stay as they are."""
    require_org_admin(actor)
    unknown = set(data) - set(USER_EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput({field: _("This field cannot be changed.") for field in sorted(unknown)})
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise NotFound()
    if data.get("is_active") is False and actor.pk == user.pk:
        raise InvalidInput({"is_active": _("You cannot switch off your own access.")})
    changed = sorted(field for field, value in data.items() if getattr(user, field) != value)
    for field in changed:
        setattr(user, field, data[field])
    if changed:
        user.save(update_fields=changed)
        if "is_active" in changed:
            forget_rights()  # an inactive person holds nothing
        # Payloads carry field names, never the values: they may be personal data.
        trace_append(
            actor=actor,
            action=events.USER_UPDATED,
            obj=user,
            chain=org_chain("national"),
            payload={"user": user.pk, "fields": changed},
        )
    return user


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
