"""Reads of the organisation."""

from django.db.models import Prefetch, QuerySet

from accounts.models import Agency, Membership, Team, User


def open_memberships(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, ended_at__isnull=True).select_related(
        "team", "team__agency", "team__region"
    )


def user_team_kinds(*, user: User) -> frozenset[str]:
    """The kinds of the teams the user is in now: what the navigation shows them."""
    cache = getattr(user, "_relais_team_kinds", None)
    if cache is None:
        cache = frozenset(
            Membership.objects.filter(user=user, ended_at__isnull=True).values_list("team__kind", flat=True)
        )
        user._relais_team_kinds = cache
    return cache


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
