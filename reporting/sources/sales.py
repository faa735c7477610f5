"""Facts from sales and their credits: counted on the day of the sale, cancelled sales excluded.

A credit belongs to the day of its sale whatever version of the credits it comes from; the rows that
`count` (the current version, and a reversal once cancelled) are what adds up, as in the statements.
"""

from datetime import date, datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reporting.sources.base import DayFacts, Source, register
from workflow.models import Credit, CreditSet, Sale

METRICS = ("sales_count", "sales_amount", "credits_amount")


def build(facts: DayFacts) -> None:
    sales = Sale.objects.filter(sold_on=facts.day, cancelled_at__isnull=True).values_list(
        "client__agency_id", "closer_id", "amount"
    )
    for agency, closer, amount in sales:
        team = facts.org.team_of(closer, agency)
        facts.add("sales_count", agency=agency, person=closer, team=team)
        facts.add("sales_amount", agency=agency, person=closer, team=team, value=amount)
    credits = Credit.objects.filter(sale__sold_on=facts.day, counts=True).values_list(
        "sale__client__agency_id", "person_id", "amount"
    )
    for agency, person, amount in credits:
        facts.add("credits_amount", agency=agency, person=person, team=facts.org.team_of(person, agency), value=amount)


def touched_days(since: datetime, until: datetime) -> set[date]:
    changed = Q(recorded_at__gte=since, recorded_at__lt=until) | Q(cancelled_at__gte=since, cancelled_at__lt=until)
    days = set(Sale.objects.filter(changed).values_list("sold_on", flat=True).distinct())
    rewritten = CreditSet.objects.filter(created_at__gte=since, created_at__lt=until)
    days |= set(rewritten.values_list("sale__sold_on", flat=True).distinct())
    return days


SOURCE = register(Source(code="sales", label=_("Sales and credits"), metrics=METRICS, build=build,
                         touched_days=touched_days))  # fmt: skip
