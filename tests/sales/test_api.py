"""`sales/`, `sales/{id}/credits/`, `sales/{id}/cancel/`, `credits/`, `disputes/`, `disputes/{id}/decide/`,
`proposals/`: the rights of DESIGN.md section 5 (out of scope answers 404) and odd input (issue 9)."""

import pytest

from tests.factories import ClientFactory
from workflow import services
from workflow.models import Dispute, Sale
from workflow.services.sales import sale_record

API = "/api/v1/"


def _sale(org, sales, *, client=None, actor=None, product=None, channel="outbound_call"):
    return sale_record(actor=actor or sales.telesales, client_id=(client or org.client_a).pk,
                       product_id=(product or sales.fibre).pk, amount="1000", channel=channel)  # fmt: skip


def _ok(response, code=200):
    assert response.status_code == code, response.content
    return response.json()


def test_recording_a_sale_answers_it_with_its_credits_a_page_away(org, sales, api_as):
    telesales = api_as(sales.telesales)
    body = {"client": org.client_a.pk, "product": sales.fibre.pk, "amount": "1500.50", "quantity": 3,
            "channel": "outbound_call"}  # fmt: skip
    sale = _ok(telesales.post(f"{API}sales/", body, format="json"), 201)
    assert (sale["closer"], sale["amount"], sale["quantity"], sale["family"], sale["account_owner"]) == (
        sales.telesales.pk, "1500.50", 3, "internet", org.sales_a.pk)  # fmt: skip
    versions = _ok(telesales.get(f"{API}sales/{sale['id']}/credits/"))
    assert [(v["version"], v["kind"], v["counts"]) for v in versions] == [(1, "rule", True)]
    rows = {(r["person"], r["role"], r["share"], r["amount"]) for r in versions[0]["credits"]}
    assert rows == {(sales.telesales.pk, "initiator", "40.00", "600.20"), (sales.telesales.pk, "closer", "40.00",
                    "600.20"), (org.sales_a.pk, "account_owner", "20.00", "300.10")}  # fmt: skip
    assert all(r["rule_text"] for r in versions[0]["credits"])


@pytest.mark.parametrize(
    "body",
    [{"amount": "99999999999"}, {"quantity": 10**15}, {"sold_on": "0001-01-01"}, {"sold_on": "9999-12-31"},
     {"channel": "visit\x00"}, {"client": 2**70}, {"product": "1; DROP TABLE"}, {"closer": -1}, {"amount": "NaN"}],
)  # fmt: skip
def test_odd_input_is_a_400_naming_the_field(org, sales, api_as, body):
    base = {"client": org.client_a.pk, "product": sales.fibre.pk, "amount": "10", "channel": "visit"}
    refused = api_as(org.sales_a).post(f"{API}sales/", {**base, **body}, format="json")
    assert refused.status_code == 400, refused.content
    assert set(body) <= set(refused.json())
    assert not Sale.objects.exists()


def test_sales_are_seen_by_whoever_sees_the_client(org, sales, api_as):
    mine = _sale(org, sales)
    _sale(org, sales, client=ClientFactory(agency=org.agency_b))
    assert [s["id"] for s in _ok(api_as(org.reception_a).get(f"{API}sales/"))["results"]] == [mine.pk]
    assert _ok(api_as(org.reception_a).get(f"{API}sales/?client={org.client_a.pk}&period=2000-01"))["results"] == []
    for path in (f"sales/{mine.pk}/", f"sales/{mine.pk}/credits/", "sales/99999999999999999999/"):
        assert api_as(org.reception_b).get(f"{API}{path}").status_code == 404, path
    assert api_as(org.outsider).get(f"{API}sales/").json()["results"] == []
    for period in ("2026-13", "26-01", "2026-1\x00", "0000-01"):
        assert api_as(org.reception_a).get(f"{API}sales/", {"period": period}).status_code == 400, period
    assert api_as(org.reception_a).get(f"{API}sales/", {"period": "0001-01"}).status_code == 200


def test_credits_are_ones_own_and_a_managers_scope(org, sales, api_as):
    sale_a = _sale(org, sales)
    client_b = ClientFactory(agency=org.agency_b)
    _sale(org, sales, client=client_b)
    period = sale_a.sold_on.strftime("%Y-%m")

    own = _ok(api_as(sales.telesales).get(f"{API}credits/", {"period": period}))["results"]
    assert len(own) == 4 and {r["person"] for r in own} == {sales.telesales.pk}
    assert _ok(api_as(org.sales_a).get(f"{API}credits/"))["results"][0]["role"] == "account_owner"
    # Someone else's credits: only for a manager, and only over their agencies.
    assert api_as(org.sales_a).get(f"{API}credits/", {"person": sales.telesales.pk}).status_code == 404
    assert api_as(org.sales_a).get(f"{API}credits/", {"person": "all"}).status_code == 404
    scoped = _ok(api_as(org.manager_a).get(f"{API}credits/", {"person": sales.telesales.pk}))["results"]
    assert {r["sale"] for r in scoped} == {sale_a.pk}
    everyone = _ok(api_as(org.manager_a).get(f"{API}credits/", {"person": "all", "period": period}))["results"]
    assert {r["person"] for r in everyone} == {sales.telesales.pk, org.sales_a.pk}
    assert len(_ok(api_as(org.admin).get(f"{API}credits/", {"person": "all"}))["results"]) == 5  # B has no owner
    for bad in ({"person": "x"}, {"person": "1\x00"}, {"period": "2026-00"}):
        assert api_as(org.manager_a).get(f"{API}credits/", bad).status_code == 400, bad


def test_cancel_through_the_api(org, sales, api_as):
    sale = _sale(org, sales)
    assert api_as(org.reception_b).post(f"{API}sales/{sale.pk}/cancel/", {"reason": "x"}).status_code == 404
    assert api_as(org.sales_a2).post(f"{API}sales/{sale.pk}/cancel/", {"reason": "x"}).status_code == 403
    assert api_as(sales.telesales).post(f"{API}sales/{sale.pk}/cancel/", {"reason": "\x00"}).status_code == 400
    cancelled = _ok(api_as(sales.telesales).post(f"{API}sales/{sale.pk}/cancel/", {"reason": "Withdrawn"}))
    assert cancelled["cancelled_at"] and cancelled["cancellable_until"] is None
    again = api_as(org.manager_a).post(f"{API}sales/{sale.pk}/cancel/", {"reason": "Twice"})
    assert again.status_code == 409 and again.json()["status"] == "cancelled"


def test_disputes_through_the_api(org, sales, api_as):
    sale = _sale(org, sales)
    reception = api_as(org.reception_a)
    assert api_as(org.reception_b).post(f"{API}disputes/", {"sale": sale.pk, "reason": "Mine"}).status_code == 404
    assert reception.post(f"{API}disputes/", {"sale": sale.pk, "reason": ""}).status_code == 400
    dispute = _ok(reception.post(f"{API}disputes/", {"sale": sale.pk, "reason": "I took the first call"}), 201)
    assert reception.post(f"{API}disputes/", {"sale": sale.pk, "reason": "Again"}).status_code == 409
    assert [d["id"] for d in _ok(reception.get(f"{API}disputes/"))["results"]] == [dispute["id"]]
    assert _ok(api_as(org.sales_a).get(f"{API}disputes/"))["results"] == []
    assert api_as(org.sales_a).get(f"{API}disputes/{dispute['id']}/").status_code == 404
    assert [d["id"] for d in _ok(api_as(org.manager_a).get(f"{API}disputes/"))["results"]] == [dispute["id"]]

    decide = f"{API}disputes/{dispute['id']}/decide/"
    credits = [{"person": org.reception_a.pk, "role": "initiator", "share": "40"},
               {"person": sales.telesales.pk, "role": "closer", "share": "40"},
               {"person": org.sales_a.pk, "role": "account_owner", "share": "20"}]  # fmt: skip
    body = {"outcome": "upheld", "reason": "The call came first", "credits": credits}
    assert reception.post(decide, body, format="json").status_code == 403  # one's own dispute
    assert api_as(org.sales_a).post(decide, body, format="json").status_code == 404
    wrong = {**body, "credits": [{**credits[0], "share": "90"}, *credits[1:]]}
    assert api_as(org.manager_a).post(decide, wrong, format="json").status_code == 400
    decided = _ok(api_as(org.manager_a).post(decide, body, format="json"))
    assert (decided["status"], decided["resulting_version"]) == ("upheld", 2)
    assert api_as(org.manager_a).post(decide, body, format="json").status_code == 409
    assert _ok(reception.get(f"{API}disputes/", {"status": "upheld"}))["results"][0]["decision_reason"] == (
        "The call came first"
    )
    versions = _ok(reception.get(f"{API}sales/{sale.pk}/credits/"))
    assert [(v["version"], v["counts"]) for v in versions] == [(2, True), (1, False)]
    assert Dispute.objects.get().decided_by == org.manager_a


def test_proposals_through_the_api(org, sales, api_as):
    body = {"client": org.client_a.pk, "family": "internet", "notes": "Sent the brochure"}
    made = _ok(api_as(sales.telesales).post(f"{API}proposals/", body, format="json"), 201)
    assert (made["family"], made["author"], made["channel"]) == ("internet", sales.telesales.pk, "visit")
    assert api_as(org.reception_a).post(f"{API}proposals/", body, format="json").status_code == 403
    assert api_as(sales.telemarketing).post(f"{API}proposals/", body, format="json").status_code == 403
    assert api_as(org.reception_b).post(f"{API}proposals/", body, format="json").status_code == 404
    for bad in ({"family": "spaceships"}, {"product": sales.mobile.pk}, {"proposed_on": "0001-01-01"},
                {"family": "internet\x00"}):  # fmt: skip
        assert api_as(org.sales_a).post(f"{API}proposals/", {**body, **bad}, format="json").status_code == 400, bad
    assert [p["id"] for p in _ok(api_as(org.reception_a).get(f"{API}proposals/"))["results"]] == [made["id"]]
    assert _ok(api_as(org.reception_b).get(f"{API}proposals/"))["results"] == []


def test_a_lead_won_through_the_api_names_the_product_and_the_sale_follows(org, sales, wf, api_as):
    lead = services.lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Lines")
    services.lead_accept(lead_id=lead.pk, user=org.sales_a, potential_amount="3000", probability=60)
    won_url = f"{API}leads/{lead.pk}/won/"
    assert api_as(org.sales_a).post(won_url, {}, format="json").status_code == 400
    won = _ok(api_as(org.sales_a).post(won_url, {"product": sales.mobile.pk, "quantity": 5}, format="json"))
    assert won["status"] == "won"
    sale = Sale.objects.get(lead=lead)
    assert (sale.product, sale.quantity, str(sale.amount)) == (sales.mobile, 5, "3000.00")
