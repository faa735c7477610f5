"""Campaign personas on top of the sales ones: marketing (national and north), and a running campaign.

`telemarketing` (national team, basic products) and `telesales_north` come from tests/sales/conftest.py;
`marketing` works nationally, `marketing_north` in the north region only, `marketing_south` in the south.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Team, User
from crm.models import Client
from tests.factories import ClientFactory, make_member, make_team
from tests.sales.conftest import queries_of, queries_of_list, sales, wf  # noqa: F401
from workflow.models_campaigns import Campaign
from workflow.services.campaigns import campaign_create, campaign_launch


@dataclass
class Camp:
    marketing_team: Team
    marketing_north_team: Team
    marketing: User
    marketing_north: User
    marketing_south: User
    north_clients: list[Client]


@pytest.fixture
def camp(org, sales) -> Camp:  # noqa: F811 - the fixture imported above
    marketing_team = make_team(kind="marketing", name="Marketing national")
    marketing_north_team = make_team(kind="marketing", region=org.north, name="Marketing Nord")
    marketing_south_team = make_team(kind="marketing", region=org.south, name="Marketing Sud")
    north = [org.client_a, org.client_b]
    north += [ClientFactory(name=f"Client nord {n}", agency=org.agency_a, account_owner=org.sales_a) for n in range(3)]
    return Camp(
        marketing_team=marketing_team,
        marketing_north_team=marketing_north_team,
        marketing=make_member(team=marketing_team, username="marketing"),
        marketing_north=make_member(team=marketing_north_team, username="marketing_north"),
        marketing_south=make_member(team=marketing_south_team, username="marketing_south"),
        north_clients=north,
    )


def new_campaign(*, actor: User, team: Team, product, launch: bool = True, **criteria) -> Campaign:
    today = timezone.localdate()
    campaign = campaign_create(actor=actor, name="Mobile pro", product_id=product.pk, starts_on=today,
                               ends_on=today + timedelta(days=30), team_id=team.pk, criteria=criteria,
                               script="Bonjour, ...")  # fmt: skip
    return campaign_launch(actor=actor, campaign_id=campaign.pk) if launch else campaign


@pytest.fixture
def running(camp, sales, org) -> Campaign:  # noqa: F811
    """A campaign of the national telemarketing team over the north region's clients, launched."""
    return new_campaign(actor=camp.marketing, team=sales.telemarketing_team, product=sales.mobile, region=org.north.pk)
