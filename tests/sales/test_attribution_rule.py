"""`workflow.attribution.attribute` alone: a pure function of trace events and settings (no database, no clock)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from workflow.attribution import Rules, TraceFact, attribute

NOW = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
RULES = Rules(window_days=90, initiator_share=Decimal("50"))
FAMILIES = {1: "internet", 2: "mobile"}
CLOSER, OWNER, RECEPTION, TELESALES = 10, 11, 12, 13


def fact(position, action, *, actor=RECEPTION, days_ago=1, object_id="", **payload):
    return TraceFact(id=100 + position, position=position, at=NOW - timedelta(days=days_ago), actor=actor,
                     action=action, object_id=object_id or str(position), payload=payload)  # fmt: skip


def sale(position=50, *, complexity="complex", closer=CLOSER, owner=OWNER, lead=None, family="internet"):
    return TraceFact(id=100 + position, position=position, at=NOW, actor=closer, action="workflow.sale.recorded",
                     object_id="7", payload={"family": family, "complexity": complexity, "closer": closer,
                                             "owner": owner, "owner_share": "20.00", "lead": lead})  # fmt: skip


def rows(verdict):
    return [(line.person, line.role, str(line.share), line.rule, line.events) for line in verdict.lines]


def test_leads_and_proposals_after_the_sale_or_of_nobody_do_not_count():
    history = [
        fact(60, "workflow.lead.created", product=1),  # after the sale
        fact(10, "workflow.lead.created", actor=None, product=1),  # a web form: nobody
        fact(11, "crm.proposal.recorded", family="mobile"),  # another family
        fact(12, "workflow.lead.created", product=None),  # no product, not the sale's lead
    ]
    verdict = attribute(sale=sale(), history=history, families=FAMILIES, rules=RULES)
    assert verdict.initiated_by is None and verdict.initiator == CLOSER
    assert rows(verdict) == [(CLOSER, "initiator", "40.00", "no_initiator", (150,)),
                             (CLOSER, "closer", "40.00", "closer", (150,)),
                             (OWNER, "account_owner", "20.00", "owner_share", (150,))]  # fmt: skip


def test_the_sales_own_lead_counts_without_a_product_and_order_is_the_traces_not_the_list():
    history = [fact(30, "crm.proposal.recorded", actor=TELESALES, family="internet"),
               fact(20, "workflow.lead.created", object_id="5", product=None)]  # fmt: skip
    verdict = attribute(sale=sale(lead=5), history=history, families=FAMILIES, rules=RULES)
    assert verdict.initiator == RECEPTION and verdict.initiated_by.id == 120
    assert [c.id for c in verdict.candidates] == [120, 130]


def test_requalified_leads_and_old_ones_are_set_aside():
    history = [fact(5, "workflow.lead.created", days_ago=91, product=1),
               fact(6, "workflow.lead.created", actor=TELESALES, object_id="8", product=1),
               fact(7, "workflow.lead.requalified", actor=OWNER, object_id="8", not_a_lead=True)]  # fmt: skip
    verdict = attribute(sale=sale(), history=history, families=FAMILIES, rules=RULES)
    assert verdict.initiated_by is None and verdict.not_a_lead == frozenset({"8"})


def test_shares_follow_the_settings_and_always_sum_to_100():
    history = [fact(1, "workflow.lead.created", product=1)]
    for share in ("0", "33", "50", "100"):
        for complexity, closer in (("complex", CLOSER), ("complex", OWNER), ("basic", CLOSER)):
            verdict = attribute(sale=sale(complexity=complexity, closer=closer), history=history, families=FAMILIES,
                                rules=Rules(90, Decimal(share)))  # fmt: skip
            assert sum(line.share for line in verdict.lines) == Decimal("100")
            assert all(line.share > 0 for line in verdict.lines)
            owners = [line for line in verdict.lines if line.role == "account_owner"]
            assert bool(owners) == (complexity == "complex" and closer != OWNER)
    odd = attribute(sale=sale(), history=history, families=FAMILIES, rules=Rules(90, Decimal("33")))
    assert [str(line.share) for line in odd.lines] == ["26.40", "53.60", "20.00"]
