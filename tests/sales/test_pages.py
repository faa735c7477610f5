"""The sales pages as each role uses them: record a sale (a refused complex sale offers a lead), a proposal,
a sale's credits and chronology, cancel, contest; my credits and the monthly statement; the dispute queue
and the decision screen; the rule in words (issue 9)."""

import csv
import io

from django.urls import reverse

from tests.factories import ClientFactory
from workflow.models import Credit, CreditSet, Dispute, Sale
from workflow.services.disputes import dispute_open
from workflow.services.sales import sale_record


def _telesales_sale(org, sales, client=None):
    return sale_record(actor=sales.telesales, client_id=(client or org.client_a).pk, product_id=sales.fibre.pk,
                       amount="1000", channel="outbound_call")  # fmt: skip


def test_reception_refused_a_complex_sale_is_offered_to_send_a_lead_for_that_product(org, sales, wf, page_as):
    page = page_as(org.reception_a)
    url = reverse("workflow:sale-create", args=[org.client_a.pk])
    assert page.get(url).status_code == 200

    refused = page.post(url, {"product": sales.fibre.pk, "quantity": 1, "amount": "5000", "channel": "visit"})

    assert refused.status_code == 400
    html = refused.content.decode()
    assert "complex product" in html and "Send a lead instead" in html
    lead_url = f"{reverse('workflow:lead-create', args=[org.client_a.pk])}?product={sales.fibre.pk}"
    assert f'href="{lead_url}"' in html
    assert not Sale.objects.exists()
    lead_form = page.get(lead_url).content.decode()
    assert f'<option value="{sales.fibre.pk}" selected>' in lead_form

    sold = page.post(url, {"product": sales.mobile.pk, "quantity": 2, "amount": "30", "channel": "inbound_call"})
    sale = Sale.objects.get()
    assert sold.status_code == 302 and sold.url == reverse("workflow:sale-detail", args=[sale.pk])
    assert (sale.closer, sale.quantity) == (org.reception_a, 2)


def test_who_gets_the_sale_and_proposal_forms(org, sales, page_as):
    sale_url = reverse("workflow:sale-create", args=[org.client_a.pk])
    proposal_url = reverse("workflow:proposal-create", args=[org.client_a.pk])
    assert page_as(org.billing_north).get(sale_url).status_code == 403
    assert page_as(org.reception_b).get(sale_url).status_code == 404
    assert page_as(org.reception_a).get(proposal_url).status_code == 403
    manager_form = page_as(org.manager_a).get(sale_url).content.decode()
    assert (
        'name="closer"' in manager_form and 'name="closer"' not in page_as(org.sales_a).get(sale_url).content.decode()
    )
    work = page_as(sales.telesales).get(reverse("workflow:client-work", args=[org.client_a.pk])).content.decode()
    assert sale_url in work and proposal_url in work

    page = page_as(sales.telesales)
    assert page.post(proposal_url, {"family": "spaceships", "channel": "visit"}).status_code == 400
    made = page.post(proposal_url, {"family": "internet", "channel": "outbound_call", "notes": "Offer sent"})
    assert made.status_code == 302
    timeline = page_as(org.reception_a).get(reverse("crm:client_detail", args=[org.client_a.pk])).content.decode()
    assert "Proposal: internet" in timeline


def test_the_sale_page_shows_credits_chronology_and_the_rule_and_lets_people_act(org, sales, wf, page_as):
    sale = _telesales_sale(org, sales)
    html = page_as(org.sales_a).get(reverse("workflow:sale-detail", args=[sale.pk])).content.decode()
    assert "Account owner: the product is complex" in html and "Closer:" in html
    assert "Sale recorded" in html and "Sale credited by the attribution rule" in html
    assert 'action="' + reverse("workflow:dispute-open", args=[sale.pk]) in html
    assert reverse("workflow:sale-cancel", args=[sale.pk]) not in html  # not the closer, not a manager

    contest = page_as(org.sales_a).post(reverse("workflow:dispute-open", args=[sale.pk]), {"reason": "I met them"})
    assert contest.status_code == 302 and Dispute.objects.get().opened_by == org.sales_a
    again = page_as(org.sales_a).post(reverse("workflow:dispute-open", args=[sale.pk]), {"reason": "Again"})
    assert again.status_code == 400 or again.status_code == 409

    cancel = page_as(sales.telesales).post(reverse("workflow:sale-cancel", args=[sale.pk]), {"reason": "Withdrawn"})
    assert cancel.status_code == 302
    assert sum(c.amount for c in Credit.objects.filter(sale=sale, counts=True)) == 0
    html = page_as(sales.telesales).get(reverse("workflow:sale-detail", args=[sale.pk])).content.decode()
    assert "Sale cancelled" in html and "Reversed: the sale was cancelled." in html
    assert page_as(org.reception_b).get(reverse("workflow:sale-detail", args=[sale.pk])).status_code == 404


def test_my_credits_by_month_and_the_statement(org, sales, page_as):
    sale = _telesales_sale(org, sales)
    odd = ClientFactory(agency=org.agency_a, name='=HYPERLINK("http://evil")')
    _telesales_sale(org, sales, client=odd)
    period = sale.sold_on.strftime("%Y-%m")
    page = page_as(sales.telesales)

    html = page.get(reverse("workflow:credits"), {"period": period}).content.decode()
    assert html.count('id="credit-') == 4 and "1800.00 €" in html  # 40 % + 40 % of one, 50 % + 50 % of the other

    statement = page.get(reverse("workflow:credits-statement"), {"period": period})
    assert statement["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(statement.content.decode())))
    assert rows[0][0] == "Sale" and rows[-1][0] == "Total" and rows[-1][8] == "1800.00"
    assert len(rows) == 6
    assert any(cell.startswith("'=HYPERLINK") for row in rows for cell in row)
    empty = page.get(reverse("workflow:credits"), {"period": "2001-01"}).content.decode()
    assert "No credit this month." in empty
    assert page.get(reverse("workflow:credits"), {"period": "0001-01"}).status_code == 200
    assert page.get(reverse("workflow:credits"), {"period": "\x00"}).status_code == 200  # this month instead

    assert page_as(org.sales_a).get(reverse("workflow:credits"), {"person": "all"}).status_code == 404
    scope = page_as(org.manager_a).get(reverse("workflow:credits"), {"person": "all", "period": period})
    assert scope.content.decode().count('id="credit-') == 5  # the second client has no owner


def test_the_manager_decides_on_the_decision_screen(org, sales, wf, page_as):
    sale = _telesales_sale(org, sales)
    dispute = dispute_open(actor=org.reception_a, sale_id=sale.pk, reason="I sent them to telesales")
    queue = page_as(org.manager_a).get(reverse("workflow:disputes")).content.decode()
    assert f'id="dispute-{dispute.pk}"' in queue
    assert f'id="dispute-{dispute.pk}"' not in page_as(org.sales_a).get(reverse("workflow:disputes")).content.decode()
    url = reverse("workflow:dispute-detail", args=[dispute.pk])
    screen = page_as(org.manager_a).get(url).content.decode()
    assert "The rule's verdict" in screen and "I sent them to telesales" in screen and 'name="outcome"' in screen
    assert 'name="outcome"' not in page_as(org.reception_a).get(url).content.decode()  # the opener reads, not decides
    assert page_as(org.sales_a).get(url).status_code == 404

    rows = {"person_0": org.reception_a.pk, "role_0": "initiator", "share_0": "40",
            "person_1": sales.telesales.pk, "role_1": "closer", "share_1": "40",
            "person_2": org.sales_a.pk, "role_2": "account_owner", "share_2": "20"}  # fmt: skip
    wrong = page_as(org.manager_a).post(url, {"outcome": "upheld", "reason": "So", **rows, "share_2": "25"})
    assert wrong.status_code == 400 and "add up to 105" in wrong.content.decode()
    refused = page_as(org.reception_a).post(url, {"outcome": "rejected", "reason": "Mine"})
    assert refused.status_code == 403
    done = page_as(org.manager_a).post(url, {"outcome": "rejected", "reason": "Telesales called first"})
    assert done.status_code == 302
    assert Dispute.objects.get().status == "rejected" and CreditSet.objects.filter(sale=sale).count() == 1
    late = page_as(org.manager_a).post(url, {"outcome": "rejected", "reason": "Again"})
    assert late.status_code == 409


def test_the_rule_reads_in_french_and_english_and_the_navigation_leads_to_credits(org, page_as):
    page = page_as(org.manager_a)
    english = page.get(reverse("workflow:attribution-rule")).content.decode()
    assert "A sale is credited to whoever first initiated it" in english
    assert reverse("workflow:credits") in english and reverse("workflow:disputes") in english
    french = page.get(reverse("workflow:attribution-rule"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Une vente est attribuée à qui l’a initiée en premier" in french
    assert (
        reverse("workflow:disputes") not in page_as(org.reception_a).get(reverse("workflow:credits")).content.decode()
    )
