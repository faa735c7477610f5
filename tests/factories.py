"""Factories for tests. Organisation rows go through the services so groups and rights are real."""

from decimal import Decimal

import factory
from django.utils import timezone

from accounts import services as org
from accounts.models import Agency, Region, Team, User
from accounts.rights import SYSTEM
from crm.models import Channel, Client, Contact, Direction, Interaction, Product
from crm.services import client_refresh_search


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"Region {n}")
    code = factory.Sequence(lambda n: f"region-{n}")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Agency {n}")
    code = factory.Sequence(lambda n: f"agency-{n}")
    region = factory.SubFactory(RegionFactory)


def make_team(*, kind: str, agency: Agency | None = None, region: Region | None = None, name: str = "") -> Team:
    scope = "agency" if agency else "region" if region else "national"
    unit = agency or region
    return org.team_create(actor=SYSTEM, name=name or f"{kind} {unit or 'national'}", kind=kind, scope=scope,
                           agency=agency, region=region)  # fmt: skip


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.LazyAttribute(lambda u: f"{u.username}@relais.example")
    password = factory.django.Password("pass-word-123")


def make_member(*, team: Team, username: str | None = None, **kwargs) -> User:
    user = UserFactory(username=username, **kwargs) if username else UserFactory(**kwargs)
    org.membership_start(actor=SYSTEM, user=user, team=team)
    return user


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client
        skip_postgeneration_save = True

    name = factory.Faker("company", locale="fr_FR")
    agency = factory.SubFactory(AgencyFactory)
    segment = "mass"
    phone = factory.Sequence(lambda n: f"01 45 {n // 100 % 100:02d} {n % 100:02d} 00")
    email = factory.Sequence(lambda n: f"client{n}@example.fr")

    @factory.post_generation
    def refresh_search(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            client_refresh_search(client=obj)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact
        skip_postgeneration_save = True

    client = factory.SubFactory(ClientFactory)
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")

    @factory.post_generation
    def refresh_search(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            client_refresh_search(client=obj.client)


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    client = factory.SubFactory(ClientFactory)
    channel = Channel.INBOUND_CALL
    direction = Direction.INBOUND
    occurred_at = factory.LazyFunction(timezone.now)
    subject = factory.Sequence(lambda n: f"Call {n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    code = factory.Sequence(lambda n: f"product-{n}")
    name = factory.Sequence(lambda n: f"Product {n}")
    family = "mobile"
    complexity = "basic"
    direct_sale_channels = factory.LazyFunction(lambda: ["inbound_call", "visit"])
    owner_commission_share = Decimal("0")
