"""Done 2: building a day twice gives the same facts; the incremental refresh equals a full rebuild.

The property test plays random histories (a seeded `random.Random` per case) through the workflow's
services on a clock that moves forward by random steps, refreshing incrementally at random moments,
and compares the facts with those of a full rebuild at the end.
"""

import random
from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from common.errors import DomainError
from reporting.build import rebuild_all, rebuild_day, refresh_incremental
from reporting.models import DailyFact
from tests.factories import ClientFactory, ProductFactory, make_member, make_team
from tests.reporting.conftest import at
from workflow import services as wf_services
from workflow.models import Lead, ServiceRequest
from workflow.models_campaigns import CampaignTarget, Potential
from workflow.services import leads as lead_services
from workflow.services.calls import target_record_outcome
from workflow.services.campaigns import campaign_create, campaign_launch
from workflow.services.potentials import potential_create, potential_explore


def snapshot() -> list[tuple]:
    rows = DailyFact.objects.values_list("day", "metric", "person_id", "team_id", "agency_id", "region_id", "value")
    return sorted(rows, key=repr)


def test_rebuilding_a_day_twice_gives_the_same_facts(history):
    with time_machine.travel(at(6, 20), tick=False):
        for day in (4, 5, 6):
            rebuild_day(date(2027, 1, day))
        first = snapshot()
        for day in (4, 5, 6):
            rebuild_day(date(2027, 1, day))
            rebuild_day(date(2027, 1, day))
    assert first and snapshot() == first


def _campaign_step(rng: random.Random, org, clients, extra) -> None:
    """Marketing gives a potential, its salesperson explores one, or the agent records a campaign call."""
    choice = rng.randrange(3)
    if choice == 0:
        potential_create(actor=extra["marketing"], client_id=rng.choice(clients).pk,
                         deadline=timezone.localdate() + timedelta(days=rng.randint(0, 3)))  # fmt: skip
    elif choice == 1:
        found = list(Potential.objects.filter(explored_at__isnull=True).values_list("pk", "salesperson_id"))
        if found:
            pk, person = rng.choice(found)
            user = org.sales_a if person == org.sales_a.pk else org.sales_a2
            potential_explore(actor=user, potential_id=pk, outcome="no_potential")
    else:
        targets = list(CampaignTarget.objects.filter(is_active=True).values_list("pk", flat=True))
        if targets:
            outcome = rng.choice(["not_reachable", "not_reachable", "not_interested", "callback", "lead", "sale"])
            more = {"amount": "200"} if outcome == "sale" else {}
            if outcome == "callback":
                more = {"callback_after": timezone.now() + timedelta(hours=2)}
            target_record_outcome(actor=extra["agent"], target_id=rng.choice(targets), outcome=outcome, **more)


def _campaign_setup(org) -> dict:
    """National marketing, a telemarketing agent, a running campaign over the north's clients, a potential."""
    marketing = make_member(team=make_team(kind="marketing", name="Marketing national"))
    telemarketing = make_team(kind="telemarketing", name="Télémarketing national")
    agent = make_member(team=telemarketing)
    box = ProductFactory(code="box", name="Box", family="internet", direct_sale_channels=["outbound_call"])
    today = timezone.localdate()
    campaign = campaign_create(actor=marketing, name="Box", product_id=box.pk, starts_on=today,
                               ends_on=today + timedelta(days=60), team_id=telemarketing.pk,
                               criteria={"region": org.north.pk})  # fmt: skip
    campaign_launch(actor=marketing, campaign_id=campaign.pk)
    potential_create(actor=marketing, client_id=org.client_a.pk, deadline=today + timedelta(days=1))
    return {"marketing": marketing, "agent": agent}


def _random_step(rng: random.Random, org, clients, product, extra) -> None:
    """One random action of someone of the organisation; refused ones (409, 400) are part of life."""
    leads = list(Lead.objects.values_list("pk", "status", "assignee_id"))
    requests = list(ServiceRequest.objects.values_list("pk", "status", "team_id"))
    choice = rng.randrange(13)
    try:
        if choice >= 9:
            _campaign_step(rng, org, clients, extra)
        elif choice == 0 or not leads:
            lead_services.lead_create(sender=rng.choice([org.reception_a, org.sales_a2]),
                                      client_id=rng.choice(clients).pk, subject="Lead")  # fmt: skip
        elif choice == 1 or not requests:
            client, category = rng.choice([(org.client_a, "billing"), (org.client_b, "fault")])
            wf_services.service_request_create(sender=org.reception_a if client == org.client_a else org.reception_b,
                                               client_id=client.pk, category=category, subject="Request",
                                               fields={"invoice_number": "F"} if category == "billing" else {},
                                               confirm=True, reason="Another matter")  # fmt: skip
        elif choice == 2:
            pk, _status, assignee = rng.choice(leads)
            user = org.sales_a if assignee == org.sales_a.pk else org.sales_a2
            lead_services.lead_accept(lead_id=pk, user=user, potential_amount="100", probability=50)
        elif choice == 3:
            pk, _status, assignee = rng.choice(leads)
            user = org.sales_a if assignee == org.sales_a.pk else org.sales_a2
            if rng.random() < 0.5:
                lead_services.lead_won(lead_id=pk, user=user, amount=str(rng.randint(1, 9) * 100),
                                       product_id=product.pk, channel="visit")  # fmt: skip
            else:
                lead_services.lead_lost(lead_id=pk, user=user, reason="No")
        elif choice == 4:
            pk, _status, assignee = rng.choice(leads)
            user = org.sales_a if assignee == org.sales_a.pk else org.sales_a2
            lead_services.lead_requalify(lead_id=pk, user=user, reason="Not a lead", category="billing",
                                         fields={"invoice_number": "F"})  # fmt: skip
        elif choice == 5:
            pk, _status, team = rng.choice(requests)
            user = org.billing_north if team == org.billing_team_north.pk else org.after_sales_north
            wf_services.service_request_claim(request_id=pk, user=user)
        elif choice == 6:
            pk, _status, team = rng.choice(requests)
            user = org.billing_north if team == org.billing_team_north.pk else org.after_sales_north
            wf_services.service_request_resolve(request_id=pk, user=user, resolution="Done")
        elif choice == 7:
            pk, _status, team = rng.choice(requests)
            wf_services.service_request_transfer(request_id=pk, user=org.billing_north,
                                                 team_id=org.after_sales_team_north.pk, reason="Theirs")  # fmt: skip
        else:
            pk, status, _team = rng.choice(requests)
            user = org.reception_a if rng.random() < 0.5 else org.reception_b
            wf_services.service_request_repeat_contact(request_id=pk, user=user)
    except DomainError:
        pass


@pytest.mark.parametrize("seed", range(6))
def test_incremental_refresh_equals_a_full_rebuild(org, wf, seed):
    rng = random.Random(seed)
    clients = [org.client_a, ClientFactory(name="Fleuriste Roux", agency=org.agency_a, account_owner=org.sales_a2)]
    product = ProductFactory(code="mobile", name="Mobile", family="mobile", direct_sale_channels=["visit"])
    moment = at(4, 9)
    with time_machine.travel(moment, tick=False):
        extra = _campaign_setup(org)
    for _step in range(rng.randint(15, 35)):
        moment += timedelta(minutes=rng.choice([7, 45, 180, 600, 1440]))
        with time_machine.travel(moment, tick=False):
            _random_step(rng, org, clients, product, extra)
            if rng.random() < 0.3:
                refresh_incremental()
    moment += timedelta(hours=1)
    with time_machine.travel(moment, tick=False):
        refresh_incremental()
        incremental = snapshot()
        DailyFact.objects.all().delete()
        rebuild_all()
        full = snapshot()
    assert incremental == full
    assert any(row[1] == "leads_received" for row in full)
    # The histories include potentials and campaign calls, whose facts are compared too.
    metrics = {row[1] for row in full}
    assert {"potentials_received", "campaign_called"} <= metrics, sorted(metrics)


def test_the_refresh_command_builds_the_facts(history):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    with time_machine.travel(at(6, 20), tick=False):
        call_command("reporting_refresh", "--day", "2027-01-05", stdout=out)
        assert "1 day(s) rebuilt" in out.getvalue()
        call_command("reporting_refresh", stdout=out)  # no watermark yet: a full rebuild
        call_command("reporting_refresh", stdout=out)  # then the days since
    assert DailyFact.objects.filter(day=date(2027, 1, 6), metric="leads_lost").exists()
    assert "day(s) refreshed" in out.getvalue()


def test_beat_refreshes_every_five_minutes_and_rebuilds_at_night():
    from celery import current_app
    from django.conf import settings

    refresh, rebuild = (
        settings.CELERY_BEAT_SCHEDULE["reporting-refresh"],
        settings.CELERY_BEAT_SCHEDULE["reporting-rebuild"],
    )
    assert refresh["schedule"] == 300 and refresh["task"] in current_app.tasks
    assert rebuild["task"] in current_app.tasks and rebuild["schedule"].hour == {2}
