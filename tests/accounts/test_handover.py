"""Handovers (issue 8 item 2): moving, leaving or switching off a person names who takes their open
work and accounts, in the same step, traced; routing never targets an owner who no longer covers."""

import pytest
from rest_framework.authtoken.models import Token

from accounts.models import Membership
from accounts.rights import WORK_LEADS, has_agency_perm
from accounts.services import (
    membership_end,
    membership_end_plan,
    person_reassign,
    person_reassign_plan,
    team_close,
    team_close_plan,
    user_deactivate,
    user_deactivate_plan,
    user_update,
)
from common.errors import Conflict, InvalidInput
from crm.models import Client
from crm.services import client_update
from tests.factories import ClientFactory, make_member, make_team
from trace.models import TraceEvent
from workflow.models import Category, Lead, LeadStatus, RequestStatus, ServiceRequest
from workflow.services.leads import lead_accept, lead_create
from workflow.services.requests import service_request_claim, service_request_create


@pytest.fixture
def sales_b_team(org):
    return make_team(kind="sales", agency=org.agency_b, name="Commerciaux Amiens")


@pytest.fixture
def two_leads(org):
    """Two open leads of Sophie (sales_a, owner of client_a), one accepted."""
    first = lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre")
    second = lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Mobile fleet")
    lead_accept(lead_id=second.pk, user=org.sales_a, potential_amount="1200", probability=50)
    assert {first.assignee_id, second.assignee_id} == {org.sales_a.pk}
    return first, second


def _membership(user):
    return Membership.objects.get(user=user, ended_at__isnull=True)


def test_moving_a_salesperson_hands_leads_and_accounts_to_the_successor_and_new_leads_follow(
    org, sales_b_team, two_leads
):
    plan = person_reassign_plan(actor=org.admin, membership_id=_membership(org.sales_a).pk, to_team=sales_b_team,
                                successors={"leads": org.sales_a2, "accounts": org.sales_a2})  # fmt: skip
    assert {line.key: (line.count, line.successor) for line in plan.lines} == {
        "requests": (0, None), "leads": (2, org.sales_a2), "accounts": (1, org.sales_a2),
    }  # fmt: skip
    assert org.sales_a2 in next(line for line in plan.lines if line.key == "leads").candidates

    change = person_reassign(actor=org.admin, membership_id=_membership(org.sales_a).pk, to_team=sales_b_team,
                             successors={"leads": org.sales_a2, "accounts": org.sales_a2})  # fmt: skip

    assert change.membership.team == sales_b_team
    assert change.handover.as_dict() == plan.as_dict()
    for lead in Lead.objects.filter(pk__in=[lead.pk for lead in two_leads]):
        assert (lead.assignee, lead.team) == (org.sales_a2, org.sales_team_a)
        assert lead.routing_reason == {"code": "handed_over", "by": org.admin.pk, "user": org.sales_a2.pk,
                                       "team": org.sales_team_a.pk}  # fmt: skip
    assert Lead.objects.get(pk=two_leads[1].pk).status == LeadStatus.ACCEPTED  # the work goes on where it was
    assert Client.objects.get(pk=org.client_a.pk).account_owner == org.sales_a2
    # Traced: the summary on the organisation's chain, each item and account on its client's chain.
    summary = TraceEvent.objects.get(action="accounts.person.handed_over")
    assert summary.payload == {"user": org.sales_a.pk, "reason": "moved", "requests": {"count": 0, "to": None},
                               "leads": {"count": 2, "to": org.sales_a2.pk},
                               "accounts": {"count": 1, "to": org.sales_a2.pk}}  # fmt: skip
    assert TraceEvent.objects.filter(action="workflow.lead.handed_over", client_id=org.client_a.pk).count() == 2
    assert TraceEvent.objects.filter(action="crm.client.account_handed_over", client_id=org.client_a.pk).count() == 1

    new_lead = lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Alarm")
    assert new_lead.assignee == org.sales_a2


def test_without_a_successor_leads_go_to_the_agencys_sales_team_and_the_account_has_no_owner(
    org, sales_b_team, two_leads
):
    change = person_reassign(actor=org.admin, membership_id=_membership(org.sales_a).pk, to_team=sales_b_team)

    assert [(line.key, line.count, line.successor) for line in change.handover.lines] == [
        ("requests", 0, None), ("leads", 2, None), ("accounts", 1, None),
    ]  # fmt: skip
    assert set(Lead.objects.values_list("assignee", "team")) == {(None, org.sales_team_a.pk)}
    assert Client.objects.get(pk=org.client_a.pk).account_owner is None
    assert lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Alarm").team == org.sales_team_a


def test_a_successor_who_does_not_cover_the_clients_is_refused_and_nothing_moves(org, sales_b_team, two_leads):
    elsewhere = make_member(team=sales_b_team, username="sales_b")
    with pytest.raises(InvalidInput) as refused:
        person_reassign(actor=org.admin, membership_id=_membership(org.sales_a).pk, to_team=sales_b_team,
                        successors={"leads": elsewhere})  # fmt: skip
    assert "leads" in refused.value.fields["handover"]
    assert _membership(org.sales_a).team == org.sales_team_a
    assert set(Lead.objects.values_list("assignee", flat=True)) == {org.sales_a.pk}
    assert not TraceEvent.objects.filter(action__in=["accounts.person.reassigned", "workflow.lead.handed_over"])


def test_the_leaver_cannot_be_their_own_successor_and_unknown_kinds_are_named(org, sales_b_team, two_leads):
    membership = _membership(org.sales_a)
    with pytest.raises(InvalidInput) as refused:
        person_reassign_plan(actor=org.admin, membership_id=membership.pk, to_team=sales_b_team,
                             successors={"accounts": org.sales_a})  # fmt: skip
    assert "accounts" in refused.value.fields["handover"]
    with pytest.raises(InvalidInput) as refused:
        person_reassign_plan(actor=org.admin, membership_id=membership.pk, to_team=sales_b_team,
                             successors={"cars": org.sales_a2})  # fmt: skip
    assert "cars" in refused.value.fields["handover"]


def test_a_move_that_keeps_the_agency_covered_hands_nothing_over(org, two_leads):
    regional_sales = make_team(kind="sales", region=org.north, name="Grands comptes Nord")
    change = person_reassign(actor=org.admin, membership_id=_membership(org.sales_a).pk, to_team=regional_sales)
    assert change.handover.total == 0
    assert set(Lead.objects.values_list("assignee", flat=True)) == {org.sales_a.pk}
    assert not TraceEvent.objects.filter(action="accounts.person.handed_over").exists()


@pytest.fixture
def billing(org):
    return Category.objects.create(code="billing", name="Billing", response_hours=4, resolution_hours=48,
                                   default_team_kind="billing")  # fmt: skip


def test_a_back_office_agent_who_leaves_their_team_puts_their_requests_back_in_its_queue(org, billing):
    request = service_request_create(sender=org.reception_a, client_id=org.client_a.pk, category="billing",
                                     subject="Invoice twice")  # fmt: skip
    service_request_claim(request_id=request.pk, user=org.billing_north)

    plan = membership_end_plan(actor=org.admin, membership_id=_membership(org.billing_north).pk)
    assert [(line.key, line.count) for line in plan.lines if line.count] == [("requests", 1)]
    membership_end(actor=org.admin, membership_id=_membership(org.billing_north).pk)

    request.refresh_from_db()
    assert (request.team, request.assignee, request.status) == (org.billing_team_north, None, RequestStatus.NEW)
    event = TraceEvent.objects.get(action="workflow.request.handed_over")
    assert event.payload["from"] == org.billing_north.pk and event.payload["to"] is None


def test_a_request_goes_to_a_successor_only_if_they_are_in_its_team(org, billing):
    request = service_request_create(sender=org.reception_a, client_id=org.client_a.pk, category="billing",
                                     subject="Invoice twice")  # fmt: skip
    service_request_claim(request_id=request.pk, user=org.billing_north)
    colleague = make_member(team=org.billing_team_north, username="billing_north2")
    with pytest.raises(InvalidInput):
        membership_end(actor=org.admin, membership_id=_membership(org.billing_north).pk,
                       successors={"requests": org.reception_a})  # fmt: skip
    membership_end(actor=org.admin, membership_id=_membership(org.billing_north).pk,
                   successors={"requests": colleague})  # fmt: skip
    request.refresh_from_db()
    assert (request.assignee, request.status) == (colleague, RequestStatus.ASSIGNED)


def test_switching_someone_off_hands_everything_over_and_revokes_their_key(org, two_leads):
    Token.objects.create(user=org.sales_a)
    with pytest.raises(Conflict) as refused:
        user_update(actor=org.admin, user_id=org.sales_a.pk, is_active=False)
    assert refused.value.extra["handover"]["leads"]["count"] == 2

    preview = user_deactivate_plan(actor=org.admin, user_id=org.sales_a.pk, successors={"leads": org.sales_a2})
    plan = user_deactivate(actor=org.admin, user_id=org.sales_a.pk, successors={"leads": org.sales_a2})

    assert plan.as_dict() == preview.as_dict()
    org.sales_a.refresh_from_db()
    assert not org.sales_a.is_active
    assert not Token.objects.filter(user=org.sales_a).exists()
    assert set(Lead.objects.values_list("assignee", flat=True)) == {org.sales_a2.pk}
    assert Client.objects.get(pk=org.client_a.pk).account_owner is None
    assert TraceEvent.objects.filter(action="accounts.user.deactivated").count() == 1
    with pytest.raises(Conflict):
        user_deactivate(actor=org.admin, user_id=org.sales_a.pk)


def test_routing_passes_over_an_owner_who_no_longer_covers_the_clients_agency(org, sales_b_team):
    # An owner set before the rule held (or by a path that forgot it): the lead goes to the agency's team.
    elsewhere = make_member(team=sales_b_team, username="sales_b")
    Client.objects.filter(pk=org.client_a.pk).update(account_owner=elsewhere)
    assert not has_agency_perm(elsewhere, WORK_LEADS, org.agency_a.pk)
    lead = lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre")
    assert (lead.assignee, lead.team) == (None, org.sales_team_a)


def test_closing_a_team_hands_its_queue_to_a_team_of_the_same_kind_and_removes_its_rights(org, billing):
    request = service_request_create(sender=org.reception_a, client_id=org.client_a.pk, category="billing",
                                     subject="Invoice twice")  # fmt: skip
    other_billing = make_team(kind="billing", agency=org.agency_a, name="Facturation Lille")
    with pytest.raises(Conflict):  # people are still in it: each moves with their own handover first
        team_close(actor=org.admin, team_id=org.billing_team_north.pk, successor_team=other_billing)
    membership_end(actor=org.admin, membership_id=_membership(org.billing_north).pk)
    assert team_close_plan(actor=org.admin, team_id=org.billing_team_north.pk).total == 1
    with pytest.raises(InvalidInput) as refused:
        team_close(actor=org.admin, team_id=org.billing_team_north.pk)
    assert "successor_team" in refused.value.fields
    with pytest.raises(InvalidInput):
        team_close(actor=org.admin, team_id=org.billing_team_north.pk, successor_team=org.reception_team_a)
    # The Lille team covers Lille only: an Amiens request in the queue could not go there.
    amiens = service_request_create(sender=org.reception_b, client_id=org.client_b.pk, category="billing",
                                    subject="Refund")  # fmt: skip
    with pytest.raises(InvalidInput):
        team_close(actor=org.admin, team_id=org.billing_team_north.pk, successor_team=other_billing)
    ServiceRequest.objects.filter(pk=amiens.pk).update(status=RequestStatus.CANCELLED)

    plan = team_close(actor=org.admin, team_id=org.billing_team_north.pk, successor_team=other_billing)

    assert plan.as_dict()["requests"]["count"] == 1
    request.refresh_from_db()
    assert (request.team, request.assignee, request.status) == (other_billing, None, RequestStatus.NEW)
    org.billing_team_north.refresh_from_db()
    assert not org.billing_team_north.is_active
    assert not org.billing_team_north.group.agencygroupobjectpermission_set.exists()
    closed = TraceEvent.objects.get(action="accounts.team.closed")
    assert closed.payload == {"successor_team": other_billing.pk, "requests": 1, "leads": 0}


def test_an_owner_of_clients_in_two_agencies_hands_over_only_those_they_leave(org, sales_b_team):
    regional = make_team(kind="sales", region=org.north, name="Grands comptes Nord")
    keeper = make_member(team=regional, username="keeper")
    amiens_client = ClientFactory(name="Garage Amiens", agency=org.agency_b, account_owner=keeper)
    lille_client = ClientFactory(name="Café Lille", agency=org.agency_a, account_owner=keeper)
    person_reassign(actor=org.admin, membership_id=_membership(keeper).pk, to_team=sales_b_team,
                    successors={"accounts": org.sales_a2})  # fmt: skip
    assert Client.objects.get(pk=amiens_client.pk).account_owner == keeper
    assert Client.objects.get(pk=lille_client.pk).account_owner == org.sales_a2


def test_a_handed_over_account_is_an_owner_change_so_an_edit_opened_before_it_is_refused(org, sales_b_team):
    # The manager opened Boulangerie Dupont's edit page (version 1, Sophie its owner) before the move.
    opened_at = Client.objects.get(pk=org.client_a.pk).version

    person_reassign(actor=org.admin, membership_id=_membership(org.sales_a).pk, to_team=sales_b_team,
                    successors={"accounts": org.sales_a2})  # fmt: skip

    client = Client.objects.get(pk=org.client_a.pk)
    assert (client.account_owner, client.version) == (org.sales_a2, opened_at + 1)
    event = TraceEvent.objects.get(action="crm.client.account_handed_over", client_id=client.pk)
    assert event.payload == {"from": org.sales_a.pk, "to": org.sales_a2.pk, "agency": org.agency_a.pk,
                             "reason": "handover", "version": client.version}  # fmt: skip
    # Saving the page as it was would put Sophie back as the owner: refused, nothing written.
    with pytest.raises(Conflict):
        client_update(actor=org.manager_a, client_id=client.pk, version=opened_at, account_owner=org.sales_a)
    assert Client.objects.get(pk=client.pk).account_owner == org.sales_a2
