"""Done 9.7: the credits and dispute lists (pages and API) cost the same queries for a few rows or many."""

from django.test import Client
from django.urls import reverse

from crm.proposals import proposal_record
from tests.factories import ClientFactory
from workflow import services
from workflow.services.disputes import dispute_decide, dispute_open
from workflow.services.sales import sale_cancel, sale_record


def _more_sales(org, sales):
    """Varied rows: a lead's sale, a telesales complex sale with a dispute decided, one cancelled, one contested."""
    lead = services.lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre",
                                product_id=sales.fibre.pk)  # fmt: skip
    services.lead_accept(lead_id=lead.pk, user=org.sales_a, potential_amount="900", probability=50)
    services.lead_won(lead_id=lead.pk, user=org.sales_a)
    client = ClientFactory(agency=org.agency_a, account_owner=org.sales_a2)
    decided = sale_record(actor=sales.telesales, client_id=client.pk, product_id=sales.fibre.pk, amount="1000",
                          channel="outbound_call")  # fmt: skip
    dispute = dispute_open(actor=org.reception_a, sale_id=decided.pk, reason="Mine")
    dispute_decide(dispute_id=dispute.pk, actor=org.manager_a, outcome="upheld", reason="Yes", credits=[
        {"person": org.reception_a.pk, "role": "initiator", "share": "40"},
        {"person": sales.telesales.pk, "role": "closer", "share": "40"},
        {"person": org.sales_a2.pk, "role": "account_owner", "share": "20"}])  # fmt: skip
    cancelled = sale_record(actor=sales.telesales, client_id=org.client_a.pk, product_id=sales.box.pk, amount="50",
                            channel="inbound_call")  # fmt: skip
    sale_cancel(sale_id=cancelled.pk, actor=sales.telesales, reason="Withdrawn")
    contested = sale_record(actor=sales.telesales, client_id=org.client_a.pk, product_id=sales.mobile.pk,
                            amount="20", channel="outbound_call")  # fmt: skip
    dispute_open(actor=org.reception_a, sale_id=contested.pk, reason="Mine too")
    dispute_open(actor=org.sales_a, sale_id=contested.pk, reason="And mine")


def test_credit_and_dispute_pages(org, sales, wf, queries_of):
    pages = [(sales.telesales, reverse("workflow:credits")), (org.manager_a, reverse("workflow:credits") + "?person=all"),
             (org.manager_a, reverse("workflow:credits") + f"?person={sales.telesales.pk}"),
             (sales.telesales, reverse("workflow:credits-statement")), (org.manager_a, reverse("workflow:disputes")),
             (org.manager_a, reverse("workflow:disputes") + "?status=upheld"), (org.reception_a, reverse("workflow:disputes"))]  # fmt: skip
    costs = {}
    for user, url in pages:
        page = Client()  # one browser per person
        page.force_login(user)

        def count(page=page, url=url):
            response = page.get(url)
            assert response.status_code == 200
            return queries_of(lambda: page.get(url))

        costs[url, user.username] = count
    _more_sales(org, sales)
    few = {key: count() for key, count in costs.items()}
    for _ in range(4):
        _more_sales(org, sales)
    many = {key: count() for key, count in costs.items()}
    assert many == few


def test_credit_dispute_and_sale_lists_through_the_api(org, sales, wf, queries_of_list):
    calls = [(sales.telesales, "/api/v1/credits/"), (org.manager_a, "/api/v1/credits/?person=all"),
             (org.manager_a, "/api/v1/disputes/"), (org.reception_a, "/api/v1/disputes/?status=upheld"),
             (org.reception_a, "/api/v1/sales/"), (org.reception_a, "/api/v1/proposals/")]  # fmt: skip

    def add():
        _more_sales(org, sales)
        proposal_record(actor=sales.telesales, client_id=org.client_a.pk, family="mobile")

    add()
    few = {path: queries_of_list(user, path) for user, path in calls}
    for _ in range(4):
        add()
    many = {path: queries_of_list(user, path) for user, path in calls}
    assert many == few
