"""Writing credit sets: the rule's, a dispute's rewrite, a cancellation's reversal. Each one traced with its rows.

Called by the sale and dispute services, inside their transaction, with the sale row locked or just
created: versions of one sale are written one at a time.
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings

from accounts.models import User
from trace.catalogue import EventType
from trace.models import TraceEvent
from trace.services import trace_append
from workflow import events
from workflow.attribution import Line, Rules, TraceFact, attribute
from workflow.models_sales import Credit, CreditRule, CreditSet, CreditSetKind, Sale
from workflow.selectors_sales import attribution_inputs

HUNDRED = Decimal("100")
CENT = Decimal("0.01")


def credit_rows_payload(rows: Sequence[Credit | Line]) -> list[dict[str, Any]]:
    """A set's rows as the trace holds them: ids, role, share, the rule and its events; no free text."""
    return [
        {"person": row.person_id if isinstance(row, Credit) else row.person, "role": str(row.role),
         "share": str(row.share), "rule": str(row.rule), "events": list(row.events)}
        for row in rows
    ]  # fmt: skip


def _amounts(total: Decimal, shares: Sequence[Decimal]) -> list[Decimal]:
    """Each share of the total, to the cent; the cents lost to rounding go to the first row (the largest part)."""
    amounts = [(total * share / HUNDRED).quantize(CENT) for share in shares]
    if amounts and sum(shares) == HUNDRED:
        amounts[0] += total - sum(amounts)
    return amounts


def _write(*, sale: Sale, kind: str, lines: Sequence[Line], actor: User | None) -> CreditSet:
    """A new version of the sale's credits with these rows (their amounts computed from the sale's)."""
    last = sale.credit_sets.order_by("-version").values_list("version", flat=True).first() or 0
    credit_set = CreditSet.objects.create(sale=sale, version=last + 1, kind=kind,
                                          created_by=actor if isinstance(actor, User) else None)  # fmt: skip
    period = sale.sold_on.replace(day=1)
    amounts = _amounts(sale.amount, [line.share for line in lines])
    Credit.objects.bulk_create(
        Credit(credit_set=credit_set, sale=sale, person_id=line.person, role=line.role, share=line.share,
               amount=amount, rule=line.rule, events=list(line.events), period=period)
        for line, amount in zip(lines, amounts, strict=True)
    )  # fmt: skip
    return credit_set


def _traced(credit_set: CreditSet, *, actor: User | None, action: EventType, payload: dict[str, Any]) -> TraceEvent:
    event = trace_append(actor=actor, action=action, obj=credit_set.sale, client_id=credit_set.sale.client_id,
                         payload=payload)  # fmt: skip
    CreditSet.objects.filter(pk=credit_set.pk).update(trace_event_id=event.pk)
    credit_set.trace_event_id = event.pk
    return event


def set_payload(credit_set: CreditSet) -> dict[str, Any]:
    return {"version": credit_set.version, "kind": credit_set.kind,
            "credits": credit_rows_payload(list(credit_set.credits.order_by("pk")))}  # fmt: skip


def credits_assign(*, sale: Sale, sale_event: TraceEvent, actor: User | None) -> CreditSet:
    """Version 1 of a new sale's credits, as the attribution rule gives them, traced `workflow.credits.assigned`."""
    history, families = attribution_inputs(sale_event=sale_event)
    verdict = attribute(sale=TraceFact.of(sale_event), history=history, families=families,
                        rules=Rules.from_settings(settings))  # fmt: skip
    credit_set = _write(sale=sale, kind=CreditSetKind.RULE, lines=verdict.lines, actor=actor)
    _traced(credit_set, actor=actor, action=events.CREDITS_ASSIGNED,
            payload={"sale": sale.pk, **set_payload(credit_set)})  # fmt: skip
    return credit_set


def current_set(sale: Sale) -> CreditSet | None:
    """The version that says who is credited now (the latest that is not a reversal and still counts)."""
    return sale.credit_sets.filter(counts=True).exclude(kind=CreditSetKind.REVERSAL).order_by("-version").first()


def credits_reverse(*, sale: Sale, actor: User) -> CreditSet | None:
    """A cancelled sale: a reversal set that mirrors the current one with opposite shares; both keep counting.

    A statement then shows the credit and its reversal in the sale's month, adding up to nothing.
    """
    reversed_set = current_set(sale)
    if reversed_set is None:
        return None
    rows = list(reversed_set.credits.order_by("pk"))
    credit_set = CreditSet.objects.create(sale=sale, version=reversed_set.version + 1, kind=CreditSetKind.REVERSAL,
                                          created_by=actor)  # fmt: skip
    Credit.objects.bulk_create(
        Credit(credit_set=credit_set, sale=sale, person_id=row.person_id, role=row.role, share=-row.share,
               amount=-row.amount, rule=CreditRule.REVERSAL, events=list(row.events), period=row.period)
        for row in rows
    )  # fmt: skip
    _traced(credit_set, actor=actor, action=events.CREDITS_REVERSED,
            payload={"sale": sale.pk, "reverses": reversed_set.version, **set_payload(credit_set)})  # fmt: skip
    return credit_set


def credits_rewrite(*, sale: Sale, lines: Sequence[Line], actor: User) -> tuple[CreditSet, CreditSet]:
    """A dispute's decision: a new version with these rows; every earlier version stops counting.

    Returns (the previous current set, the new one); the caller traces the decision with both.
    """
    previous = current_set(sale)
    sale.credit_sets.filter(counts=True).update(counts=False)
    sale.credits.filter(counts=True).update(counts=False)
    credit_set = _write(sale=sale, kind=CreditSetKind.DISPUTE, lines=lines, actor=actor)
    return previous, credit_set
