"""Done 1 for portfolio potentials and campaign calls: their facts at every level against a hand count.

On top of the history of conftest.py (Monday 4 to Wednesday 6 January 2027), national marketing gives:

Monday      P1 to sales_a (client_a, deadline Tuesday), P2 to sales_a (client_a, deadline Monday),
            P3 to sales_a2 (client_a2, deadline Tuesday); launches a campaign over the north's clients for
            the national telemarketing team, whose agent is `agent`. The agent calls client_a: not reachable.
Tuesday     sales_a explores P1 (in time). The agent calls client_a again: a sale; calls client_a2: a lead.
Wednesday   sales_a explores P2 (late; it was overdue at Tuesday's end). P3 is never explored (overdue
            at Wednesday's end). The agent calls client_b (Amiens): not interested; and another Lille
            client: not reachable.

Counted by hand, read for January on Wednesday at 20:00:
- potentials due 3, explored in time 1 (P1) → 33.3 %; sales_a 1 of 2 → 50.0 %, sales_a2 0 of 1 → 0.0 %;
  explored late 1 (P2, sales_a, Wednesday); overdue at Wednesday's end 1 (P3, sales_a2).
- campaign: targets called 4 (client_a, client_a2, the other Lille client, client_b), reached 3 (client_a on
  Tuesday, client_a2, client_b) → reach 75.0 %; a lead and a sale out of 3 reached → 66.7 %.
  Lille: called 3, reached 2 → 66.7 %, converted 2 → 100.0 %; Amiens: 1, 1 → 100.0 %, 0 → 0.0 %.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine

from crm.models import Client
from reporting.build import rebuild_day
from reporting.models import DailyFact
from reporting.periods import parse_period
from reporting.scopes import load_unit
from reporting.selectors import figures
from tests.factories import ClientFactory, ProductFactory, make_member, make_team
from tests.reporting.conftest import at, write_history
from workflow.models_campaigns import CampaignTarget
from workflow.services.calls import target_record_outcome
from workflow.services.campaigns import campaign_create, campaign_launch
from workflow.services.potentials import potential_create, potential_explore

CODES = ("potentials_explored", "potentials_overdue", "campaign_reach", "campaign_conversion")


def write_potentials_and_calls(org) -> dict:
    marketing = make_member(team=make_team(kind="marketing", name="Marketing national"))
    telemarketing = make_team(kind="telemarketing", name="Télémarketing national")
    agent = make_member(team=telemarketing, username="agent")
    box = ProductFactory(code="box", name="Box pro", family="internet",
                         direct_sale_channels=["inbound_call", "outbound_call", "visit"])  # fmt: skip
    client_a2 = Client.objects.get(name="Fleuriste Roux")
    other = ClientFactory(name="Garage Nord", agency=org.agency_a, account_owner=org.sales_a)
    monday, tuesday = date(2027, 1, 4), date(2027, 1, 5)
    with time_machine.travel(at(4, 12), tick=False):
        p1 = potential_create(actor=marketing, client_id=org.client_a.pk, deadline=tuesday)
        p2 = potential_create(actor=marketing, client_id=org.client_a.pk, deadline=monday)
        potential_create(actor=marketing, client_id=client_a2.pk, deadline=tuesday)
        campaign = campaign_create(actor=marketing, name="Box pro", product_id=box.pk, starts_on=monday,
                                   ends_on=monday + timedelta(days=30), team_id=telemarketing.pk,
                                   criteria={"region": org.north.pk})  # fmt: skip
        campaign_launch(actor=marketing, campaign_id=campaign.pk)
    target = {t.client_id: t.pk for t in CampaignTarget.objects.filter(campaign=campaign)}

    def call(client, outcome, **more):
        target_record_outcome(actor=agent, target_id=target[client.pk], outcome=outcome, **more)

    with time_machine.travel(at(4, 14), tick=False):
        call(org.client_a, "not_reachable")
    with time_machine.travel(at(5, 15), tick=False):
        potential_explore(actor=org.sales_a, potential_id=p1.pk, outcome="no_potential")
        call(org.client_a, "sale", amount="300")
        call(client_a2, "lead", subject="Box pro")
    with time_machine.travel(at(6, 16), tick=False):
        potential_explore(actor=org.sales_a, potential_id=p2.pk, outcome="refused")
        call(org.client_b, "not_interested")
        call(other, "not_reachable")
    return {"agent": agent, "telemarketing": telemarketing}


@pytest.fixture
def built_more(org, wf) -> dict:
    write_history(org, wf)
    made = write_potentials_and_calls(org)
    with time_machine.travel(at(6, 20), tick=False):
        for day in (4, 5, 6):
            rebuild_day(date(2027, 1, day))
    return made


def want(potentials=None, overdue=0, reach=None, conversion=None) -> dict:
    values = (potentials, overdue, reach, conversion)
    return {code: None if value is None else Decimal(str(value)) for code, value in zip(CODES, values, strict=True)}


NATIONAL = want("33.3", 1, "75.0", "66.7")
LILLE = want("33.3", 1, "66.7", "100.0")
AMIENS = want(None, 0, "100.0", "0.0")


def expected_by_unit(org, made) -> dict:
    return {
        ("national", 0): NATIONAL,
        ("region", org.north.pk): NATIONAL,
        ("region", org.south.pk): want(),
        ("agency", org.agency_a.pk): LILLE,
        ("agency", org.agency_b.pk): AMIENS,
        ("team", org.sales_team_a.pk): want("33.3", 1),
        ("team", made["telemarketing"].pk): want(None, 0, "75.0", "66.7"),
        ("user", org.sales_a.pk): want("50.0", 0),
        ("user", org.sales_a2.pk): want("0.0", 1),
        ("user", made["agent"].pk): want(None, 0, "75.0", "66.7"),
    }


def test_potential_and_campaign_indicators_match_the_hand_count_at_every_level(built_more, org):
    with time_machine.travel(at(6, 20), tick=False):
        period = parse_period("2027-01")
        found = {key: {code: figures(unit=load_unit(*key), period=period)[code] for code in CODES}
                 for key in expected_by_unit(org, built_more)}  # fmt: skip
    assert found == expected_by_unit(org, built_more)


def test_potential_facts_fall_on_the_days_counted_by_hand(built_more, org):
    rows = DailyFact.objects.filter(metric__startswith="potentials_", person__isnull=False)
    by_day = sorted((row.day.day, row.metric, row.person_id, int(row.value)) for row in rows)
    a, a2 = org.sales_a.pk, org.sales_a2.pk
    assert by_day == sorted([
        (4, "potentials_received", a, 2), (4, "potentials_received", a2, 1), (4, "potentials_due", a, 1),
        (5, "potentials_due", a, 1), (5, "potentials_due", a2, 1), (5, "potentials_explored_in_time", a, 1),
        (5, "potentials_overdue", a, 1), (6, "potentials_explored_late", a, 1), (6, "potentials_overdue", a2, 1),
    ])  # fmt: skip


def test_campaign_facts_per_day_follow_the_calls(built_more, org):
    agent = built_more["agent"].pk
    rows = DailyFact.objects.filter(metric__startswith="campaign_", person_id=agent, agency=org.agency_a)
    by_day = sorted((row.day.day, row.metric, int(row.value)) for row in rows)
    assert by_day == [(4, "campaign_called", 1), (5, "campaign_called", 1), (5, "campaign_leads", 1),
                      (5, "campaign_reached", 2), (5, "campaign_sales", 1), (6, "campaign_called", 1)]  # fmt: skip


def test_explored_in_time_is_judged_on_the_local_day_as_the_facts_are():
    # 00:30 in Paris on Wednesday is 23:30 UTC on Tuesday: a deadline on Tuesday was missed.
    from datetime import UTC, datetime

    from workflow.models_campaigns import Potential

    potential = Potential(deadline=date(2027, 1, 5), explored_at=datetime(2027, 1, 5, 23, 30, tzinfo=UTC))
    assert potential.explored_in_time is False
    potential.explored_at = datetime(2027, 1, 5, 22, 30, tzinfo=UTC)  # 23:30 in Paris on Tuesday
    assert potential.explored_in_time is True
