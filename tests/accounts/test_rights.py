"""One relation answers "who holds right R on agency A", from both sides, and one cache per request (issue 6)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import rights
from accounts.models import Membership, User
from accounts.rights import SYSTEM
from accounts.selectors import agency_managers, user_team_kinds
from accounts.services import (
    agency_create,
    delegate_grant,
    delegate_revoke,
    membership_end,
    membership_start,
    region_create,
    user_update,
)
from common.errors import Conflict, InvalidInput
from crm.selectors import clients_visible
from tests.factories import AgencyFactory, UserFactory
from trace.models import TraceEvent
from workflow.selectors import user_lead_team_ids, user_team_ids


def _fresh(user: User) -> User:
    """The user as the next request would load it (nothing memoised)."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def delegate(org) -> User:
    """Stands in for agency A's manager: `manage_unit` granted directly, in no team."""
    person = UserFactory(username="delegate_a")
    delegate_grant(actor=org.admin, user=person, agency=org.agency_a, perm=rights.MANAGE_UNIT)
    return person


def test_who_manages_an_agency_counts_its_management_team_and_its_delegates_not_the_admin(org, delegate):
    # The superuser, in no team, is not told of every agency's escalations.
    assert set(rights.people_holding(perm=rights.MANAGE_UNIT, agency_id=org.agency_a.pk)) == {org.manager_a, delegate}
    assert set(agency_managers(agency_id=org.agency_a.pk)) == {org.manager_a, delegate}
    assert list(agency_managers(agency_id=org.agency_b.pk)) == []


def test_leaving_the_team_or_being_switched_off_stops_holding_at_once(org, delegate):
    membership_end(actor=org.admin, membership_id=Membership.objects.get(user=org.manager_a).pk)
    user_update(actor=org.admin, user_id=delegate.pk, is_active=False)
    assert list(agency_managers(agency_id=org.agency_a.pk)) == []


def test_the_three_ways_of_asking_agree_for_every_right_and_agency(org, delegate):
    """people_holding, people_holding_by_agency and agencies_where are one relation read three ways."""
    agencies = [org.agency_a.pk, org.agency_b.pk, org.agency_c.pk]
    everyone = [_fresh(person) for person in User.objects.filter(is_superuser=False)]
    for perm in rights.ALL_AGENCY_PERMISSIONS:
        by_agency = rights.people_holding_by_agency(perm=perm, agency_ids=agencies)
        assert set(by_agency) == set(agencies)
        for agency_id in agencies:
            holders = list(rights.people_holding(perm=perm, agency_id=agency_id))
            assert set(by_agency[agency_id]) == set(holders), (perm, agency_id)
            assert {p.pk for p in holders} == {p.pk for p in everyone if rights.has_agency_perm(p, perm, agency_id)}


def test_many_agencies_are_answered_in_two_queries(org, delegate):
    agencies = [org.agency_a.pk, org.agency_b.pk, org.agency_c.pk]
    with CaptureQueriesContext(connection) as queries:
        # Who holds `work_leads` per agency (the workflow narrows it to salespeople for reassignments).
        candidates = rights.people_holding_by_agency(perm=rights.WORK_LEADS, agency_ids=agencies)
    assert len(queries) == 2
    assert {agency_id: set(people) for agency_id, people in candidates.items()} == {
        org.agency_a.pk: {org.manager_a, org.sales_a, org.sales_a2}, org.agency_b.pk: set(), org.agency_c.pk: set()
    }  # fmt: skip


def test_managing_a_unit_lets_a_delegate_see_what_it_holds(org, delegate):
    assert rights.agencies_where(delegate, rights.VIEW_CLIENTS) == {org.agency_a.pk}
    assert set(clients_visible(user=delegate)) == {org.client_a}
    assert rights.agencies_where(delegate, rights.WORK_LEADS) == frozenset()  # not a salesperson for all that


def test_a_requests_questions_cost_two_queries_whatever_their_number(org):
    user = _fresh(org.manager_a)
    with CaptureQueriesContext(connection) as queries:
        for perm in rights.ALL_AGENCY_PERMISSIONS:
            rights.agencies_where(user, perm)
        user_team_ids(user)
        user_lead_team_ids(user)
        user_team_kinds(user=user)
        rights.has_any(user, rights.MANAGE_UNIT)
    assert len(queries) == 2  # the agency rights, and the memberships


def test_every_part_of_the_cache_follows_a_change_made_in_the_same_request(org, delegate):
    person = org.outsider
    assert (user_team_ids(person), user_team_kinds(user=person)) == (frozenset(), frozenset())
    assert rights.agencies_where(person, rights.VIEW_CLIENTS) == frozenset()

    membership_start(actor=org.admin, user=person, team=org.sales_team_a, is_lead=True)

    assert user_team_ids(person) == user_lead_team_ids(person) == {org.sales_team_a.pk}
    assert user_team_kinds(user=person) == {"sales"}
    assert rights.agencies_where(person, rights.WORK_LEADS) == {org.agency_a.pk}

    delegate_revoke(actor=org.admin, user=delegate, agency=org.agency_a, perm=rights.MANAGE_UNIT)
    assert rights.agencies_where(delegate, rights.MANAGE_UNIT) == frozenset()


def test_an_inactive_person_holds_nothing(org):
    user_update(actor=org.admin, user_id=org.manager_a.pk, is_active=False)
    manager = _fresh(org.manager_a)
    assert rights.agencies_where(manager, rights.MANAGE_UNIT) == frozenset()
    assert user_team_ids(manager) == frozenset()


def test_a_delegate_grant_is_given_once_names_a_known_right_and_is_traced(org, delegate):
    with pytest.raises(Conflict):
        delegate_grant(actor=org.admin, user=delegate, agency=org.agency_a, perm=rights.MANAGE_UNIT)
    with pytest.raises(InvalidInput) as error:
        delegate_grant(actor=org.admin, user=delegate, agency=org.agency_a, perm="rule_the_world")
    assert "perm" in error.value.fields
    event = TraceEvent.objects.get(action="accounts.delegate.granted")
    assert (event.chain, event.payload) == (
        f"org:agency:{org.agency_a.pk}",
        {"user": delegate.pk, "agency": org.agency_a.pk, "perm": "manage_unit"},
    )


def test_a_new_agency_is_in_a_superusers_rights_at_once(db):
    admin = UserFactory(username="root", is_superuser=True)
    first = AgencyFactory()
    assert rights.agencies_where(admin, rights.MANAGE_UNIT) == {first.pk}
    region = region_create(actor=SYSTEM, name="Est", code="est")
    second = agency_create(actor=SYSTEM, name="Arras", code="arras", region=region)
    assert rights.agencies_where(admin, rights.MANAGE_UNIT) == {first.pk, second.pk}
