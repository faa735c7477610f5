"""Reads of sales, credits and disputes, scoped to the person asking (DESIGN.md section 5; issue 9).

- A sale is seen by whoever sees its client (as the products it holds are).
- A credit is seen by the person credited, and by the managers of the sale's client's agency
  (`manage_unit`); an organisation admin sees them all.
- A dispute is seen by whoever opened it and by the managers of the sale's client's agency.
- Everything else answers NotFound (404), whether it exists or not.

What attribution reads of the trace is loaded here too (`attribution_inputs`), so that
`workflow.attribution` stays a pure function.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet

from accounts import rights
from accounts.models import User
from common.errors import NotFound
from crm.events import PROPOSAL_RECORDED
from crm.models import Product
from crm.selectors import clients_visible
from trace.models import TraceEvent
from workflow import events
from workflow.attribution import Rules, TraceFact, Verdict, attribute
from workflow.models_sales import Credit, CreditSet, Dispute, DisputeStatus, Sale

SALE_TYPE = Sale._meta.label_lower
DISPUTE_TYPE = Dispute._meta.label_lower
SALE_RELATIONS = ("client", "client__agency", "product", "closer", "account_owner", "recorded_by")
CREDIT_RELATIONS = ("sale", "sale__client", "sale__product", "person", "credit_set")
DISPUTE_RELATIONS = (
    "sale",
    "sale__client",
    "sale__product",
    "opened_by",
    "decided_by",
    "contested_set",
    "resulting_set",
)

# The events a sale's chronology shows, for its client and its product family (see `sale_chronology`).
CHRONOLOGY_ACTIONS = (
    events.LEAD_CREATED, events.LEAD_ACCEPTED, events.LEAD_WON, events.LEAD_LOST, events.LEAD_REQUALIFIED,
    events.LEAD_REASSIGNED, PROPOSAL_RECORDED, events.SALE_RECORDED, events.SALE_CANCELLED,
    events.CREDITS_ASSIGNED, events.CREDITS_REVERSED, events.DISPUTE_OPENED, events.DISPUTE_DECIDED,
)  # fmt: skip
CHRONOLOGY_LIMIT = 300
_ATTRIBUTION_ACTIONS = (events.LEAD_CREATED.action, events.LEAD_REQUALIFIED.action, PROPOSAL_RECORDED.action)


def _one(qs: QuerySet, pk: int | str):
    try:
        return qs.get(pk=int(pk))
    except (qs.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound() from None


def managed_agencies(user: User) -> frozenset[int] | None:
    """The agencies whose sales' credits and disputes the user manages; None means every one (an admin)."""
    if rights.is_org_admin(user):
        return None
    return rights.agencies_where(user, rights.MANAGE_UNIT)


def manages_sales(*, user: User) -> bool:
    managed = managed_agencies(user)
    return managed is None or bool(managed)


def _in_managed(user: User, prefix: str) -> Q:
    """Rows whose sale's client is in an agency the user manages (all of them for an admin)."""
    managed = managed_agencies(user)
    if managed is None:
        return Q()
    return Q(**{f"{prefix}client__agency_id__in": managed})


# --- Sales -------------------------------------------------------------------------------------------


def sales_visible(*, user: User) -> QuerySet[Sale]:
    if not user.is_authenticated:
        return Sale.objects.none()
    return Sale.objects.filter(client__in=clients_visible(user=user).values("pk"))


def sale_get_for_user(*, user: User, sale_id: int | str, lock: bool = False) -> Sale:
    """The sale if the user sees its client (else NotFound); with `lock`, locked for the transaction."""
    qs = sales_visible(user=user)
    if lock:
        qs = qs.select_for_update(of=("self",))
    return _one(qs.select_related(*SALE_RELATIONS), sale_id)


def sale_list(*, user: User, client_id: int | None = None, period: date | None = None,
              closer_id: int | None = None) -> QuerySet[Sale]:  # fmt: skip
    """Sales the user may see, newest first; narrowed to a client, a month (its first day) or a closer."""
    qs = sales_visible(user=user).select_related(*SALE_RELATIONS)
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if closer_id is not None:
        qs = qs.filter(closer_id=closer_id)
    if period is not None:
        qs = qs.filter(sold_on__gte=period, sold_on__lt=next_month(period))
    return qs.order_by("-sold_on", "-pk")


def next_month(period: date) -> date:
    return date(period.year + period.month // 12, period.month % 12 + 1, 1)


def credit_sets_of(*, sale: Sale) -> list[CreditSet]:
    """Every version of the sale's credits, newest first, each with its rows and their people (two queries)."""
    rows = Credit.objects.select_related("person").order_by("pk")
    return list(sale.credit_sets.select_related("created_by").prefetch_related(Prefetch("credits", queryset=rows))
                .order_by("-version"))  # fmt: skip


def sale_event(*, sale: Sale) -> TraceEvent:
    """The trace event that recorded the sale: where attribution starts from."""
    return TraceEvent.objects.get(object_type=SALE_TYPE, object_id=str(sale.pk), action=events.SALE_RECORDED.action)


# --- Attribution's inputs --------------------------------------------------------------------------


def attribution_inputs(*, sale_event: TraceEvent) -> tuple[list[TraceFact], dict[int, str]]:
    """The events of the client's chain that the rule reads, before the sale and within the window, and the
    family of each product their leads name (two queries)."""
    rules = Rules.from_settings(settings)
    rows = TraceEvent.objects.filter(
        chain=sale_event.chain,
        position__lt=sale_event.position,
        created_at__gte=sale_event.created_at - timedelta(days=rules.window_days),
        action__in=_ATTRIBUTION_ACTIONS,
    ).order_by("position")
    history = [TraceFact.of(event) for event in rows]
    return history, _families(history)


def _families(history: Iterable[TraceFact]) -> dict[int, str]:
    product_ids = set()
    for fact in history:
        try:
            product_ids.add(int(fact.payload.get("product")))
        except (TypeError, ValueError):
            continue
    return dict(Product.objects.filter(pk__in=product_ids).values_list("pk", "family")) if product_ids else {}


def verdict_for_sale(*, sale: Sale) -> tuple[TraceFact, Verdict]:
    """What the rule says of the sale today, from the trace (the same reading as when it was credited)."""
    recorded = sale_event(sale=sale)
    history, families = attribution_inputs(sale_event=recorded)
    fact = TraceFact.of(recorded)
    return fact, attribute(sale=fact, history=history, families=families, rules=Rules.from_settings(settings))


@dataclass
class ChronologyEntry:
    """One event of a sale's chronology, and what it meant for the rule.

    `standing` is one of: "initiated" (the earliest lead or proposal: its author initiated), "later"
    (a lead or proposal after that one), "before_window" (too old to count), "not_a_lead" (a lead
    requalified), "after_sale" (recorded after the sale), "" (an event that is not a lead or proposal).
    """

    event: TraceEvent
    standing: str = ""


def sale_chronology(*, sale: Sale, verdict: Verdict, sale_fact: TraceFact) -> list[ChronologyEntry]:
    """The trace events for the sale's client and product family, oldest first (three queries).

    The client's leads of that family (and the lead the sale came from), proposals of that family,
    the family's sales, and this sale's credits and disputes. At most `CHRONOLOGY_LIMIT`, the latest.
    """
    family = sale.product.family
    rows = list(
        TraceEvent.objects.filter(client_id=sale.client_id, action__in=[a.action for a in CHRONOLOGY_ACTIONS])
        .select_related("actor")
        .order_by("-position")[:CHRONOLOGY_LIMIT]
    )
    rows.reverse()
    facts = [TraceFact.of(event) for event in rows]
    families = _families(fact for fact in facts if fact.action == events.LEAD_CREATED.action)
    family_leads = {str(sale.lead_id)} if sale.lead_id else set()
    family_sales = {str(sale.pk)}
    for fact in facts:
        if fact.action == events.LEAD_CREATED.action and families.get(_int(fact.payload.get("product"))) == family:
            family_leads.add(fact.object_id)
        elif fact.action == events.SALE_RECORDED.action and fact.payload.get("family") == family:
            family_sales.add(fact.object_id)
    initiated = verdict.initiated_by.id if verdict.initiated_by else None
    candidates = {fact.id for fact in verdict.candidates}
    entries = []
    for event, fact in zip(rows, facts, strict=True):
        if not _in_chronology(fact, sale=sale, family=family, family_leads=family_leads, family_sales=family_sales):
            continue
        standing = ""
        if fact.action in (events.LEAD_CREATED.action, PROPOSAL_RECORDED.action):
            if fact.id == initiated:
                standing = "initiated"
            elif fact.id in candidates:
                standing = "later"
            elif fact.position > sale_fact.position:
                standing = "after_sale"
            elif fact.object_id in verdict.not_a_lead and fact.action == events.LEAD_CREATED.action:
                standing = "not_a_lead"
            elif fact.at < verdict.window_start:
                standing = "before_window"
        entries.append(ChronologyEntry(event=event, standing=standing))
    return entries


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _in_chronology(fact: TraceFact, *, sale: Sale, family: str, family_leads: set[str], family_sales: set[str]) -> bool:
    if fact.action == PROPOSAL_RECORDED.action:
        return fact.payload.get("family") == family
    if fact.action.startswith("workflow.lead."):
        return fact.object_id in family_leads
    if fact.action in (events.SALE_RECORDED.action, events.SALE_CANCELLED.action):
        return fact.object_id in family_sales
    # Credits and disputes: this sale's only.
    return str(fact.payload.get("sale")) == str(sale.pk)


# --- Credits -----------------------------------------------------------------------------------------


def credit_list(*, user: User, person: int | str | None = None, period: date | None = None) -> QuerySet[Credit]:
    """The credits that count, newest sale first: the user's own by default.

    `person` (an id) or "all": for managers, the credits on the sales of their agencies' clients, of
    that person or of everyone; anyone else asking for someone else's gets NotFound.
    """
    qs = Credit.objects.filter(counts=True)
    if person in (None, "", user.pk, str(user.pk)):
        qs = qs.filter(person=user)
    else:
        if not manages_sales(user=user):
            raise NotFound()
        qs = qs.filter(_in_managed(user, "sale__"))
        if person != "all":
            person_id = _int(person)
            if person_id is None:
                raise NotFound()
            qs = qs.filter(person_id=person_id)
    if period is not None:
        qs = qs.filter(period=period)
    return qs.select_related(*CREDIT_RELATIONS).order_by("-sale_id", "pk")


def may_see_credits_of(*, user: User, sale: Sale) -> bool:
    """Who sees every row of a sale's credits: whoever sees the sale (the rule is public, DESIGN.md section 1)."""
    return sales_visible(user=user).filter(pk=sale.pk).exists()


def credit_events(*, credits: Iterable[Credit]) -> dict[int, TraceEvent]:
    """The trace events that decided these credits, by id, with their actors (one query for a whole page)."""
    ids = {event_id for credit in credits for event_id in credit.events if isinstance(event_id, int)}
    return TraceEvent.objects.select_related("actor").in_bulk(ids) if ids else {}


def credited_people(*, user: User) -> QuerySet[User]:
    """The people credited on the sales a manager oversees: the choice of whose credits to look at."""
    ids = Credit.objects.filter(_in_managed(user, "sale__"), counts=True).values("person_id")
    return User.objects.filter(pk__in=ids).order_by("last_name", "first_name", "username")


# --- Disputes ----------------------------------------------------------------------------------------


def disputes_visible(*, user: User) -> QuerySet[Dispute]:
    """Disputes the user opened, and those on the sales of the agencies they manage."""
    if not user.is_authenticated:
        return Dispute.objects.none()
    scope = Q(opened_by=user)
    if manages_sales(user=user):
        scope |= _in_managed(user, "sale__") if managed_agencies(user) is not None else Q(pk__isnull=False)
    return Dispute.objects.filter(scope)


def dispute_get_for_user(*, user: User, dispute_id: int | str) -> Dispute:
    return _one(disputes_visible(user=user).select_related(*DISPUTE_RELATIONS, "sale__client__agency"), dispute_id)


def dispute_list(*, user: User, status: str | None = None, sale_id: int | None = None) -> QuerySet[Dispute]:
    """The disputes the user sees, oldest first (the queue's order); the open ones unless a status is asked."""
    qs = disputes_visible(user=user).filter(status=status or DisputeStatus.OPEN)
    if sale_id is not None:
        qs = qs.filter(sale_id=sale_id)
    return qs.select_related(*DISPUTE_RELATIONS).order_by("opened_at", "pk")


def sale_disputes(*, user: User, sale: Sale) -> QuerySet[Dispute]:
    """The disputes about one sale that the user sees, whatever their status, oldest first."""
    return (
        disputes_visible(user=user)
        .filter(sale=sale)
        .select_related("opened_by", "decided_by")
        .order_by("opened_at", "pk")
    )


def dispute_opened_event(*, dispute: Dispute) -> TraceEvent | None:
    return TraceEvent.objects.filter(
        object_type=DISPUTE_TYPE, object_id=str(dispute.pk), action=events.DISPUTE_OPENED.action
    ).first()
