"""Issue 8, Done means 1: a manager reassigns three requests at once from the overview, in a real browser.

François Lemoine (manager_national) narrows his overview to one back-office queue's requests,
ticks three that person does not hold yet and gives them to the person of that queue. Each is reassigned through
the assignment service; the page says so, and the three now show that person as their holder.
It changes who holds requests, which other browser tests read: this module has its own demo server.
"""

import re

import pytest
from playwright.sync_api import expect


@pytest.fixture(scope="module")
def live_url(own_live_url):
    return own_live_url


# The demo's back-office queues and the one person in each (accounts.demo).
QUEUES = [("SAV Hauts-de-France", "Romain Fontaine"), ("Facturation Hauts-de-France", "Thierry Lambert"),
          ("SAV Provence-Alpes-Côte d'Azur", "Pauline Renaud"),
          ("Facturation Provence-Alpes-Côte d'Azur", "Fatima Sanchez"), ("Production", "Benoît Masson")]  # fmt: skip


def test_a_manager_reassigns_three_requests_at_once(login, live_url):
    page = login("manager_national")
    expect(page).to_have_url(re.compile(r"/work/overview/$"))
    for team, person in QUEUES:  # noqa: B007 - the first queue with three open requests, and its person
        page.select_option("#overview-kind", "request")
        page.select_option("#overview-team", label=team)
        with page.expect_navigation():
            page.click("form[aria-label] button[type=submit]")
        # Requests the person does not hold yet: giving one to its holder again is refused (409).
        rows = page.locator("#overview-requests tr[id^=overview-request-]").filter(has_not_text=person)
        boxes = rows.locator("input[type=checkbox][name=request]")
        if boxes.count() >= 3:
            break
    else:
        pytest.fail("no queue of the demo has three open requests")
    ids = [boxes.nth(i).get_attribute("value") for i in range(3)]
    for i in range(3):
        boxes.nth(i).check()
    page.select_option("#reassign-assignee", label=person)
    with page.expect_navigation():
        page.click("#overview-reassign button[type=submit]")
    expect(page.locator(".messages .alert-success")).to_contain_text("3 items reassigned")
    expect(page.locator(".messages .alert-danger")).to_have_count(0)
    for request_id in ids:
        expect(page.locator(f"#overview-request-{request_id}")).to_contain_text(person)
