"""Issue 8, item 9: the overview, the queue and inbox (searched, sorted), the CSV exports and the client
search cost the same number of queries at two data sizes; the figures are printed for the report."""

import pytest
from django.urls import reverse

from tests.factories import ClientFactory, make_member
from workflow.services import lead_create, service_request_claim, service_request_create

SIZES = (3, 30)


def _grow(org, n):
    """n more requests (some claimed) and n more leads on new Lille clients."""
    claimer = make_member(team=org.billing_team_north)
    for i in range(n):
        client = ClientFactory(agency=org.agency_a, name=f"Client {i} {ClientFactory._meta.model.objects.count()}")
        request = service_request_create(sender=org.reception_a, client_id=client.pk, category="billing",
                                         subject=f"Invoice {i}", fields={"invoice_number": f"F-{i}"})  # fmt: skip
        if i % 2:
            service_request_claim(request_id=request.pk, user=claimer)
        lead_create(sender=org.reception_a, client_id=client.pk, subject=f"Lead {i}")


def _costs(page_as, queries_of, org, user, url, params=None, sizes=SIZES):
    client = page_as(user)
    costs = []
    for n in sizes:
        _grow(org, n)
        client.get(url, params or {})  # warm the per-process caches
        costs.append(
            queries_of(lambda: list(getattr(r := client.get(url, params or {}), "streaming_content", [])) or r)
        )
    return costs


@pytest.mark.parametrize(
    ("persona", "url", "params"),
    [
        ("manager_a", "workflow:overview", {}),
        ("manager_a", "workflow:overview", {"overdue": "1", "assignee": "none", "kind": "request"}),
        ("billing_north", "workflow:queue", {}),
        ("billing_north", "workflow:queue", {"q": "client", "sort": "due"}),
        ("billing_north", "workflow:queue-csv", {"sort": "-created"}),
        ("sales_a", "workflow:inbox", {"q": "lead", "sort": "created"}),
        ("sales_a", "workflow:inbox-csv", {}),
        ("reception_a", "crm:console", {"q": "client"}),
    ],
)  # fmt: skip
def test_lists_cost_the_same_at_two_sizes(page_as, queries_of, org, wf, persona, url, params):
    # The client search counts its matches only past one full page (20): both sizes give a full page.
    sizes = (21, 30) if url == "crm:console" else SIZES
    few, many = _costs(page_as, queries_of, org, getattr(org, persona), reverse(url), params, sizes)
    print(f"\n{url} {params}: {few} queries at {sizes[0]} items, {many} at {sum(sizes)}")
    assert many == few
