"""Issue 8, Done means 1 and 4, in a real browser: each role lands on its work after signing in, and
on a 390 px phone the queue, the inbox, the overview and the client page have no horizontal scroll, with the main
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


def _on_phone(browser, live_url, username: str, path: str, check=None) -> tuple[int, int]:
    """The page's widths at 390 px, after `check(page)` looked at what it must show."""
    context, page = _phone(browser, live_url, username)
    try:
        page.goto(f"{live_url}{path}")
        page.wait_for_load_state("networkidle")
        if check:
            check(page)
        return _widths(page)
    finally:
        context.close()


def _main_action_in_view(selector: str, label: str):
    def check(page) -> None:
        button = page.locator(selector, has_text=label).first
        assert button.count(), f"{label} is offered on {page.url}"
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box

    return check


def _call_form_first(page) -> None:
    expect(page).to_have_url(re.compile(r"/clients/\d+/$"))
    assert page.locator("#log-title").bounding_box()["y"] < page.locator("#identity-title").bounding_box()["y"]


def test_at_390_px_the_queue_inbox_overview_and_client_page_do_not_scroll_sideways(browser, live_url):
    measured = {
        "queue": _on_phone(browser, live_url, "billing_hdf", "/work/queue/", _main_action_in_view("#queue button", "Claim")),
        "inbox": _on_phone(browser, live_url, "sales_lille", "/work/inbox/",
                           _main_action_in_view("#inbox button", "Accept")),
        "overview": _on_phone(browser, live_url, "manager_lille", "/work/overview/",
                              _main_action_in_view("#overview-reassign button", "Reassign")),
        # Caller ID of the demo's showcase client: one match opens its page, the call form first.
        "client": _on_phone(browser, live_url, "reception_lille", "/clients/?phone=0320123456", _call_form_first),
    }  # fmt: skip
    print(f"\nscrollWidth, clientWidth at 390 px: {measured}")
    for name, (scroll_width, client_width) in measured.items():
        assert scroll_width <= client_width, (name, scroll_width, client_width)


def _words_broken(page, selector: str) -> list[str]:
    """The words of `selector`'s header cells that the browser split over two lines."""
    return page.evaluate(
        """(selector) => {
          const broken = [];
          for (const cell of document.querySelectorAll(selector + ' th')) {
            const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              for (const match of node.textContent.matchAll(/\\S+/g)) {
                const range = document.createRange();
                range.setStart(node, match.index);
                range.setEnd(node, match.index + match[0].length);
                if (range.getClientRects().length > 1) broken.push(match[0]);
              }
            }
          }
          return broken;
        }""",
        selector,
    )


@pytest.mark.parametrize(("username", "path", "table"), [
    ("sales_lille", "/work/credits/", "#credits"),
    ("sales_lille", "/work/disputes/?status=", "#disputes"),
    ("telemarketing", "/work/campaigns/", "main table"),
    # The explore form's visually hidden labels (position: absolute) once widened the whole page.
    ("sales_lille", "/work/potentials/", "#potentials"),
])  # fmt: skip
def test_walk_at_390_px_a_table_kept_as_a_table_breaks_no_word_and_the_page_does_not_scroll(
    browser, live_url, username, path, table
):
    """Walk: phones broke every header of the credits, disputes and call lists letter by letter."""
    context, page = _phone(browser, live_url, username)
    try:
        page.goto(f"{live_url}{path}")
        page.wait_for_load_state("networkidle")
        assert page.locator(table).count(), f"{table} on {path}"
        assert _words_broken(page, table) == []
        scroll_width, client_width = _widths(page)
        assert scroll_width <= client_width
    finally:
        context.close()
