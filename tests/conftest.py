"""Shared fixtures: a small organisation and one persona per role (Healthchecks' alice/bob/charlie).

Two regions; agency A and B in the north, C in the south. Each persona is named after what they do
and where, so a test reads as a sentence: `reception_a` must not see `client_b`.
"""

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from accounts.models import Agency, Region, Team, User
from crm.models import Client
from tests.factories import AgencyFactory, ClientFactory, RegionFactory, UserFactory, make_member, make_team


@dataclass
class Org:
    north: Region
    south: Region
    agency_a: Agency
    agency_b: Agency
    agency_c: Agency
    reception_team_a: Team
    reception_team_b: Team
    sales_team_a: Team
    billing_team_north: Team
    after_sales_team_north: Team
    management_team_a: Team
    reception_a: User
    reception_b: User
    sales_a: User
    sales_a2: User
    billing_north: User
    after_sales_north: User
    manager_a: User
    admin: User
    outsider: User
    client_a: Client
    client_b: Client
    client_c: Client


@pytest.fixture
def org(db) -> Org:
    north = RegionFactory(name="Nord", code="nord")
    south = RegionFactory(name="Sud", code="sud")
    agency_a = AgencyFactory(name="Lille", code="lille", region=north)
    agency_b = AgencyFactory(name="Amiens", code="amiens", region=north)
    agency_c = AgencyFactory(name="Marseille", code="marseille", region=south)
    reception_team_a = make_team(kind="reception", agency=agency_a, name="Accueil Lille")
    reception_team_b = make_team(kind="reception", agency=agency_b, name="Accueil Amiens")
    sales_team_a = make_team(kind="sales", agency=agency_a, name="Commerciaux Lille")
    billing_team_north = make_team(kind="billing", region=north, name="Facturation Nord")
    after_sales_team_north = make_team(kind="after_sales", region=north, name="SAV Nord")
    management_team_a = make_team(kind="management", agency=agency_a, name="Direction Lille")
    sales_a = make_member(team=sales_team_a, username="sales_a", first_name="Sophie", last_name="Martin")
    client_a = ClientFactory(name="Boulangerie Dupont", agency=agency_a, phone="03 20 12 34 56",
                             account_owner=sales_a, legal_id="552100554")  # fmt: skip
    return Org(
        north=north,
        south=south,
        agency_a=agency_a,
        agency_b=agency_b,
        agency_c=agency_c,
        reception_team_a=reception_team_a,
        reception_team_b=reception_team_b,
        sales_team_a=sales_team_a,
        billing_team_north=billing_team_north,
        after_sales_team_north=after_sales_team_north,
        management_team_a=management_team_a,
        reception_a=make_member(team=reception_team_a, username="reception_a"),
        reception_b=make_member(team=reception_team_b, username="reception_b"),
        sales_a=sales_a,
        sales_a2=make_member(team=sales_team_a, username="sales_a2"),
        billing_north=make_member(team=billing_team_north, username="billing_north"),
        after_sales_north=make_member(team=after_sales_team_north, username="after_sales_north"),
        manager_a=make_member(team=management_team_a, username="manager_a"),
        admin=UserFactory(username="admin", is_superuser=True, is_staff=True),
        outsider=UserFactory(username="outsider"),
        client_a=client_a,
        client_b=ClientFactory(name="Garage Lefèvre", agency=agency_b, phone="+33 3 22 98 76 54"),
        client_c=ClientFactory(name="Pharmacie du Port", agency=agency_c, phone="04 91 00 11 22"),
    )


@pytest.fixture
def api():
    """An API client; call `api.force_authenticate(user)` or use `api_as`."""
    return APIClient()


@pytest.fixture
def api_as():
    def login(user: User) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return login


@pytest.fixture
def page_as(client):
    """A browser-like test client logged in as the user (session auth, as a person would)."""

    def login(user: User):
        client.force_login(user)
        return client

    return login
