"""Facts from the client record: how complete the records are (a stock, per account owner)."""

from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.models import Client
from reporting.sources.base import DayFacts, Source, local_day, register

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

    # Counted on the day they were logged (not the day they say they happened, which may be long before):
    # a day's count then never changes once the day is over.
    logged = Interaction.objects.filter(created_at__gte=facts.start, created_at__lt=facts.end).values_list(
        "client__agency_id", "author_id", "team_id"
    )
    for agency, author, team in logged:
        facts.add("interactions_logged", agency=agency, person=author, team=team)


def touched_days(since: datetime, until: datetime) -> set[date]:
    from crm.models import Interaction

    # Client records are a stock read on each day's end: today is rebuilt at every refresh anyway.
    logged = Interaction.objects.filter(created_at__gte=since, created_at__lt=until).order_by("created_at")
    first, last = (
        logged.values_list("created_at", flat=True).first(),
        logged.values_list("created_at", flat=True).last(),
    )
    if first is None:
        return set()
    days, day = set(), local_day(first)
    while day <= local_day(last):
        days.add(day)
        day += timedelta(days=1)
    return days


SOURCE = register(Source(code="clients", label=_("Client records and interactions"), metrics=METRICS,
                         build=build, touched_days=touched_days))  # fmt: skip
