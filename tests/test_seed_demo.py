"""`manage.py seed_demo`: a demo organisation people can log into, with a client record to explore.

These tests seed an empty database (not the `org` fixture: the demo brings its own people).
"""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from django.test import RequestFactory

from accounts.demo import DEMO_PASSWORD, DEMO_USERNAMES
from accounts.models import Agency, Membership, Team, TeamKind, User
from crm.models import Client, Complexity, Contact, Holding, Interaction, Product
from crm.selectors import client_lookup_phone, clients_visible
from trace.models import TraceEvent

pytestmark = pytest.mark.django_db


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", clients=20, interactions_per_client=3, stdout=out, **options)
    return out.getvalue()


def test_every_kind_of_team_exists_with_its_people():
    seed()

    assert set(Team.objects.values_list("kind", flat=True)) == set(TeamKind.values)
    assert set(Agency.objects.values_list("name", flat=True)) == {"Lille", "Amiens", "Marseille", "Nice"}
    staffed_kinds = set(Membership.objects.filter(ended_at__isnull=True).values_list("team__kind", flat=True))
    assert staffed_kinds == set(TeamKind.values)


def test_every_demo_login_works_with_the_shared_password():
    output = seed()

    request = RequestFactory().post("/accounts/login/")
    for username in DEMO_USERNAMES:
        assert authenticate(request, username=username, password=DEMO_PASSWORD) is not None, username
        assert username in output
    assert DEMO_PASSWORD in output
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert 24 <= User.objects.count() <= 28


def test_reception_in_lille_sees_only_lille_clients_and_finds_the_showcase_by_phone():
    seed()
    reception = User.objects.get(username="reception_lille")

    visible = clients_visible(user=reception)
    assert visible.exists()
    assert set(visible.values_list("agency__code", flat=True)) == {"lille"}
    assert visible.count() == Client.objects.filter(agency__code="lille").count()
    assert [c.name for c in client_lookup_phone(user=reception, phone="+33 3 20 12 34 56")] == ["Boulangerie Dupont"]
    assert not client_lookup_phone(user=User.objects.get(username="reception_marseille"), phone="0320123456")


def test_the_client_record_is_filled_in():
    seed()

    assert Client.objects.count() == 20
    for client in Client.objects.all():
        assert 1 <= client.contacts.count() <= 3
    assert Client.objects.filter(account_owner__isnull=False).count() > 10
    owners_in_their_agency = Client.objects.filter(
        account_owner__memberships__team__kind=TeamKind.SALES,
        account_owner__memberships__team__agency=F("agency"),
    )
    assert owners_in_their_agency.distinct().count() == Client.objects.filter(account_owner__isnull=False).count()
    assert Interaction.objects.count() > 20
    # Written by the people of the client's agency, for the team through which they serve it.
    for interaction in Interaction.objects.filter(author__isnull=False).select_related("team", "client__agency"):
        assert interaction.team.covers(interaction.client.agency)
        assert interaction.author.memberships.filter(team=interaction.team, ended_at__isnull=True).exists()
    assert Holding.objects.exists()
    complex_products = Product.objects.filter(complexity=Complexity.COMPLEX)
    assert complex_products.exists() and Product.objects.filter(complexity=Complexity.BASIC).exists()
    assert all(p.owner_commission_share > 0 for p in complex_products)


def test_a_second_run_changes_nothing():
    seed()
    before = [model.objects.count() for model in (User, Team, Client, Contact, Interaction, Holding, TraceEvent)]

    output = seed()

    assert "Demo data already present" in output
    assert [
        model.objects.count() for model in (User, Team, Client, Contact, Interaction, Holding, TraceEvent)
    ] == before


def test_the_trace_verifies_after_seeding():
    seed()
    out = StringIO()

    call_command("verify_trace", stdout=out)

    assert "Trace intact" in out.getvalue()
    assert TraceEvent.objects.filter(action="crm.client.created").count() == 20


def test_refuses_production_settings(settings):
    settings.SETTINGS_MODULE = "config.settings.production"

    with pytest.raises(CommandError, match="production settings"):
        seed()

    assert not User.objects.exists() and not Client.objects.exists()


def test_refuses_when_debug_is_off_outside_the_tests(settings):
    settings.SETTINGS_MODULE = "config.settings.local"
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG off"):
        seed()

    assert not Client.objects.exists()


def test_refuses_a_database_where_demo_usernames_are_taken():
    User.objects.create_user(username="admin", password="someone-else-1")

    with pytest.raises(CommandError, match="admin"):
        seed()

    assert not Client.objects.exists()


def test_the_demo_has_requests_and_leads_in_every_state_routed_by_rules():
    from workflow.models import Lead, LeadStatus, RequestStatus, RoutingRule, ServiceRequest

    seed()
    assert RoutingRule.objects.filter(kind="lead").exists() and RoutingRule.objects.filter(kind="service_request")
    request_states = set(ServiceRequest.objects.values_list("status", flat=True))
    lead_states = set(Lead.objects.values_list("status", flat=True))
    assert request_states == set(RequestStatus.values)
    assert lead_states == set(LeadStatus.values)
    assert ServiceRequest.objects.filter(transfer_count__gt=0).exists()
    assert Lead.objects.filter(reassign_count__gt=0).exists()
