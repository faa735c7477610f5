"""Facts from campaign calls (issue 9), read from the trace: each outcome is a `workflow.campaign.called`
event (catalogue constant `workflow.events.CAMPAIGN_CALLED`) carrying the target and the outcome.

Target rows change after the day (attempts, status, `reached_at`), so the day's figures come from the
events only: a past day reads the same whenever it is rebuilt, as for leads and requests. Each event is
placed at the agent who called, the team they worked in that day for the client's agency (the
campaign's team otherwise), and the client's agency.

- `campaign_called`: targets called for the first time (the target's first outcome);
- `campaign_reached`: targets reached for the first time (their first outcome other than "not reachable");
- `campaign_leads`, `campaign_sales`: outcomes "lead raised" and "basic product sold".

Reach is reached ÷ called, conversion (leads + sales) ÷ reached (`reporting.indicators`).
"""

from datetime import date, datetime

from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import Client
from reporting.sources.base import DayFacts, Source, register
from trace.models import TraceEvent
from workflow import events
from workflow.models_campaigns import Campaign, TargetOutcome

METRICS = ("campaign_called", "campaign_reached", "campaign_leads", "campaign_sales")
CALLED = events.CAMPAIGN_CALLED.action
TARGET = "workflow.campaigntarget"  # the object of a call event (its model's label)
OUTCOME_METRIC = {TargetOutcome.LEAD: "campaign_leads", TargetOutcome.SALE: "campaign_sales"}


def build(facts: DayFacts) -> None:
    rows = list(
        TraceEvent.objects.filter(action=CALLED, created_at__gte=facts.start, created_at__lt=facts.end)
        .order_by("id")
        .values_list("actor_id", "client_id", "object_id", "payload")
    )
    if not rows:
        return
    targets = {object_id for _actor, _client, object_id, _payload in rows}
    # What the targets of the day had been through before it: called already, reached already.
    called_before, reached_before = set(), set()
    earlier = TraceEvent.objects.filter(
        object_type=TARGET, object_id__in=targets, action=CALLED, created_at__lt=facts.start
    )
    for object_id, payload in earlier.order_by().values_list("object_id", "payload"):
        called_before.add(object_id)
        if payload.get("outcome") != TargetOutcome.NOT_REACHABLE:
            reached_before.add(object_id)
    agency_of = dict(Client.objects.filter(pk__in={row[1] for row in rows}).values_list("pk", "agency_id"))
    campaigns = {row[3].get("campaign") for row in rows}
    team_of_campaign = dict(Campaign.objects.filter(pk__in=campaigns).values_list("pk", "team_id"))
    for actor, client, object_id, payload in rows:
        agency = agency_of.get(client)
        if agency is None:
            continue
        team = facts.org.team_of(actor, agency) or team_of_campaign.get(payload.get("campaign"))
        outcome = payload.get("outcome")
        if object_id not in called_before:
            called_before.add(object_id)
            facts.add("campaign_called", agency=agency, person=actor, team=team)
        if outcome != TargetOutcome.NOT_REACHABLE and object_id not in reached_before:
            reached_before.add(object_id)
            facts.add("campaign_reached", agency=agency, person=actor, team=team)
        if outcome in OUTCOME_METRIC:
            facts.add(OUTCOME_METRIC[outcome], agency=agency, person=actor, team=team)


def touched_days(since: datetime, until: datetime) -> set[date]:
    zone = timezone.get_default_timezone()
    called = TraceEvent.objects.filter(action=CALLED, created_at__gte=since, created_at__lt=until)
    days = called.annotate(d=TruncDate("created_at", tzinfo=zone)).order_by().values_list("d", flat=True)
    return set(days.distinct())


SOURCE = register(Source(code="campaigns", label=_("Campaign calls (trace)"), metrics=METRICS, build=build,
                         touched_days=touched_days))  # fmt: skip
