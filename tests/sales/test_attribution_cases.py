"""Done 9.1: the attribution rule, case by case, through the services people use (docs/attribution.md).

Each case is a story on client A (owned by `sales_a`): what happened before the sale, the sale, and
the credits that count afterwards, as (person, role, share, rule). Every case is also a worked example
in docs/attribution.md, under the same title.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Membership
from crm.proposals import proposal_record
from trace.services import trace_verify
from workflow import services
from workflow.models import Credit, Lead, Sale
from workflow.services.sales import sale_cancel, sale_record

Step = Callable[["Story"], None]


@dataclass
class Story:
    org: object
    sales: object
    leads: list[Lead] = field(default_factory=list)
    sale: Sale | None = None

    def person(self, name: str):
        return getattr(self.org, name, None) or getattr(self.sales, name)

    def product(self, name: str):
        return getattr(self.sales, name)


def lead(sender: str, product: str, days_ago: int = 0) -> Step:
    def step(story: Story) -> None:
        with time_machine.travel(timezone.now() - timedelta(days=days_ago), tick=True):
            story.leads.append(services.lead_create(
                sender=story.person(sender), client_id=story.org.client_a.pk, subject="Wants a better line",
                product_id=story.product(product).pk))  # fmt: skip

    return step


def proposal(author: str, family: str) -> Step:
    def step(story: Story) -> None:
        proposal_record(actor=story.person(author), client_id=story.org.client_a.pk, family=family)

    return step


def requalified_as_not_a_lead(index: int) -> Step:
    def step(story: Story) -> None:
        services.lead_requalify(lead_id=story.leads[index].pk, user=story.org.sales_a, reason="Only a fault",
                                category="fault")  # fmt: skip

    return step


def sold(closer: str, product: str, channel: str) -> Step:
    def step(story: Story) -> None:
        story.sale = sale_record(actor=story.person(closer), client_id=story.org.client_a.pk,
                                 product_id=story.product(product).pk, amount="1000", channel=channel)  # fmt: skip

    return step


def lead_won(index: int) -> Step:
    def step(story: Story) -> None:
        lead_id = story.leads[index].pk
        services.lead_accept(lead_id=lead_id, user=story.org.sales_a, potential_amount="1000", probability=50)
        services.lead_won(lead_id=lead_id, user=story.org.sales_a)
        story.sale = Sale.objects.get(lead_id=lead_id)

    return step


def cancelled(story: Story) -> None:
    sale_cancel(sale_id=story.sale.pk, actor=story.sale.closer, reason="The client changed their mind")


@dataclass(frozen=True)
class Case:
    title: str
    steps: tuple[Step, ...]
    credits: set[tuple[str, str, str, str]]


CASES = [
    Case("Reception spots it, the salesperson closes it",
         (lead("reception_a", "fibre"), lead_won(0)),
         {("reception_a", "initiator", "50.00", "earliest_lead"), ("sales_a", "closer", "50.00", "closer")}),
    Case("Two leads for the same family: the earliest wins",
         (lead("billing_north", "box"), lead("reception_a", "fibre"), lead_won(1)),
         {("billing_north", "initiator", "50.00", "earliest_lead"), ("sales_a", "closer", "50.00", "closer")}),
    Case("A lead of another family does not count",
         (lead("reception_a", "mobile"), sold("sales_a", "fibre", "visit")),
         {("sales_a", "initiator", "50.00", "no_initiator"), ("sales_a", "closer", "50.00", "closer")}),
    Case("A lead older than the window: the closer initiated",
         (lead("reception_a", "box", days_ago=91), sold("sales_a", "fibre", "visit")),
         {("sales_a", "initiator", "50.00", "no_initiator"), ("sales_a", "closer", "50.00", "closer")}),
    Case("A lead just inside the window still counts",
         (lead("reception_a", "box", days_ago=89), sold("sales_a", "fibre", "visit")),
         {("reception_a", "initiator", "50.00", "earliest_lead"), ("sales_a", "closer", "50.00", "closer")}),
    Case("A proposal before a lead: the proposal's author initiated",
         (proposal("telesales", "internet"), lead("reception_a", "fibre"), lead_won(0)),
         {("telesales", "initiator", "50.00", "earliest_proposal"), ("sales_a", "closer", "50.00", "closer")}),
    Case("A complex product closed by telesales on a salesperson's account",
         (sold("telesales", "fibre", "outbound_call"),),
         {("telesales", "initiator", "40.00", "no_initiator"), ("telesales", "closer", "40.00", "closer"),
          ("sales_a", "account_owner", "20.00", "owner_share")}),
    Case("A basic product closed by reception: no share for the account owner",
         (sold("reception_a", "mobile", "inbound_call"),),
         {("reception_a", "initiator", "50.00", "no_initiator"), ("reception_a", "closer", "50.00", "closer")}),
    Case("A lead requalified as not a lead does not count",
         (lead("reception_a", "box"), requalified_as_not_a_lead(0), sold("sales_a", "fibre", "visit")),
         {("sales_a", "initiator", "50.00", "no_initiator"), ("sales_a", "closer", "50.00", "closer")}),
    Case("A cancelled sale: its credits are reversed",
         (sold("telesales", "fibre", "outbound_call"), cancelled),
         {("telesales", "initiator", "40.00", "no_initiator"), ("telesales", "closer", "40.00", "closer"),
          ("sales_a", "account_owner", "20.00", "owner_share"),
          ("telesales", "initiator", "-40.00", "reversal"), ("telesales", "closer", "-40.00", "reversal"),
          ("sales_a", "account_owner", "-20.00", "reversal")}),
]  # fmt: skip


@pytest.fixture(autouse=True)
def _memberships_in_force_on_the_days_travelled_to(org):
    # A membership grants its rights from `started_at` only; the fixtures start them today, and the
    # window's cases send leads months back.
    Membership.objects.update(started_at=timezone.now() - timedelta(days=365))


@pytest.mark.parametrize("case", CASES, ids=[case.title for case in CASES])
def test_attribution(case: Case, org, sales, wf):
    story = Story(org=org, sales=sales)
    for step in case.steps:
        step(story)
    story.sale.refresh_from_db()

    rows = Credit.objects.filter(sale=story.sale, counts=True).select_related("person")
    names = {story.person(name).pk: name for name, *_ in case.credits}
    assert {(names.get(row.person_id, row.person.username), row.role, str(row.share), row.rule) for row in rows} == (
        case.credits
    )
    # Shares sum to 100 % while the sale stands, to nothing once it is cancelled; so do the amounts.
    total_share = sum(row.share for row in rows)
    total_amount = sum(row.amount for row in rows)
    standing = story.sale.cancelled_at is None
    assert (total_share, total_amount) == ((Decimal("100"), story.sale.amount) if standing else (0, 0))
    assert trace_verify().ok


def test_every_case_is_a_worked_example_in_the_documentation():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "attribution.md").read_text()
    missing = [case.title for case in CASES if f"### {case.title}" not in text]
    assert missing == []
