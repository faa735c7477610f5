"""Issue 3, Done means 8: work crosses trades as written, traced messages, seen in a real browser.

Reception writes a lead and a billing request for one client; the salesperson accepts the lead from
their inbox; a billing agent claims and resolves the request from the queue; reception then sees both
statuses on the client 360 (the lead's status only).
"""

import re
import time

from playwright.sync_api import expect


def _open_showcase_client(page, live_url) -> str:
    page.goto(f"{live_url}/clients/")
    page.locator("#client-search").press_sequentially("boulangerie dupont", delay=20)
    page.get_by_role("link", name="Boulangerie Dupont").click()
    expect(page).to_have_url(re.compile(r"/clients/\d+/$"))
    return page.url


def test_lead_and_request_travel_between_reception_sales_and_billing(login, live_url, send_service_request):
    token = f"e2e-{int(time.time() * 1000)}"

    # Reception: a lead, then a billing request, for the same client.
    reception = login("reception_lille")
    client_url = _open_showcase_client(reception, live_url)
    reception.get_by_role("link", name="New lead").click()
    reception.fill("#id_subject", f"Wants fibre for three sites {token}")
    reception.locator("main form[method=post] button[type=submit]").first.click()
    expect(reception).to_have_url(client_url)
    lead_link = reception.locator("#client-leads tbody tr").first.locator("a").first
    lead_reference = lead_link.inner_text().strip()
    assert lead_reference.startswith("L-")

    reception.get_by_role("link", name="New service request").click()
    reception.select_option("#id_category", label="Question de facturation")
    reception.locator("#id_field_invoice_number").fill("F-2026-77777")
    reception.fill("#id_subject", f"Invoice twice too high {token}")
    send_service_request(reception)
    request_reference = "SR-" + reception.url.rstrip("/").rsplit("/", 1)[-1]
    expect(reception.locator("main")).to_contain_text("Facturation vers la facturation")  # the rule that routed it

    # The salesperson (the client's account owner) finds the lead in their inbox and accepts it.
    sales = login("sales_lille")
    sales.goto(f"{live_url}/work/inbox/")
    sales.get_by_role("link", name=lead_reference).click()
    expect(sales.locator("main")).to_contain_text(token)
    sales.locator("#action-accept summary").click()  # the panel opens like a person would open it
    accept = sales.locator("form[action$='/accept/']")
    accept.locator("input[name=potential_amount]").fill("18000")
    accept.locator("input[name=probability]").fill("60")
    accept.locator("button[type=submit]").click()
    expect(sales.locator("main")).to_contain_text("Accepted")

    # A billing agent claims the request from the queue, then resolves it.
    billing = login("billing_hdf")
    billing.goto(f"{live_url}/work/queue/")
    row = billing.locator("tr", has=billing.get_by_role("link", name=request_reference, exact=True))
    row.get_by_role("button", name="Claim").click()
    expect(row.get_by_role("button", name="Claim")).to_have_count(0)  # the row swapped: the claim is in
    billing.goto(f"{live_url}/work/requests/{request_reference[3:]}/")
    billing.locator("#action-resolve summary").click()
    resolve = billing.locator("form[action$='/resolve/']")
    resolve.locator("textarea[name=resolution], input[name=resolution]").fill("Credit note sent")
    resolve.locator("button[type=submit]").click()
    expect(billing.locator("main")).to_contain_text("Resolved")

    # Reception sees both statuses on the 360: the request in full, the lead's status only.
    reception.goto(client_url)
    requests_table = reception.locator("#client-requests")
    expect(requests_table.locator("tr", has_text=request_reference)).to_contain_text("Resolved")
    lead_row = reception.locator("#client-leads tr", has_text=lead_reference)
    expect(lead_row).to_contain_text("Accepted")
    expect(lead_row).not_to_contain_text(token)  # the lead's content stays confidential
