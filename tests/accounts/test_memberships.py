import pytest
from django.utils import timezone

from accounts import rights
from accounts.models import Membership, User
from accounts.services import membership_end, membership_start, person_reassign, team_create
from common.errors import Conflict, InvalidInput, NotFound
from crm.selectors import client_get_for_user, clients_visible
from trace.models import TraceEvent


def _fresh(user: User) -> User:
    """The user as the next request would load it (no memoised rights)."""
    return User.objects.get(pk=user.pk)


def test_role_map_gives_reception_the_front_line_rights_on_its_agency_only(org):
    user = org.reception_a
    assert rights.agencies_where(user, rights.VIEW_CLIENTS) == {org.agency_a.pk}
    assert rights.agencies_where(user, rights.CREATE_LEADS) == {org.agency_a.pk}
    assert rights.agencies_where(user, rights.WORK_LEADS) == frozenset()
    assert rights.agencies_where(user, rights.SELL_COMPLEX) == frozenset()
    assert user.has_perm("accounts.view_clients", org.agency_a)  # guardian agrees
    assert not user.has_perm("accounts.view_clients", org.agency_b)


def test_regional_team_covers_an_agency_opened_later_in_its_region(org):
    from accounts.services import agency_create

    new = agency_create(actor=org.admin, name="Arras", code="arras", region=org.north)
    assert new.pk in rights.agencies_where(_fresh(org.billing_north), rights.VIEW_CLIENTS)
    assert new.pk not in rights.agencies_where(_fresh(org.reception_a), rights.VIEW_CLIENTS)


def test_reassigning_moves_rights_on_the_next_request_and_keeps_history(org):
    user = org.reception_a
    assert client_get_for_user(user=user, client_id=org.client_a.pk)
    membership = Membership.objects.get(user=user, team=org.reception_team_a, ended_at__isnull=True)

    new = person_reassign(actor=org.admin, membership_id=membership.pk, to_team=org.reception_team_b).membership

    next_request_user = _fresh(user)
    assert list(clients_visible(user=next_request_user)) == [org.client_b]
    with pytest.raises(NotFound):
        client_get_for_user(user=next_request_user, client_id=org.client_a.pk)
    history = Membership.objects.filter(user=user).order_by("started_at", "pk")
    assert [(m.team, m.is_open) for m in history] == [(org.reception_team_a, False), (org.reception_team_b, True)]
    assert history[0].ended_at == new.started_at
    actions = list(TraceEvent.objects.filter(chain__startswith="org:").values_list("action", flat=True))
    assert actions[-3:] == ["accounts.membership.ended", "accounts.membership.started", "accounts.person.reassigned"]


def test_a_person_in_two_teams_holds_the_union_of_their_rights(org):
    membership_start(actor=org.admin, user=org.reception_a, team=org.reception_team_b)
    assert rights.agencies_where(_fresh(org.reception_a), rights.VIEW_CLIENTS) == {org.agency_a.pk, org.agency_b.pk}


def test_ending_a_membership_twice_is_a_conflict(org):
    membership = Membership.objects.get(user=org.reception_a, ended_at__isnull=True)
    membership_end(actor=org.admin, membership_id=membership.pk)
    with pytest.raises(Conflict):
        membership_end(actor=org.admin, membership_id=membership.pk)
    assert rights.agencies_where(_fresh(org.reception_a), rights.VIEW_CLIENTS) == frozenset()


def test_joining_a_team_twice_is_a_conflict(org):
    with pytest.raises(Conflict):
        membership_start(actor=org.admin, user=org.reception_a, team=org.reception_team_a)


def test_reassigning_to_the_same_team_is_a_conflict(org):
    membership = Membership.objects.get(user=org.reception_a, ended_at__isnull=True)
    with pytest.raises(Conflict):
        person_reassign(actor=org.admin, membership_id=membership.pk, to_team=org.reception_team_a)


def test_a_membership_cannot_end_before_it_started(org):
    membership = Membership.objects.get(user=org.reception_a, ended_at__isnull=True)
    with pytest.raises(InvalidInput) as error:
        membership_end(actor=org.admin, membership_id=membership.pk,
                       ended_at=membership.started_at - timezone.timedelta(days=1))  # fmt: skip
    assert "ended_at" in error.value.fields


@pytest.mark.parametrize(
    ("scope", "with_agency", "with_region", "field"),
    [("agency", False, False, "agency"), ("region", True, False, "region"), ("national", False, True, "scope")],
)
def test_a_team_names_exactly_the_unit_of_its_scope(org, scope, with_agency, with_region, field):
    with pytest.raises(InvalidInput) as error:
        team_create(actor=org.admin, name="X", kind="billing", scope=scope,
                    agency=org.agency_a if with_agency else None, region=org.north if with_region else None)  # fmt: skip
    assert field in error.value.fields


def test_people_without_memberships_see_nothing(org):
    assert list(clients_visible(user=org.outsider)) == []
