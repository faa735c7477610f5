"""Campaigns: defined by marketing within its scope, launched into a call list, worked by the team's agents."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from common.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from crm.models import Interaction
from tests.campaigns.conftest import new_campaign
from trace.models import TraceEvent
from workflow.models import Lead
from workflow.models_campaigns import CampaignTarget, TargetOutcome, TargetStatus
from workflow.models_sales import Sale
from workflow.services.calls import target_record_outcome, target_take_next
from workflow.services.campaigns import campaign_close, campaign_create, campaign_preview

pytestmark = pytest.mark.django_db


def test_preview_counts_the_clients_the_criteria_reach(camp, sales, org):
    campaign = new_campaign(actor=camp.marketing, team=sales.telemarketing_team, product=sales.mobile,
                            region=org.north.pk, launch=False)  # fmt: skip
    assert campaign_preview(user=camp.marketing, campaign_id=campaign.pk) == len(camp.north_clients)
    agency_only = new_campaign(actor=camp.marketing, team=sales.telemarketing_team, product=sales.mobile,
                               agency=org.agency_b.pk, launch=False)  # fmt: skip
    assert campaign_preview(user=camp.marketing, campaign_id=agency_only.pk) == 1


def test_regional_marketing_is_held_to_its_region_and_its_telesales(camp, sales, org):
    today = timezone.localdate()
    base = {"name": "X", "product_id": sales.mobile.pk, "starts_on": today, "ends_on": today + timedelta(days=5)}
    with pytest.raises(InvalidInput) as refused:
        campaign_create(actor=camp.marketing_north, team_id=sales.telemarketing_team.pk, **base)
    assert "team" in refused.value.fields
    with pytest.raises(InvalidInput) as refused:
        campaign_create(actor=camp.marketing_north, team_id=sales.telesales_team.pk,
                        criteria={"region": org.south.pk}, **base)  # fmt: skip
    assert "region" in refused.value.fields
    with pytest.raises(InvalidInput) as refused:
        campaign_create(actor=camp.marketing_south, team_id=sales.telesales_team.pk, **base)
    assert "team" in refused.value.fields
    campaign = campaign_create(actor=camp.marketing_north, team_id=sales.telesales_team.pk, **base)
    assert campaign.region_id == org.north.pk
    with pytest.raises(PermissionDenied):
        campaign_create(actor=org.sales_a, team_id=sales.telesales_team.pk, **base)


def test_a_client_is_on_one_active_call_list_at_a_time(camp, sales, org, running):
    assert running.targets_total == len(camp.north_clients)
    second = new_campaign(actor=camp.marketing, team=sales.telemarketing_team, product=sales.box, region=org.north.pk)
    assert second.targets_total == 0
    campaign_close(actor=camp.marketing, campaign_id=running.pk)
    third = new_campaign(actor=camp.marketing, team=sales.telemarketing_team, product=sales.box, region=org.north.pk)
    assert third.targets_total == len(camp.north_clients)
    with pytest.raises(Conflict):
        campaign_close(actor=camp.marketing, campaign_id=running.pk)


def test_the_database_refuses_a_second_active_list_for_a_client(running, camp):
    from django.db import IntegrityError, transaction

    target = CampaignTarget.objects.filter(campaign=running).first()
    other = new_campaign(actor=camp.marketing, team=running.team, product=running.product, launch=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        CampaignTarget.objects.create(campaign=other, client=target.client, next_call_at=timezone.now())


def test_only_the_campaign_team_takes_targets_and_never_the_same_one(running, sales, org):
    first = target_take_next(actor=sales.telemarketing, campaign_id=running.pk)
    assert target_take_next(actor=sales.telemarketing, campaign_id=running.pk).pk == first.pk  # still theirs
    with pytest.raises(NotFound):
        target_take_next(actor=org.reception_a, campaign_id=running.pk)


def test_outcomes_log_interactions_trace_and_move_the_progress(running, sales, org, wf):
    agent = sales.telemarketing
    target = target_take_next(actor=agent, campaign_id=running.pk)
    target = target_record_outcome(actor=agent, target_id=target.pk, outcome=TargetOutcome.NOT_REACHABLE)
    assert target.status == TargetStatus.TO_CALL and target.attempts == 1 and target.is_active
    assert target.next_call_at > timezone.now()
    # Not reachable up to the maximum, then given up.
    for _attempt in range(running.max_attempts - 1):
        target = target_record_outcome(actor=agent, target_id=target.pk, outcome=TargetOutcome.NOT_REACHABLE)
    assert target.status == TargetStatus.DONE and not target.is_active

    second = target_take_next(actor=agent, campaign_id=running.pk)
    with pytest.raises(InvalidInput) as refused:
        target_record_outcome(actor=agent, target_id=second.pk, outcome=TargetOutcome.CALLBACK,
                              callback_after=timezone.now() + timedelta(days=400))  # fmt: skip
    assert "callback_after" in refused.value.fields
    later = timezone.now() + timedelta(days=1)
    second = target_record_outcome(actor=agent, target_id=second.pk, outcome=TargetOutcome.CALLBACK,
                                   callback_after=later, callback_before=later + timedelta(hours=2))  # fmt: skip
    assert second.status == TargetStatus.CALLBACK and second.next_call_at == later

    third = target_take_next(actor=agent, campaign_id=running.pk)
    third = target_record_outcome(actor=agent, target_id=third.pk, outcome=TargetOutcome.LEAD,
                                  subject="Veut la fibre", product_id=sales.fibre.pk)  # fmt: skip
    lead = Lead.objects.get(pk=third.lead_id)
    assert lead.assignee_id == third.client.account_owner_id and lead.sender_id == agent.pk

    fourth = target_take_next(actor=agent, campaign_id=running.pk)
    fourth = target_record_outcome(actor=agent, target_id=fourth.pk, outcome=TargetOutcome.SALE, amount="29.90")
    sale = Sale.objects.get(campaign_target=fourth)
    assert sale.closer_id == agent.pk and sale.amount == Decimal("29.90")
    event = TraceEvent.objects.filter(action="workflow.sale.recorded", object_id=str(sale.pk)).get()
    assert event.payload["campaign_target"] == fourth.pk

    running.refresh_from_db()
    assert (running.targets_done, running.reached, running.converted) == (3, 3, 2)
    assert Interaction.objects.filter(author=agent, channel="outbound_call").count() == running.max_attempts + 3
    assert TraceEvent.objects.filter(action="workflow.campaign.called").count() == running.max_attempts + 3


def test_a_complex_sale_by_telemarketing_is_refused_and_leaves_the_target(running, sales):
    agent = sales.telemarketing
    target = target_take_next(actor=agent, campaign_id=running.pk)
    with pytest.raises(InvalidInput) as refused:
        target_record_outcome(actor=agent, target_id=target.pk, outcome=TargetOutcome.SALE, amount="100",
                              product_id=sales.fibre.pk)  # fmt: skip
    assert "product" in refused.value.fields
    target.refresh_from_db()
    assert target.is_active and target.outcome == "" and not Interaction.objects.filter(author=agent).exists()


def test_an_agent_cannot_record_on_a_target_another_holds(running, sales):
    colleague = sales.telemarketing.__class__.objects.create(username="tm2")
    from accounts.rights import SYSTEM
    from accounts.services import membership_start

    membership_start(actor=SYSTEM, user=colleague, team=sales.telemarketing_team)
    target = target_take_next(actor=sales.telemarketing, campaign_id=running.pk)
    assert target_take_next(actor=colleague, campaign_id=running.pk).pk != target.pk
    with pytest.raises(Conflict):
        target_record_outcome(actor=colleague, target_id=target.pk, outcome=TargetOutcome.NOT_INTERESTED)


def test_attribution_of_campaign_sales_follows_the_rule(running, sales, org, wf):
    """A sale on a campaign call, with no lead before: the agent initiated and closed it. A lead raised on a
    campaign call and won by the account owner: the agent initiated it (docs/attribution.md)."""
    from workflow.models_sales import Credit
    from workflow.services.leads import lead_accept, lead_won

    agent = sales.telemarketing
    target = target_take_next(actor=agent, campaign_id=running.pk)
    target_record_outcome(actor=agent, target_id=target.pk, outcome=TargetOutcome.SALE, amount="30")
    sale = Sale.objects.get(campaign_target=target)
    assert {(c.person_id, c.role, c.rule) for c in Credit.objects.filter(sale=sale)} == {
        (agent.pk, "initiator", "no_initiator"), (agent.pk, "closer", "closer")}  # fmt: skip

    target = target_take_next(actor=agent, campaign_id=running.pk)
    while target.client.account_owner_id is None:
        target_record_outcome(actor=agent, target_id=target.pk, outcome=TargetOutcome.NOT_INTERESTED)
        target = target_take_next(actor=agent, campaign_id=running.pk)
    target = target_record_outcome(actor=agent, target_id=target.pk, outcome=TargetOutcome.LEAD,
                                   product_id=sales.box.pk)  # fmt: skip
    owner = target.client.account_owner
    lead_accept(lead_id=target.lead_id, user=owner, potential_amount="60", probability=50)
    lead_won(lead_id=target.lead_id, user=owner, amount="60")
    won = Sale.objects.get(lead_id=target.lead_id)
    assert {(c.person_id, c.role, c.rule) for c in Credit.objects.filter(sale=won)} == {
        (agent.pk, "initiator", "earliest_lead"), (owner.pk, "closer", "closer")}  # fmt: skip


def test_the_scheduler_closes_campaigns_past_their_end_and_frees_their_clients(running):
    import time_machine

    from workflow.tasks import potentials_scan_task

    with time_machine.travel(timezone.now() + timedelta(days=40), tick=False):
        assert potentials_scan_task.apply().get()["campaigns_closed"] == 1
        assert potentials_scan_task.apply().get()["campaigns_closed"] == 0
    running.refresh_from_db()
    assert running.status == "closed"
    assert not CampaignTarget.objects.filter(campaign=running, is_active=True).exists()
