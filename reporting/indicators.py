"""The indicators: what each figure is, how it is computed from daily facts, and its written definition.

Each indicator names the fact metrics it reads and turns their values over a period into one figure.
Facts of two kinds are combined: flows (counts, amounts) add up over the days of a period; stocks
(backlog, past target, untouched leads, client records) are read on the period's last day that has
been built (today for the current period). A median cannot be added up, so first-response times are
stored as a histogram of counts per bucket (`sources.workflow.FRT_BUCKETS`) and the median is the upper
bound of the bucket holding the middle answer. An indicator whose source is not registered is listed
with `has_source` False and never shows a number.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from reporting.sources import is_registered
from reporting.sources.workflow import FRT_BUCKETS, OLD_BACKLOG_DAYS, UNTOUCHED_BUSINESS_DAYS, frt_metrics

STOCK_METRICS = frozenset({
    "backlog_requests", "backlog_leads", "backlog_age_days", "backlog_old", "requests_past_sla",
    "leads_untouched", "clients_total", "clients_complete", "potentials_overdue",
})  # fmt: skip

COUNT, PERCENT, MINUTES, DAYS, AMOUNT = "count", "percent", "minutes", "days", "amount"
UNIT_LABELS = {COUNT: _("count"), PERCENT: _("%"), MINUTES: _("minutes"), DAYS: _("days"), AMOUNT: _("€")}

REFRESH = _("Refreshed every 5 minutes from the day's changes; every day is rebuilt in full each night.")
WHO_SEES = _(
    "Each person sees their own figure; the managers of a team, agency or region see their units' and "
    "their people's; administrators see all."
)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Indicator:
    code: str
    label: Promise
    unit: str
    metrics: tuple[str, ...]
    compute: Callable[[Mapping[str, Decimal]], Decimal | None]
    formula: Promise
    definition: Promise
    sources: tuple[str, ...] = ("workflow",)
    additive: bool = False  # the units' figures add up to their parent's: objectives may be split
    higher_is_better: bool = True

    @property
    def has_source(self) -> bool:
        return all(is_registered(code) for code in self.sources)

    @property
    def unit_label(self) -> Promise:
        return UNIT_LABELS[self.unit]

    refresh = REFRESH
    who_sees = WHO_SEES


def _sum(*metrics: str) -> Callable[[Mapping[str, Decimal]], Decimal]:
    return lambda v: sum((v.get(m, Decimal(0)) for m in metrics), Decimal(0))


def _rate(
    numerators: tuple[str, ...], denominators: tuple[str, ...]
) -> Callable[[Mapping[str, Decimal]], Decimal | None]:
    def compute(v: Mapping[str, Decimal]) -> Decimal | None:
        below = _sum(*denominators)(v)
        if not below:
            return None
        return (HUNDRED * _sum(*numerators)(v) / below).quantize(Decimal("0.1"))

    return compute


def _average(total: str, counts: tuple[str, ...]) -> Callable[[Mapping[str, Decimal]], Decimal | None]:
    def compute(v: Mapping[str, Decimal]) -> Decimal | None:
        count = _sum(*counts)(v)
        return (v.get(total, Decimal(0)) / count).quantize(Decimal("0.1")) if count else None

    return compute


def _median(kind: str) -> Callable[[Mapping[str, Decimal]], Decimal | None]:
    names = frt_metrics(kind)
    uppers = (*FRT_BUCKETS, None)

    def compute(v: Mapping[str, Decimal]) -> Decimal | None:
        counts = [v.get(name, Decimal(0)) for name in names]
        total = sum(counts)
        if not total:
            return None
        seen = Decimal(0)
        for upper, count in zip(uppers, counts, strict=True):
            seen += count
            if 2 * seen >= total:
                # Past the last bucket the figure is only "more than": the last bound is shown.
                return Decimal(upper if upper is not None else FRT_BUCKETS[-1])
        return None

    return compute


# The words below say 3 and 5 days: they follow OLD_BACKLOG_DAYS and UNTOUCHED_BUSINESS_DAYS.
assert (OLD_BACKLOG_DAYS, UNTOUCHED_BUSINESS_DAYS) == (3, 5)  # noqa: S101

# fmt: off
INDICATORS: tuple[Indicator, ...] = (
    Indicator("leads_received", _("Leads received"), COUNT, ("leads_received",), _sum("leads_received"),
              _("Number of leads created in the period."),
              _("Each lead sent counts once, on the day it was sent, for the salesperson and team it was routed "
                "to, in the client's agency."), additive=True),
    Indicator("leads_accepted", _("Leads accepted"), COUNT, ("leads_accepted",), _sum("leads_accepted"),
              _("Number of leads accepted in the period."),
              _("Counted on the day the salesperson accepted the lead, for that salesperson."), additive=True),
    Indicator("leads_won", _("Leads won"), COUNT, ("leads_won",), _sum("leads_won"),
              _("Number of leads marked won in the period."),
              _("Counted on the day the lead was marked won, for the salesperson holding it."), additive=True),
    Indicator("leads_lost", _("Leads lost"), COUNT, ("leads_lost",), _sum("leads_lost"),
              _("Number of leads marked lost in the period."),
              _("Counted on the day the lead was marked lost, for the salesperson holding it."), additive=True,
              higher_is_better=False),
    Indicator("lead_conversion", _("Lead conversion rate"), PERCENT, ("leads_won", "leads_lost"),
              _rate(("leads_won",), ("leads_won", "leads_lost")),
              _("Leads won ÷ (leads won + leads lost) × 100, over the leads closed in the period."),
              _("Out of the leads that reached an outcome in the period, the share that was won. Leads still "
                "open do not count yet; requalified leads are measured by the misrouting rate.")),
    Indicator("lead_response_median", _("Median first response (leads)"), MINUTES, frt_metrics("lead"),
              _median("lead"),
              _("Median of (first response − lead sent), in minutes, over the leads first answered in the period."),
              _("The first response is the salesperson accepting the lead or writing on it. Times are kept in "
                "buckets (15 min, 30 min, 1 h, 2 h, 4 h, 8 h, 1, 2, 3, 5, 7, 14 and 30 days): the figure is the "
                "upper bound of the bucket holding the middle answer."), higher_is_better=False),
    Indicator("request_response_median", _("Median first response (service requests)"), MINUTES,
              frt_metrics("request"), _median("request"),
              _("Median of (first response − request sent), in minutes, over the requests first answered in the "
                "period."),
              _("The first response is a team member taking the request in charge, being assigned it or "
                "resolving it. Times are kept in buckets, as for leads."), higher_is_better=False),
    Indicator("requests_opened", _("Service requests opened"), COUNT, ("requests_opened",), _sum("requests_opened"),
              _("Number of service requests sent in the period."),
              _("Counted on the day the request was sent, for the team queue (or person) it was routed to."),
              additive=True),
    Indicator("requests_resolved", _("Service requests resolved"), COUNT, ("requests_resolved",),
              _sum("requests_resolved"), _("Number of resolutions in the period."),
              _("Counted on the day of the resolution, for the person who resolved it; a request resolved "
                "again after a reopening counts again."), additive=True),
    Indicator("requests_past_sla", _("Service requests past target"), COUNT, ("requests_past_sla",),
              _sum("requests_past_sla"),
              _("Open requests whose resolution target has passed, on the last day of the period."),
              _("A snapshot at the end of the day: requests not resolved whose resolution due date (counted in "
                "the agency's business hours) is past."), higher_is_better=False),
    Indicator("backlog", _("Backlog"), COUNT, ("backlog_requests", "backlog_leads"),
              _sum("backlog_requests", "backlog_leads"),
              _("Open service requests + open leads, on the last day of the period."),
              _("A snapshot at the end of the day, for the person and team holding each item."),
              higher_is_better=False),
    Indicator("backlog_age", _("Backlog age"), DAYS, ("backlog_age_days", "backlog_requests", "backlog_leads"),
              _average("backlog_age_days", ("backlog_requests", "backlog_leads")),
              _("Average age in days of the open items, on the last day of the period."),
              _("Sum of the ages of the open requests and leads (from when they were sent) ÷ their number."),
              higher_is_better=False),
    Indicator("backlog_old", _("Backlog older than 3 days"), COUNT, ("backlog_old",), _sum("backlog_old"),
              _("Open items sent more than 3 days ago, on the last day of the period."),
              _("A snapshot at the end of the day."), higher_is_better=False),
    Indicator("leads_untouched", _("Leads untouched for 5 business days"), COUNT, ("leads_untouched",),
              _sum("leads_untouched"),
              _("Open leads without a first response, sent 5 or more business days ago."),
              _("Business days are the days the client's agency is open (its business hours, public holidays "
                "and closed days). A snapshot at the end of the day."), higher_is_better=False),
    Indicator("misrouting_rate", _("Misrouting rate"), PERCENT,
              ("requests_transferred", "requests_requalified", "leads_requalified", "requests_opened",
               "leads_received"),
              _rate(("requests_transferred", "requests_requalified", "leads_requalified"),
                    ("requests_opened", "leads_received")),
              _("(Transfers + requalifications) ÷ (requests opened + leads received) × 100."),
              _("How often work lands in the wrong place: a request transferred to another team, or an item "
                "requalified from a request into a lead or back."), higher_is_better=False),
    Indicator("repeat_contacts", _("Repeat contacts"), COUNT, ("repeat_contacts",), _sum("repeat_contacts"),
              _("Number of times a client came back about a request still open."),
              _("Counted on the day of the new contact, for the team holding the request."), additive=True,
              higher_is_better=False),
    Indicator("not_a_lead_rate", _("Leads requalified as not a lead"), PERCENT,
              ("leads_not_a_lead", "leads_sent"), _rate(("leads_not_a_lead",), ("leads_sent",)),
              _("Leads requalified as not a lead ÷ leads sent × 100, per sender."),
              _("Fed back to each sender: out of the leads they sent in the period, the share the salesperson "
                "found was a service request."), higher_is_better=False),
    Indicator("data_completeness", _("Complete client records"), PERCENT, ("clients_complete", "clients_total"),
              _rate(("clients_complete",), ("clients_total",)),
              _("Records with phone, e-mail and full address ÷ all records × 100, on the last day of the period."),
              _("Per account owner, agency and above."), sources=("clients",)),
    Indicator("sales_count", _("Sales made"), COUNT, ("sales_count",), _sum("sales_count"),
              _("Number of sales made in the period (cancelled ones excluded)."),
              _("Counted on the day of the sale, for the person who closed it."), sources=("sales",), additive=True),
    Indicator("sales_amount", _("Sales amount"), AMOUNT, ("sales_amount",), _sum("sales_amount"),
              _("Sum of the amounts of the sales of the period (cancelled ones excluded)."),
              _("For the person who closed each sale."), sources=("sales",), additive=True),
    Indicator("credits_amount", _("Credited amount"), AMOUNT, ("credits_amount",), _sum("credits_amount"),
              _("Sum of the credits of the period's sales that count (after disputes and cancellations)."),
              _("Each person's share of each sale, as in their credit statement."), sources=("sales",),
              additive=True),
    Indicator("potentials_explored", _("Potentials explored before deadline"), PERCENT,
              ("potentials_explored_in_time", "potentials_due"),
              _rate(("potentials_explored_in_time",), ("potentials_due",)),
              _("Potentials explored by their deadline ÷ potentials whose deadline fell in the period × 100."),
              _("Portfolio potentials handed by marketing to each account's salesperson. A potential counts on "
                "its deadline's day, as explored in time when the salesperson explored it by the end of that "
                "day; for the salesperson it was given to, in the client's agency."), sources=("potentials",)),
    Indicator("potentials_overdue", _("Potentials overdue"), COUNT, ("potentials_overdue",),
              _sum("potentials_overdue"),
              _("Potentials past their deadline and not explored, on the last day of the period."),
              _("A snapshot at the end of the day, for the salesperson each potential was given to."),
              sources=("potentials",), higher_is_better=False),
    Indicator("campaign_reach", _("Campaign reach"), PERCENT, ("campaign_reached", "campaign_called"),
              _rate(("campaign_reached",), ("campaign_called",)),
              _("Targets reached ÷ targets called × 100, over the targets first called or first reached in "
                "the period."),
              _("Campaign targets called by telemarketing and telesales. A target counts as called on the day "
                "of its first call and as reached on the day of its first answered call (any outcome but "
                "\"not reachable\"), for the agent who made that call."), sources=("campaigns",)),
    Indicator("campaign_conversion", _("Campaign conversion"), PERCENT,
              ("campaign_leads", "campaign_sales", "campaign_reached"),
              _rate(("campaign_leads", "campaign_sales"), ("campaign_reached",)),
              _("(Leads raised + sales made on campaign calls) ÷ targets reached × 100."),
              _("Counted on the day of the call that raised the lead or made the sale, for the agent who made "
                "it."), sources=("campaigns",)),
)
# fmt: on

BY_CODE = {indicator.code: indicator for indicator in INDICATORS}
# What the dashboard shows first: collective figures that managers steer by.
HEADLINE = ("leads_received", "lead_conversion", "lead_response_median", "requests_opened", "requests_past_sla",
            "backlog", "misrouting_rate", "sales_amount")  # fmt: skip


def indicator(code: str) -> Indicator:
    return BY_CODE[code]


def needed_metrics(indicators: tuple[Indicator, ...] | list[Indicator]) -> set[str]:
    return {metric for item in indicators for metric in item.metrics}
