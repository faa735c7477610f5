"""Who initiated a sale and who is credited for it: one pure function of the trace and the settings.

The rule (DESIGN.md section 8; told for salespeople, with worked examples, in docs/attribution.md):

1. The sale is the `workflow.sale.recorded` event; its payload says what was sold (product, family,
   complexity), who closed it, who owned the account then and with which commission share, and the
   lead it came from, if any.
2. The **initiator** is the author of the earliest lead or proposal for that client and product family
   within the window, in trace order: among the client's events *before* the sale's, recorded at most
   `window_days` before it, the first `workflow.lead.created` whose product is of the family (the
   lead the sale came from counts whatever product it named) or `crm.proposal.recorded` of the family.
   A lead requalified as "not a lead" (`workflow.lead.requalified` with `not_a_lead`) before the sale
   does not count; nor does an event with no person behind it (a web form). Without one, the closer
   is the initiator.
3. **Shares**, summing to 100 %: for a complex product closed by someone other than the account
   owner, the owner receives the product's commission share; of what is left, the initiator receives
   `initiator_share` percent and the closer the rest. A row of 0 % is not written.

Only the trace decides: the order and the server's time stamps of the events, never a date typed on a
sale or a proposal, so the verdict can be recomputed and checked by anyone who reads the chain. Each
row names the events that decided it. The function reads nothing else: no database, no clock.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from crm.events import PROPOSAL_RECORDED
from crm.models import Complexity
from workflow.events import LEAD_CREATED, LEAD_REQUALIFIED
from workflow.models_sales import CreditRole, CreditRule

HUNDRED = Decimal("100")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class TraceFact:
    """One trace event, as attribution reads it (see `trace.models.TraceEvent`)."""

    id: int
    position: int
    at: datetime
    actor: int | None
    action: str
    object_id: str
    payload: Mapping[str, Any]

    @classmethod
    def of(cls, event: Any) -> "TraceFact":
        return cls(id=event.pk, position=event.position, at=event.created_at, actor=event.actor_id,
                   action=event.action, object_id=event.object_id, payload=event.payload or {})  # fmt: skip


@dataclass(frozen=True)
class Rules:
    """The settings the rule reads: the window (days) and the initiator's part of what the owner leaves (%)."""

    window_days: int
    initiator_share: Decimal

    @classmethod
    def from_settings(cls, settings: Any) -> "Rules":
        return cls(settings.ATTRIBUTION_WINDOW_DAYS, Decimal(settings.ATTRIBUTION_INITIATOR_SHARE))


@dataclass(frozen=True)
class Line:
    """One credit row: who, in which role, what share (percent), by which part of the rule, from which events."""

    person: int
    role: str
    share: Decimal
    rule: str
    events: tuple[int, ...]


@dataclass(frozen=True)
class Verdict:
    """What the rule says of one sale.

    `initiated_by` is the lead or proposal event that made its author the initiator (None: the closer
    initiated); `candidates` are every event that was looked at and matched, in trace order (the
    first is `initiated_by`); `not_a_lead` are leads set aside because they were requalified.
    """

    initiator: int
    initiated_by: TraceFact | None
    lines: tuple[Line, ...]
    candidates: tuple[TraceFact, ...]
    not_a_lead: frozenset[str]
    window_start: datetime


def sale_family(sale: TraceFact) -> str:
    return str(sale.payload.get("family") or "")


def _optional_int(value: Any) -> int | None:
    return int(value) if value not in (None, "") else None


def window_start(sale: TraceFact, rules: Rules) -> datetime:
    """The earliest time a lead or proposal may have been recorded and still initiate the sale."""
    return sale.at - timedelta(days=rules.window_days)


def _matches(event: TraceFact, *, family: str, sale_lead: int | None, families: Mapping[int, str]) -> bool:
    if event.action == LEAD_CREATED.action:
        if sale_lead is not None and event.object_id == str(sale_lead):
            return True  # the lead the sale came from, whatever product it named
        product = _optional_int(event.payload.get("product"))
        return product is not None and families.get(product) == family
    if event.action == PROPOSAL_RECORDED.action:
        return event.payload.get("family") == family
    return False


def attribute(*, sale: TraceFact, history: Iterable[TraceFact], families: Mapping[int, str], rules: Rules) -> Verdict:
    """The verdict of the rule for the sale recorded by `sale`, reading the client's events in `history`.

    `history` may hold any events of the client's chain (those after the sale, or of other kinds, are
    ignored); `families` gives the family of each product that a lead's creation names.
    """
    family = sale_family(sale)
    closer = int(sale.payload["closer"])
    sale_lead = _optional_int(sale.payload.get("lead"))
    start = window_start(sale, rules)
    before = sorted((event for event in history if event.position < sale.position), key=lambda e: e.position)
    not_a_lead = frozenset(
        event.object_id
        for event in before
        if event.action == LEAD_REQUALIFIED.action and event.payload.get("not_a_lead")
    )
    candidates = tuple(
        event
        for event in before
        if event.at >= start
        and event.actor is not None
        and not (event.action == LEAD_CREATED.action and event.object_id in not_a_lead)
        and _matches(event, family=family, sale_lead=sale_lead, families=families)
    )
    first = candidates[0] if candidates else None
    initiator = first.actor if first is not None else closer
    lines = _share_out(sale=sale, closer=closer, initiator=initiator, first=first, rules=rules)
    return Verdict(initiator=initiator, initiated_by=first, lines=lines, candidates=candidates,
                   not_a_lead=not_a_lead, window_start=start)  # fmt: skip


def _share_out(
    *, sale: TraceFact, closer: int, initiator: int, first: TraceFact | None, rules: Rules
) -> tuple[Line, ...]:
    owner = _optional_int(sale.payload.get("owner"))
    owner_part = Decimal("0")
    if sale.payload.get("complexity") == Complexity.COMPLEX and owner is not None and owner != closer:
        owner_part = Decimal(str(sale.payload.get("owner_share") or "0")).quantize(CENT)
    rest = HUNDRED - owner_part
    initiator_part = (rest * rules.initiator_share / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
    if first is None:
        initiator_rule, initiator_events = CreditRule.NO_INITIATOR, (sale.id,)
    elif first.action == PROPOSAL_RECORDED.action:
        initiator_rule, initiator_events = CreditRule.EARLIEST_PROPOSAL, (first.id,)
    else:
        initiator_rule, initiator_events = CreditRule.EARLIEST_LEAD, (first.id,)
    lines = (
        Line(initiator, CreditRole.INITIATOR, initiator_part, initiator_rule, initiator_events),
        Line(closer, CreditRole.CLOSER, rest - initiator_part, CreditRule.CLOSER, (sale.id,)),
        Line(owner or 0, CreditRole.ACCOUNT_OWNER, owner_part, CreditRule.OWNER_SHARE, (sale.id,)),
    )
    return tuple(line for line in lines if line.share > 0)
