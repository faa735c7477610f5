"""Issue 9 in a real browser: reception is refused a complex sale and sends a lead instead; telesales records
a proposal and a complex sale on a salesperson's account; the salesperson sees the owner's share in "my
credits" and contests; the manager decides from the queue, with the chronology next to the rule's verdict.

With `RELAIS_E2E_SCREENSHOTS=<folder>`, each screen is saved there (full page) to be looked at.
"""

import os
import re
import time
from pathlib import Path

from playwright.sync_api import expect

SHOTS = os.environ.get("RELAIS_E2E_SCREENSHOTS")


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _showcase(page, live_url) -> str:
    page.goto(f"{live_url}/clients/")
    page.locator("#client-search").press_sequentially("boulangerie dupont", delay=20)
    page.get_by_role("link", name="Boulangerie Dupont").click()
    expect(page).to_have_url(re.compile(r"/clients/\d+/$"))
    expect(page.locator("#client-work")).to_contain_text("Requests and leads")
    return page.url


def _record_sale(page, *, product: str, amount: str, channel: str) -> None:
    page.get_by_role("link", name="Record a sale").click()
    page.select_option("#id_product", label=product)
    page.fill("#id_amount", amount)
    page.select_option("#id_channel", label=channel)
    page.locator("main form[method=post] button[type=submit]").click()


def test_sales_credits_and_a_dispute_across_roles(login, live_url):
    token = f"e2e-{int(time.time() * 1000)}"

    # Reception: a complex product is refused, with the way out: send a lead for it.
    reception = login("reception_lille")
    client_url = _showcase(reception, live_url)
    _record_sale(reception, product="Fibre dédiée", amount="9000", channel="Inbound call")
    expect(reception.locator("#send-lead-instead")).to_contain_text("Send a lead")
    expect(reception.locator("main form")).to_contain_text("complex product")
    _shot(reception, "01-reception-complex-sale-refused")
    reception.get_by_role("link", name="Send a lead instead").click()
    expect(reception.locator("#id_product option:checked")).to_have_text("Fibre dédiée")
    _shot(reception, "02-reception-lead-form-preset")
    reception.goto(client_url)
    _record_sale(reception, product="Forfait mobile Essentiel", amount="29.90", channel="Inbound call")
    expect(reception).to_have_url(re.compile(r"/work/sales/\d+/$"))
    expect(reception.locator("main")).to_contain_text("Initiator: no lead or proposal for mobile")
    _shot(reception, "03-reception-basic-sale-credited")

    # Telesales: a proposal, then a complex product sold on Sophie's account: she gets the owner's share.
    telesales = login("telesales_hdf")
    telesales.goto(client_url)
    telesales.get_by_role("link", name="Record a proposal").click()
    telesales.select_option("#id_family", label="cloud")
    telesales.fill("#id_notes", f"Offre sauvegarde {token}")
    telesales.locator("main form[method=post] button[type=submit]").click()
    expect(telesales).to_have_url(client_url)
    _record_sale(telesales, product="Serveur privé virtuel", amount="4200", channel="Outbound call")
    expect(telesales).to_have_url(re.compile(r"/work/sales/\d+/$"))
    sale_url = telesales.url
    credits = telesales.locator("#credits-title").locator("xpath=..")
    expect(credits).to_contain_text("made a proposal for cloud")
    expect(credits).to_contain_text("Account owner: the product is complex")
    _shot(telesales, "04-telesales-complex-sale-owner-share")
    telesales.get_by_role("link", name="My credits").click()
    expect(telesales.locator("#credits")).to_contain_text("Serveur privé virtuel")
    _shot(telesales, "05-telesales-my-credits")

    # The salesperson: the owner's share in her credits; she contests (she met the client first).
    sales = login("sales_lille")
    sales.get_by_role("link", name="My credits").click()
    expect(sales.locator("#credits")).to_contain_text("Account owner")
    _shot(sales, "06-salesperson-my-credits")
    sales.goto(sale_url)
    sales.locator("#open-dispute summary").click()
    sales.fill("#id_dispute_reason", f"I presented the server at my visit last month {token}")
    sales.locator("#open-dispute button[type=submit]").click()
    expect(sales.locator("main")).to_contain_text("sent to the managers")
    _shot(sales, "07-salesperson-contested")

    # The manager: the queue, the chronology next to the rule's verdict, and the decision.
    manager = login("manager_lille")
    manager.get_by_role("link", name="Disputes").click()
    expect(manager.locator("#disputes")).to_contain_text("Serveur privé virtuel")
    _shot(manager, "08-manager-dispute-queue")
    manager.locator("#disputes tr", has_text="Serveur privé virtuel").get_by_role("link").first.click()
    expect(manager.locator("main")).to_contain_text("The rule's verdict")
    expect(manager.locator(".chronology")).to_contain_text("Proposal recorded")
    _shot(manager, "09-manager-decision-screen")
    manager.locator("input[name=outcome][value=rejected]").check()
    manager.fill("#id_decision_reason", "No visit logged before the telesales proposal.")
    manager.locator("main form[method=post] button[type=submit]").click()
    expect(manager.locator("main")).to_contain_text("Rejected: credits kept")
    _shot(manager, "10-manager-decided")

    # The rule, in French.
    french = login("sales_lille", language="fr-FR")
    french.goto(f"{live_url}/work/credits/rule/")
    expect(french.locator("main")).to_contain_text("Une vente est attribuée à qui l’a initiée en premier")
    _shot(french, "11-rule-in-french")
