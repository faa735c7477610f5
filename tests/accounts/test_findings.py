"""Regression tests of issue 7's findings on the organisation: 10 (Django admin writes leave no trace)
and 12 (a membership starting in year 9999 granted rights at once)."""

from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from accounts.rights import VIEW_CLIENTS, agencies_where, has_agency_perm
from accounts.services import membership_end, membership_start
from common.errors import InvalidInput
from tests.factories import UserFactory, make_team
from trace.models import TraceEvent
from workflow.models import Category, RoutingRule


@pytest.fixture
def superuser_page(client, org):
    client.force_login(org.admin)
    return client


def test_finding_10_the_admin_shows_but_a_superuser_cannot_change_a_routing_rule(superuser_page, org):
    rule = RoutingRule.objects.create(order=10, name="Leads to owner", kind="lead", target_type="account_owner")
    change = reverse("admin:workflow_routingrule_change", args=[rule.pk])
    assert superuser_page.get(change).status_code == 200  # still there to look at
    events_before = TraceEvent.objects.count()

    posted = superuser_page.post(change, {"order": 1, "name": "Everything to reception", "kind": "lead",
                                          "target_type": "team", "assignment": "claim", "is_active": "on"})  # fmt: skip

    assert posted.status_code == 403
    rule.refresh_from_db()
    assert (rule.order, rule.name, rule.target_type) == (10, "Leads to owner", "account_owner")
    assert TraceEvent.objects.count() == events_before


@pytest.mark.parametrize(
    "model, make",
    [
        ("workflow_category", lambda org: Category.objects.create(code="billing", name="Billing")),
        (
            "workflow_routingrule",
            lambda org: RoutingRule.objects.create(order=1, name="R", kind="lead", target_type="account_owner"),
        ),  # fmt: skip
        ("accounts_region", lambda org: org.north),
        ("accounts_agency", lambda org: org.agency_a),
        ("accounts_team", lambda org: org.reception_team_a),
        ("accounts_user", lambda org: org.reception_a),
        ("accounts_membership", lambda org: Membership.objects.filter(user=org.reception_a).first()),
        ("auth_group", lambda org: org.reception_team_a.group),
    ],
)
def test_finding_10_every_traced_model_refuses_add_change_and_delete_in_the_admin(superuser_page, org, model, make):
    obj = make(org)
    app_label, model_name = model.split("_", 1)
    assert superuser_page.get(reverse(f"admin:{model}_changelist")).status_code == 200
    assert superuser_page.post(reverse(f"admin:{model}_add"), {"name": "x"}).status_code == 403
    assert superuser_page.post(reverse(f"admin:{model}_change", args=[obj.pk]), {"name": "x"}).status_code == 403
    assert superuser_page.post(reverse(f"admin:{model}_delete", args=[obj.pk]), {"post": "yes"}).status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_finding_10_a_groups_rights_cannot_be_edited_by_hand(superuser_page, org):
    group = org.reception_team_a.group
    before = set(group.permissions.values_list("pk", flat=True))
    superuser_page.post(reverse("admin:auth_group_change", args=[group.pk]), {"name": "hacked", "permissions": [1, 2]})
    group.refresh_from_db()
    assert group.name != "hacked" and set(group.permissions.values_list("pk", flat=True)) == before
    assert Group.objects.filter(name="hacked").count() == 0


def test_finding_12_membership_starting_later_grants_nothing_until_it_starts(org, monkeypatch):
    newcomer = UserFactory(username="newcomer")
    starts = timezone.now() + timedelta(days=30)
    membership_start(actor=org.admin, user=newcomer, team=org.reception_team_a, started_at=starts)

    assert agencies_where(newcomer, VIEW_CLIENTS) == frozenset()
    assert not has_agency_perm(newcomer, VIEW_CLIENTS, org.agency_a.pk)

    later = starts + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    newcomer = type(newcomer).objects.get(pk=newcomer.pk)  # the next request's user
    assert has_agency_perm(newcomer, VIEW_CLIENTS, org.agency_a.pk)


@pytest.mark.parametrize(
    "started_at",
    [
        datetime(9999, 1, 1, tzinfo=timezone.get_fixed_timezone(0)),
        datetime(1, 1, 1, tzinfo=timezone.get_fixed_timezone(0)),
        datetime(1999, 12, 31, tzinfo=timezone.get_fixed_timezone(0)),
    ],
)
def test_finding_12_membership_dates_out_of_bounds_are_refused(org, started_at):
    newcomer = UserFactory(username="newcomer")
    with pytest.raises(InvalidInput) as refused:
        membership_start(actor=org.admin, user=newcomer, team=org.reception_team_a, started_at=started_at)
    assert "started_at" in refused.value.fields
    assert not Membership.objects.filter(user=newcomer).exists()


def test_finding_12_membership_end_is_never_in_the_future(org):
    membership = Membership.objects.get(user=org.reception_a)
    with pytest.raises(InvalidInput) as refused:
        membership_end(actor=org.admin, membership_id=membership.pk, ended_at=timezone.now() + timedelta(days=3))
    assert "ended_at" in refused.value.fields


def test_finding_12_membership_bounds_through_the_api(org, api_as):
    newcomer = UserFactory(username="newcomer")
    response = api_as(org.admin).post(
        "/api/v1/memberships/",
        {"user": newcomer.pk, "team": org.reception_team_a.pk, "started_at": "9999-01-01T00:00:00Z"},
        format="json",
    )
    assert response.status_code == 400 and "started_at" in response.json()


def test_finding_12_a_planned_member_gets_no_work_from_the_queue(org):
    from workflow.routing import team_members

    team = make_team(kind="billing", region=org.south, name="Facturation Sud")
    planned = UserFactory(username="planned")
    membership_start(actor=org.admin, user=planned, team=team, started_at=timezone.now() + timedelta(days=2))
    assert team_members(team) == []
