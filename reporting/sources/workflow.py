"""Facts from the workflow: leads and service requests, read from the trace through the catalogue.

Every count is of trace events of the day (`workflow.events` constants), placed at the client's agency,
the team the payload names and the person who acted or holds the item. Durations and stocks (first
response, backlog, past target, untouched leads) are read from the items' own timestamps, which the
workflow keeps for this purpose (first_response_at, resolved_at, closed_at, due dates).
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import Client
from reporting.sources.base import DayFacts, Source, register
from trace.models import TraceEvent
from workflow import events
from workflow.hours import calendar_from
from workflow.models import OPEN_LEAD_STATUSES, OPEN_REQUEST_STATUSES, AgencyCalendar, Lead, ServiceRequest

# First-response times are kept as a histogram per day: counts per bucket (upper bounds in minutes), so
# that a median over any unit and period is one sum of buckets (see docs/decisions.md).
FRT_BUCKETS = (15, 30, 60, 120, 240, 480, 1440, 2880, 4320, 7200, 10080, 20160, 43200)
UNTOUCHED_BUSINESS_DAYS = 5
OLD_BACKLOG_DAYS = 3


def frt_metric(kind: str, upper: int | None) -> str:
    return f"{kind}_frt_le_{upper}" if upper is not None else f"{kind}_frt_over"


def frt_metrics(kind: str) -> tuple[str, ...]:
    return (*(frt_metric(kind, upper) for upper in FRT_BUCKETS), frt_metric(kind, None))


def bucket_of(minutes: float) -> int | None:
    for upper in FRT_BUCKETS:
        if minutes <= upper:
            return upper
    return None


# Which event counts as which metric, and who the person of the row is: the actor, or the holder.
ACTOR, HOLDER = "actor", "holder"
COUNTED = {
    events.LEAD_CREATED.action: ("leads_received", HOLDER),
    events.LEAD_ACCEPTED.action: ("leads_accepted", ACTOR),
    events.LEAD_WON.action: ("leads_won", HOLDER),
    events.LEAD_LOST.action: ("leads_lost", HOLDER),
    events.LEAD_REQUALIFIED.action: ("leads_requalified", ACTOR),
    events.REQUEST_CREATED.action: ("requests_opened", HOLDER),
    events.REQUEST_RESOLVED.action: ("requests_resolved", ACTOR),
    events.REQUEST_TRANSFERRED.action: ("requests_transferred", HOLDER),
    events.REQUEST_REQUALIFIED.action: ("requests_requalified", ACTOR),
    events.REQUEST_REPEAT_CONTACT.action: ("repeat_contacts", HOLDER),
}

METRICS = (
    "leads_received", "leads_accepted", "leads_won", "leads_lost", "leads_requalified", "leads_sent",
    "leads_not_a_lead", "requests_opened", "requests_resolved", "requests_transferred", "requests_requalified",
    "repeat_contacts", "backlog_requests", "backlog_leads", "backlog_age_days", "backlog_old",
    "requests_past_sla", "leads_untouched", *frt_metrics("lead"), *frt_metrics("request"),
)  # fmt: skip


def _client_agencies(client_ids: set[int]) -> dict[int, int]:
    return dict(Client.objects.filter(pk__in=client_ids).values_list("pk", "agency_id")) if client_ids else {}


def _counts(facts: DayFacts) -> None:
    rows = list(
        TraceEvent.objects.filter(action__in=list(COUNTED), created_at__gte=facts.start, created_at__lt=facts.end)
        .order_by()
        .values_list("action", "actor_id", "client_id", "object_id", "payload")
    )
    agency_of = _client_agencies({client_id for _a, _b, client_id, _c, _d in rows if client_id})
    requalified = [int(object_id) for action, _a, _c, object_id, payload in rows
                   if action == events.LEAD_REQUALIFIED.action and payload.get("not_a_lead")]  # fmt: skip
    created = [int(object_id) for action, *_x, object_id, _p in rows if action == events.LEAD_CREATED.action]
    sender_of = dict(Lead.objects.filter(pk__in=requalified + created).values_list("pk", "sender_id"))
    for action, actor_id, client_id, object_id, payload in rows:
        metric, who = COUNTED[action]
        agency = agency_of.get(client_id)
        person = actor_id if who == ACTOR else payload.get("assignee")
        team = payload.get("team")
        if who == ACTOR and agency is not None:
            team = facts.org.team_of(actor_id, agency) or team
        facts.add(metric, agency=agency, person=person, team=team)
        if action == events.LEAD_CREATED.action:
            sender = sender_of.get(int(object_id))
            if sender is not None and agency is not None:
                facts.add("leads_sent", agency=agency, person=sender, team=facts.org.team_of(sender, agency))
        if action == events.LEAD_REQUALIFIED.action and payload.get("not_a_lead"):
            sender = sender_of.get(int(object_id))
            if sender is not None and agency is not None:
                facts.add("leads_not_a_lead", agency=agency, person=sender, team=facts.org.team_of(sender, agency))


def _standing(model, moments: dict[int, datetime]) -> dict[int, dict]:
    """Where each item stood at its moment: the status payload of its last trace event up to then.

    Every item event carries the item's status, team and assignee (`workflow.services.common`), so the
    trace says who held what on any past day, whatever happened since; a day rebuilt later reads the
    same as when it was first built.
    """
    if not moments:
        return {}
    label = model._meta.label_lower
    latest = max(moments.values())
    rows = (
        TraceEvent.objects.filter(object_type=label, object_id__in=[str(pk) for pk in moments], created_at__lt=latest)
        .order_by("id")
        .values_list("object_id", "created_at", "payload")
    )
    standing: dict[int, dict] = {}
    for object_id, created_at, payload in rows:
        item_id = int(object_id)
        if created_at < moments[item_id]:
            standing[item_id] = payload
    return standing


def _first_responses(facts: DayFacts) -> None:
    for kind, model in (("lead", Lead), ("request", ServiceRequest)):
        rows = list(
            model.objects.filter(first_response_at__gte=facts.start, first_response_at__lt=facts.end).values_list(
                "pk", "client__agency_id", "created_at", "first_response_at"
            )
        )
        # Who answered: the holder once the answer was given (the event that recorded it included).
        moments = {pk: answered_at + timedelta(seconds=1) for pk, _agency, _created, answered_at in rows}
        standing = _standing(model, moments)
        for pk, agency, created_at, answered_at in rows:
            minutes = max(0.0, (answered_at - created_at).total_seconds() / 60)
            held = standing.get(pk, {})
            facts.add(frt_metric(kind, bucket_of(minutes)), agency=agency, person=held.get("assignee"),
                      team=held.get("team"))  # fmt: skip


def _untouched_cutoffs(day: date, agency_ids: set[int]) -> dict[int, datetime]:
    """Per agency: a lead created before this moment has waited at least five business days by `day`."""
    rows = {row.agency_id: row for row in AgencyCalendar.objects.filter(agency_id__in=agency_ids)}
    cutoffs = {}
    for agency_id in agency_ids:
        calendar = calendar_from(rows.get(agency_id))
        found, probe = 0, day
        for _walked in range(60):
            if calendar.open_intervals(probe):
                found += 1
                if found == UNTOUCHED_BUSINESS_DAYS:
                    break
            probe -= timedelta(days=1)
        cutoffs[agency_id] = datetime.combine(probe, datetime.min.time(), tzinfo=calendar.zone)
    return cutoffs


def _stocks(facts: DayFacts) -> None:
    """What is open at the end of the day, with whom, how old, past its target or untouched.

    Candidates are the items sent before the day's end and not closed for good by then (a closing is
    final: won, lost, closed, cancelled, requalified); where each stood then is read from the trace.
    """
    end = facts.end
    candidates = Q(created_at__lt=end) & (Q(closed_at__isnull=True) | Q(closed_at__gte=end))
    requests = list(ServiceRequest.objects.filter(candidates).values_list(
        "pk", "client__agency_id", "created_at", "resolution_due_at"))  # fmt: skip
    standing = _standing(ServiceRequest, {row[0]: end for row in requests})
    for pk, agency, created_at, due in requests:
        held = standing.get(pk)
        if held is None or held.get("status") not in OPEN_REQUEST_STATUSES:
            continue
        person, team = held.get("assignee"), held.get("team")
        _backlog(facts, "backlog_requests", agency, person, team, created_at)
        if due is not None and due < end:
            facts.add("requests_past_sla", agency=agency, person=person, team=team)
    leads = list(Lead.objects.filter(candidates).values_list(
        "pk", "client__agency_id", "created_at", "first_response_at"))  # fmt: skip
    standing = _standing(Lead, {row[0]: end for row in leads})
    cutoffs = _untouched_cutoffs(facts.day, {row[1] for row in leads})
    for pk, agency, created_at, answered_at in leads:
        held = standing.get(pk)
        if held is None or held.get("status") not in OPEN_LEAD_STATUSES:
            continue
        person, team = held.get("assignee"), held.get("team")
        _backlog(facts, "backlog_leads", agency, person, team, created_at)
        if (answered_at is None or answered_at >= end) and created_at < cutoffs[agency]:
            facts.add("leads_untouched", agency=agency, person=person, team=team)


def _backlog(facts: DayFacts, metric: str, agency: int, person: int | None, team: int | None, created_at) -> None:
    age_days = Decimal((facts.end - created_at).total_seconds() / 86400).quantize(Decimal("0.01"))
    facts.add(metric, agency=agency, person=person, team=team)
    facts.add("backlog_age_days", agency=agency, person=person, team=team, value=age_days)
    if age_days > OLD_BACKLOG_DAYS:
        facts.add("backlog_old", agency=agency, person=person, team=team)


def build(facts: DayFacts) -> None:
    _counts(facts)
    _first_responses(facts)
    _stocks(facts)


def touched_days(since: datetime, until: datetime) -> set[date]:
    zone = timezone.get_default_timezone()
    days = TraceEvent.objects.filter(created_at__gte=since, created_at__lt=until).annotate(
        d=TruncDate("created_at", tzinfo=zone)
    )
    return set(days.order_by().values_list("d", flat=True).distinct())


SOURCE = register(
    Source(
        code="workflow",
        label=_("Leads and service requests (trace)"),
        metrics=METRICS,
        build=build,
        touched_days=touched_days,
    )  # fmt: skip
)
