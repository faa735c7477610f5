"""Disputes: anyone contests, a manager of the unit decides with a reason, the credits are rewritten as a new
version; the trace holds the dispute, the decision and both credit sets (issue 9; Done 9.3)."""

from decimal import Decimal

import pytest

from common.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from trace.models import TraceEvent
from trace.services import trace_verify
from workflow import services
from workflow.models import Credit, CreditSet, Dispute
from workflow.services.disputes import dispute_decide, dispute_open
from workflow.services.sales import sale_cancel, sale_record


@pytest.fixture
def telesales_sale(org, sales, wf):
    """Reception wrote an internet lead that nobody worked; telesales then sold the fibre on the same account
    (within the window): the rule credits reception as initiator. Telesales contests."""
    services.lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Internet",
                         product_id=sales.box.pk)  # fmt: skip
    return sale_record(actor=sales.telesales, client_id=org.client_a.pk, product_id=sales.fibre.pk, amount="2000",
                       channel="outbound_call")  # fmt: skip


def _rows(credit_set):
    return sorted((c.person.username, c.role, str(c.share)) for c in credit_set.credits.select_related("person"))


UPHELD = [{"person": None, "role": "initiator", "share": "40"}, {"person": None, "role": "closer", "share": "40"},
          {"person": None, "role": "account_owner", "share": "20"}]  # fmt: skip


def _telesales_initiated(org, sales):
    people = [sales.telesales, sales.telesales, org.sales_a]
    return [{**row, "person": person.pk} for row, person in zip(UPHELD, people, strict=True)]


def test_a_dispute_decided_rewrites_the_credits_and_the_trace_holds_it_all(org, sales, telesales_sale):
    """Done 9.3."""
    sale = telesales_sale
    first = CreditSet.objects.get(sale=sale)
    assert _rows(first) == [("reception_a", "initiator", "40.00"), ("sales_a", "account_owner", "20.00"),
                            ("telesales_north", "closer", "40.00")]  # fmt: skip
    dispute = dispute_open(actor=sales.telesales, sale_id=sale.pk, reason="I called them first, on a campaign.")

    decided = dispute_decide(dispute_id=dispute.pk, actor=org.manager_a, outcome="upheld",
                             reason="The campaign call came first.", credits=_telesales_initiated(org, sales))  # fmt: skip

    assert (decided.status, decided.decided_by, decided.decision_reason) == (
        "upheld", org.manager_a, "The campaign call came first.")  # fmt: skip
    first.refresh_from_db()
    second = CreditSet.objects.get(sale=sale, version=2)
    assert (first.counts, second.counts, second.kind, decided.resulting_set) == (False, True, "dispute", second)
    assert _rows(second) == [("sales_a", "account_owner", "20.00"), ("telesales_north", "closer", "40.00"),
                             ("telesales_north", "initiator", "40.00")]  # fmt: skip
    counting = Credit.objects.filter(sale=sale, counts=True)
    assert {c.credit_set_id for c in counting} == {second.pk}
    assert sum(c.amount for c in counting) == Decimal("2000.00")

    trace = {e.action: e for e in TraceEvent.objects.filter(client_id=org.client_a.pk)}
    opened, decision = trace["workflow.dispute.opened"], trace["workflow.dispute.decided"]
    assert opened.payload == {"dispute": dispute.pk, "sale": sale.pk, "version": 1}
    assert decision.payload["outcome"] == "upheld"
    assert decision.payload["previous"]["version"] == 1 and decision.payload["current"]["version"] == 2
    before = {(r["person"], r["role"], r["share"]) for r in decision.payload["previous"]["credits"]}
    after = {(r["person"], r["role"], r["share"]) for r in decision.payload["current"]["credits"]}
    assert before == {(org.reception_a.pk, "initiator", "40.00"), (sales.telesales.pk, "closer", "40.00"),
                      (org.sales_a.pk, "account_owner", "20.00")}  # fmt: skip
    assert after == {(sales.telesales.pk, "initiator", "40.00"), (sales.telesales.pk, "closer", "40.00"),
                     (org.sales_a.pk, "account_owner", "20.00")}  # fmt: skip
    assert all(r["events"] == [opened.pk] for r in decision.payload["current"]["credits"])
    assert second.trace_event_id == decision.pk
    # No free text in the payloads: the reasons stay on the row.
    assert "campaign" not in str(opened.payload) + str(decision.payload)
    assert trace_verify().ok


def test_a_rejected_dispute_keeps_the_credits(org, sales, telesales_sale):
    dispute = dispute_open(actor=sales.telesales, sale_id=telesales_sale.pk, reason="Mine")
    dispute_decide(dispute_id=dispute.pk, actor=org.manager_a, outcome="rejected", reason="The lead came first.")
    assert CreditSet.objects.filter(sale=telesales_sale).count() == 1
    decision = TraceEvent.objects.get(action="workflow.dispute.decided")
    assert decision.payload["current"] is None and decision.payload["previous"]["version"] == 1
    assert trace_verify().ok


def test_who_may_open_and_decide(org, sales, telesales_sale):
    sale = telesales_sale
    with pytest.raises(NotFound):  # does not see the client
        dispute_open(actor=org.reception_b, sale_id=sale.pk, reason="Mine")
    with pytest.raises(InvalidInput):
        dispute_open(actor=org.sales_a2, sale_id=sale.pk, reason="   ")
    dispute = dispute_open(actor=org.sales_a2, sale_id=sale.pk, reason="Not credited, but I visited them")
    with pytest.raises(Conflict):  # one open dispute per person and sale
        dispute_open(actor=org.sales_a2, sale_id=sale.pk, reason="Again")
    with pytest.raises(NotFound):  # neither its opener nor a manager of the agency
        dispute_decide(dispute_id=dispute.pk, actor=org.sales_a, outcome="rejected", reason="No")
    manager = org.manager_a
    own = dispute_open(actor=manager, sale_id=sale.pk, reason="I want to check")
    with pytest.raises(PermissionDenied):  # whoever contests does not decide
        dispute_decide(dispute_id=own.pk, actor=manager, outcome="rejected", reason="No")
    with pytest.raises(InvalidInput):
        dispute_decide(dispute_id=dispute.pk, actor=manager, outcome="maybe", reason="No")
    with pytest.raises(InvalidInput):
        dispute_decide(dispute_id=dispute.pk, actor=manager, outcome="rejected", reason="")
    dispute_decide(dispute_id=dispute.pk, actor=manager, outcome="rejected", reason="No visit in the trace")
    with pytest.raises(Conflict):
        dispute_decide(dispute_id=dispute.pk, actor=manager, outcome="rejected", reason="Again")


@pytest.mark.parametrize(
    ("rows", "says"),
    [([], "between 1"), ([{"person": 0, "role": "initiator", "share": "100"}], "person"),
     ([{"person": "PERSON", "role": "boss", "share": "100"}], "role"),
     ([{"person": "PERSON", "role": "initiator", "share": "0"}], "share"),
     ([{"person": "PERSON", "role": "initiator", "share": "1e9"}], "share"),
     ([{"person": "PERSON", "role": "initiator", "share": "60"}], "add up"),
     ([{"person": "PERSON", "role": "initiator", "share": "50"}, {"person": "PERSON", "role": "initiator", "share": "50"}],
      "once per role"),
     ("not rows", "between 1")],
)  # fmt: skip
def test_upheld_credits_are_checked(org, sales, telesales_sale, rows, says):
    dispute = dispute_open(actor=sales.telesales, sale_id=telesales_sale.pk, reason="Mine")
    if isinstance(rows, list):
        rows = [{**row, "person": sales.telesales.pk if row["person"] == "PERSON" else row["person"]} for row in rows]
    with pytest.raises(InvalidInput) as refused:
        dispute_decide(dispute_id=dispute.pk, actor=org.manager_a, outcome="upheld", reason="So", credits=rows)
    assert says in refused.value.fields["credits"][0]
    assert Dispute.objects.get(pk=dispute.pk).status == "open"
    assert CreditSet.objects.filter(sale=telesales_sale).count() == 1


def test_upholding_with_the_credits_already_written_is_refused(org, sales, telesales_sale):
    dispute = dispute_open(actor=sales.telesales, sale_id=telesales_sale.pk, reason="Mine")
    same = [{"person": org.reception_a.pk, "role": "initiator", "share": "40"},
            {"person": sales.telesales.pk, "role": "closer", "share": "40.00"},
            {"person": org.sales_a.pk, "role": "account_owner", "share": "20"}]  # fmt: skip
    with pytest.raises(InvalidInput):
        dispute_decide(dispute_id=dispute.pk, actor=org.manager_a, outcome="upheld", reason="So", credits=same)


def test_cancelling_a_sale_closes_its_open_disputes_and_no_new_one_opens(org, sales, telesales_sale):
    dispute = dispute_open(actor=org.reception_a, sale_id=telesales_sale.pk, reason="Mine")
    sale_cancel(sale_id=telesales_sale.pk, actor=sales.telesales, reason="Withdrawn")
    assert Dispute.objects.get(pk=dispute.pk).status == "closed"
    with pytest.raises(Conflict):
        dispute_open(actor=org.sales_a, sale_id=telesales_sale.pk, reason="Mine")
    with pytest.raises(Conflict):
        dispute_decide(dispute_id=dispute.pk, actor=org.manager_a, outcome="rejected", reason="Too late")


def test_a_dispute_decided_then_a_cancellation_reverses_the_rewritten_credits(org, sales, telesales_sale):
    dispute = dispute_open(actor=sales.telesales, sale_id=telesales_sale.pk, reason="Mine")
    dispute_decide(dispute_id=dispute.pk, actor=org.manager_a, outcome="upheld", reason="Yes",
                   credits=_telesales_initiated(org, sales))  # fmt: skip
    sale_cancel(sale_id=telesales_sale.pk, actor=org.manager_a, reason="Withdrawn")
    reversal = CreditSet.objects.get(sale=telesales_sale, version=3)
    assert reversal.kind == "reversal"
    assert {(c.person_id, str(c.share)) for c in reversal.credits.all()} == {
        (sales.telesales.pk, "-40.00"), (org.sales_a.pk, "-20.00")}  # fmt: skip
    assert sum(c.amount for c in Credit.objects.filter(sale=telesales_sale, counts=True)) == 0
    assert trace_verify().ok
