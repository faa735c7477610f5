"""Issue 2, Done means 8: a reception agent logs in, finds a client despite a typo, opens it, logs a call."""

import re

from playwright.sync_api import expect


def test_reception_finds_a_client_with_a_typo_and_logs_a_call(login, live_url):
    page = login("reception_lille")
    page.goto(f"{live_url}/clients/")
    page.locator("#client-search").press_sequentially("boulangrie dupond", delay=30)  # typed, as a person would
    result = page.get_by_role("link", name="Boulangerie Dupont")
    expect(result).to_be_visible()
    result.click()
    expect(page).to_have_url(re.compile(r"/clients/\d+/$"))
    expect(page.get_by_role("heading", name="Boulangerie Dupont")).to_be_visible()

    page.select_option("#id_channel", "inbound_call")
    page.fill("#id_subject", "Asked about the new fibre offer")
    page.fill("#id_notes", "Call back next week.")
    page.click("#interaction-form button[type=submit]")
    expect(page.locator("#interaction-form")).to_contain_text("Contact logged")
    expect(page.get_by_text("Asked about the new fibre offer").first).to_be_visible()

    page.reload()
    expect(page.get_by_text("Asked about the new fibre offer").first).to_be_visible()


def test_a_client_of_another_agency_cannot_be_opened(login, live_url):
    page = login("reception_marseille")
    page.goto(f"{live_url}/clients/?q=boulangerie+dupont")
    expect(page.get_by_role("link", name="Boulangerie Dupont")).to_have_count(0)
