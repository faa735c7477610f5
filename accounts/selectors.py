"""Reads of the organisation."""

from django.db.models import Prefetch, QuerySet

from accounts import rights
from accounts.models import Agency, Membership, Region, Team, User
from common.errors import NotFound


def open_memberships(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, ended_at__isnull=True).select_related(
        "team", "team__agency", "team__region"
    )


def user_team_kinds(*, user: User) -> frozenset[str]:
    """The kinds of the teams the user is in now: what the navigation shows them."""
    return rights.team_kinds(user)


def users_with_memberships() -> QuerySet[User]:
    """People with their open memberships, for the organisation page (one query per relation)."""
    return User.objects.order_by("last_name", "first_name", "username").prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(ended_at__isnull=True).select_related("team", "team__agency"),
            to_attr="open_memberships",
        )
    )


def teams_with_units() -> QuerySet[Team]:
    return Team.objects.select_related("agency", "region").order_by("name")


def agencies() -> QuerySet[Agency]:
    return Agency.objects.select_related("region").order_by("name")


def regions() -> QuerySet[Region]:
    return Region.objects.order_by("name")


def users() -> QuerySet[User]:
    return User.objects.order_by("last_name", "first_name", "username")


def memberships() -> QuerySet[Membership]:
    """Every membership, open or ended: the history of who was where, newest first."""
    return Membership.objects.select_related("user", "team").order_by("-started_at", "-pk")


def membership_get(*, membership_id: int | str) -> Membership:
    """The membership, or NotFound; the organisation is managed by admins, who see all of it."""
    try:
        return memberships().get(pk=int(membership_id))
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def agency_managers(*, agency_id: int) -> QuerySet[User]:
    """Who escalations reach: the active people who manage the agency, through a team or as a delegate.

    `accounts.rights.people_holding` with `manage_unit` (one query): a person who left the management
    team stops receiving escalations at once, and an admin receives them only through a membership.
    """
    return rights.people_holding(perm=rights.MANAGE_UNIT, agency_id=agency_id)
