"""Who is in which team, and since when: start and end memberships, move a person from one team to
another. Every change of membership hands over what the person will no longer cover, in the same step."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import events, handover
from accounts.handover import Plan
from accounts.models import Membership, Team, User
from accounts.rights import SystemActor, coverage_after, forget_rights, require_org_admin
from accounts.services.common import hand_over, lock_person
from common.errors import Conflict, InvalidInput, NotFound
from trace.services import org_chain, trace_append

# No date in the organisation's history is older than this: earlier input is a typo (issue 7, finding 12).
EARLIEST_DATE = datetime(2000, 1, 1, tzinfo=timezone.get_fixed_timezone(0))


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


def _lock_membership(membership_id: int) -> Membership:
    """The membership and its person, locked (person first, always in that order, so writers never cross)."""
    found = Membership.objects.filter(pk=membership_id).values_list("user_id", flat=True).first()
    if found is None:
        raise NotFound()
    lock_person(found)
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
    plan = hand_over(
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
    plan = hand_over(
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
