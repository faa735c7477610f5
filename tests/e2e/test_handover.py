"""Issue 8, Done means 1: an admin moves a salesperson with a handover, in a real browser.

Antoine Lemaire (sales_lille2) moves from the Lille sales team to Amiens'. The organisation page shows
what he holds before anything is done; the admin names Sophie Vandamme (sales_lille) for his leads
and accounts and confirms. Afterwards his old leads are in Sophie's inbox, and a new lead on one of
his former accounts, written by reception, lands with Sophie.

The move is for good, and the other browser tests count on the seeded organisation (Antoine in
Lille, Lille's leads with their owners): this module runs on a demo server of its own.
"""

import os
import re
import time

import pytest
from playwright.sync_api import expect

# Where to keep screenshots of the handover pages, when asked (a folder); none by default.
SCREENSHOTS = os.environ.get("RELAIS_E2E_SCREENSHOTS", "")


@pytest.fixture(scope="module")
def live_url(own_live_url):
    return own_live_url


def _screenshot(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, name), full_page=True)


def _inbox_rows(page, live_url) -> dict[str, str]:
    """{lead reference: client page URL} of the open leads in the person's inbox."""
    page.goto(f"{live_url}/work/inbox/")
    rows = {}
    for row in page.locator("tr[id^='lead-']").all():
        reference = row.locator("a").first.inner_text().strip()
        rows[reference] = row.locator("a[href*='/clients/']").first.get_attribute("href")
    return rows


def test_an_admin_moves_a_salesperson_and_the_successor_takes_the_leads_and_the_next_lead(login, live_url):
    leaver = login("sales_lille2")
    held = _inbox_rows(leaver, live_url)
    assert held, "the demo gives Antoine open leads"

    # Reception reads the account owner of each of those clients before the move: Antoine's accounts.
    reception = login("reception_lille")
    antoines_clients = []
    for client_path in set(held.values()):
        reception.goto(f"{live_url}{client_path}")
        if "Antoine Lemaire" in reception.locator("main dl").first.inner_text():
            antoines_clients.append(client_path)
    assert antoines_clients, "one of Antoine's leads is on an account he owns"

    # The admin moves him: the page shows the handover before doing anything.
    admin = login("admin")
    admin.goto(f"{live_url}/accounts/organisation/")
    person = admin.locator("tr", has_text="sales_lille2")
    person.locator("form[action*='/reassign/'] select[name=team]").select_option(label="Commerciaux Amiens")
    person.locator("form[action*='/reassign/'] button[type=submit]").click()
    handover = admin.locator("#handover")
    expect(handover).to_be_visible()
    expect(admin.locator("#handover-leads .handover-count")).to_have_text(str(len(held)))
    owned = int(admin.locator("#handover-accounts .handover-count").inner_text())
    assert owned >= len(antoines_clients)
    _screenshot(admin, "org-handover-preview.png")

    admin.select_option("select[name=handover_leads]", label="Sophie Vandamme")
    admin.select_option("select[name=handover_accounts]", label="Sophie Vandamme")
    admin.get_by_role("button", name="Show the handover again").click()
    expect(admin.locator("#handover-leads .handover-target")).to_contain_text("Sophie Vandamme")
    admin.get_by_role("button", name="Confirm the move").click()
    expect(admin).to_have_url(re.compile(r"/accounts/organisation/"))
    expect(admin.locator("body")).to_contain_text("Commerciaux Amiens")
    _screenshot(admin, "org-handover-done.png")

    # His old leads are with Sophie.
    successor = login("sales_lille")
    assert set(held) <= set(_inbox_rows(successor, live_url))

    # A new lead on one of his former accounts goes to Sophie, and says why.
    token = f"e2e-handover-{int(time.time() * 1000)}"
    reception.goto(f"{live_url}{antoines_clients[0]}")
    expect(reception.locator("main dl").first).to_contain_text("Sophie Vandamme")
    reception.get_by_role("link", name="New lead").click()
    reception.fill("#id_subject", f"Second site to equip {token}")
    reception.locator("main form[method=post] button[type=submit]").first.click()
    new_reference = reception.locator("#client-leads tbody tr").first.locator("a").first.inner_text().strip()
    assert new_reference.startswith("L-")
    successor.goto(f"{live_url}/work/inbox/")
    row = successor.locator("tr", has=successor.get_by_role("link", name=new_reference, exact=True))
    expect(row).to_contain_text(token)
    successor.get_by_role("link", name=new_reference, exact=True).click()
    expect(successor.locator("main")).to_contain_text("Sophie Vandamme")
