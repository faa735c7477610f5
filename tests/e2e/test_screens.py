"""Issue 8, Done means 1 and 4, in a real browser: each role lands on its work after signing in, and
on a 390 px phone the queue, the inbox and the client page have no horizontal scroll, with the main
action (Claim, Accept) in view and the call form first on the client page."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD

LANDINGS = [
    ("reception_lille", "/clients/", "#client-search"),
    ("sales_lille", "/work/inbox/", "#inbox"),
    ("billing_hdf", "/work/queue/", "#queue"),
    ("manager_lille", "/work/overview/", "#overview-requests"),
    ("admin", "/accounts/organisation/", "main h1"),
]


@pytest.mark.parametrize(("username", "path", "landmark"), LANDINGS)
def test_each_role_signs_in_and_lands_on_its_page(login, live_url, username, path, landmark):
    page = login(username)
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    expect(page.locator(landmark).first).to_be_visible()


def _phone(browser, live_url, username):
    context = browser.new_context(locale="en-GB", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{live_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form:has(#id_username) button[type=submit]")
    page.wait_for_load_state("networkidle")
    return context, page


def _widths(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")


def test_at_390_px_the_queue_the_inbox_and_the_client_page_do_not_scroll_sideways(browser, live_url):
    measured = {}
    context, page = _phone(browser, live_url, "billing_hdf")
    try:
        page.goto(f"{live_url}/work/queue/")
        measured["queue"] = _widths(page)
        claim = page.locator("#queue button", has_text="Claim").first
        if claim.count():
            box = claim.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    finally:
        context.close()
    context, page = _phone(browser, live_url, "sales_lille")
    try:
        page.goto(f"{live_url}/work/inbox/")
        measured["inbox"] = _widths(page)
        accept = page.locator("#inbox button", has_text="Accept").first
        if accept.count():
            box = accept.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    finally:
        context.close()
    context, page = _phone(browser, live_url, "reception_lille")
    try:
        # Caller ID of the demo's showcase client: one match opens its page.
        page.goto(f"{live_url}/clients/?phone=0320123456")
        expect(page).to_have_url(re.compile(r"/clients/\d+/$"))
        measured["client"] = _widths(page)
        # The call form comes before the identity on a phone.
        log_y = page.locator("#log-title").bounding_box()["y"]
        identity_y = page.locator("#identity-title").bounding_box()["y"]
        assert log_y < identity_y
    finally:
        context.close()
    print(f"\nscrollWidth, clientWidth at 390 px: {measured}")
    for name, (scroll_width, client_width) in measured.items():
        assert scroll_width <= client_width, (name, scroll_width, client_width)
