"""The demo's sales (issue 9): months of sales with credits, complex products closed by telesales on
salespeople's accounts, cancellations, one open and one decided dispute; the trace verifies."""

from io import StringIO

import pytest
from django.core.management import call_command

from trace.services import trace_verify
from workflow.models import Credit, CreditSet, Dispute, Sale

pytestmark = pytest.mark.django_db


def test_the_demo_has_sales_with_credits_and_disputes():
    call_command("seed_demo", clients=20, interactions_per_client=1, stdout=StringIO())

    sales = Sale.objects.select_related("product", "closer")
    assert len({sale.sold_on.replace(day=1) for sale in sales}) >= 4
    assert not Sale.objects.filter(credits__isnull=True).exists()
    telesales_on_accounts = Credit.objects.filter(role="account_owner", sale__closer__username__startswith="telesales")
    assert telesales_on_accounts.exists()
    assert (
        Credit.objects.filter(rule="earliest_lead").exists()
        and Credit.objects.filter(rule="earliest_proposal").exists()
    )
    assert CreditSet.objects.filter(kind="reversal").exists()
    assert set(Dispute.objects.values_list("status", flat=True)) == {"open", "upheld"}
    assert CreditSet.objects.filter(kind="dispute", counts=True).count() == 1
    assert trace_verify().ok
