"""Facts from the client record: how complete the records are (a stock, per account owner)."""

from datetime import date, datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.models import Client
from reporting.sources import DayFacts, Source, local_day, register

METRICS = ("clients_total", "clients_complete", "interactions_logged")

# A record is complete when the client can be reached and found: phone, e-mail and full address.
COMPLETE = ~Q(phone="") & ~Q(email="") & ~Q(address="") & ~Q(postcode="") & ~Q(city="")


def build(facts: DayFacts) -> None:
    clients = Client.objects.filter(created_at__lt=facts.end).values_list("agency_id", "account_owner_id")
    for agency, owner in clients:
        facts.add("clients_total", agency=agency, person=owner)
    complete = Client.objects.filter(COMPLETE, created_at__lt=facts.end).values_list("agency_id", "account_owner_id")
    for agency, owner in complete:
        facts.add("clients_complete", agency=agency, person=owner)
    from crm.models import Interaction

    logged = Interaction.objects.filter(occurred_at__gte=facts.start, occurred_at__lt=facts.end).values_list(
        "client__agency_id", "author_id", "team_id"
    )
    for agency, author, team in logged:
        facts.add("interactions_logged", agency=agency, person=author, team=team)


def touched_days(since: datetime, until: datetime) -> set[date]:
    from crm.models import Interaction

    moments = Interaction.objects.filter(created_at__gte=since, created_at__lt=until).values_list(
        "occurred_at", flat=True
    )
    return {local_day(moment) for moment in moments}


SOURCE = register(Source(code="clients", label=_("Client records and interactions"), metrics=METRICS,
                         build=build, touched_days=touched_days))  # fmt: skip
