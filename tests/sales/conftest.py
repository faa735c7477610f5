"""Sales personas on top of the shared organisation: the catalogue, telesales and telemarketing.

Client A (Lille, agency A) is owned by `sales_a`. `telesales_north` covers the north region (agencies A
and B) and sells every product; `telemarketing` (national) and reception sell basic products only.
"""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from accounts.models import Team, User
from crm.models import Product
from tests.api.conftest import queries_of_list  # noqa: F401 - queries of one API list call
from tests.factories import ProductFactory, make_member, make_team
from tests.pages.conftest import queries_of  # noqa: F401 - queries of one page
from tests.workflow.conftest import wf  # noqa: F401 - the routing rules: a lead goes to the account owner


@dataclass
class Sales:
    mobile: Product  # basic, family "mobile"
    box: Product  # basic, family "internet"
    fibre: Product  # complex, family "internet", 20 % for the account owner
    telesales_team: Team
    telemarketing_team: Team
    telesales: User
    telemarketing: User


@pytest.fixture
def sales(org) -> Sales:
    telesales_team = make_team(kind="telesales", region=org.north, name="Télévente Nord")
    telemarketing_team = make_team(kind="telemarketing", name="Télémarketing national")
    return Sales(
        mobile=ProductFactory(code="mobile", name="Forfait mobile", family="mobile",
                              direct_sale_channels=["inbound_call", "outbound_call", "visit"]),
        box=ProductFactory(code="box", name="Box pro", family="internet",
                           direct_sale_channels=["inbound_call", "outbound_call", "visit"]),
        fibre=ProductFactory(code="fibre", name="Fibre dédiée", family="internet", complexity="complex",
                             direct_sale_channels=["visit", "outbound_call"], owner_commission_share=Decimal("20")),
        telesales_team=telesales_team,
        telemarketing_team=telemarketing_team,
        telesales=make_member(team=telesales_team, username="telesales_north"),
        telemarketing=make_member(team=telemarketing_team, username="telemarketing"),
    )  # fmt: skip
