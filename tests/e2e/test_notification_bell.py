"""Issue 8, item 7: the bell follows what another person does within 15 seconds, without reloading the page.

Two browser contexts: reception keeps its notifications page open while billing, elsewhere, takes
and resolves the request reception sent. Reception's bell must show it within 15 seconds; the line
names who acted, the item and the client; "Mark all as read" empties the bell in place.
"""

import time

from playwright.sync_api import expect


def _unread(page) -> int:
    badge = page.locator("#notification-count .notification-count")
    return int(badge.get_attribute("data-unread")) if badge.count() else 0


def test_reception_sees_the_outcome_of_its_request_on_the_bell_within_15_seconds(
    login, live_url, tmp_path, send_service_request
):
    token = f"bell-{int(time.time() * 1000)}"
    reception = login("reception_lille")
    reception.goto(f"{live_url}/clients/")
    reception.locator("#client-search").press_sequentially("boulangerie dupont", delay=20)
    reception.get_by_role("link", name="Boulangerie Dupont").click()
    reception.get_by_role("link", name="New service request").click()
    reception.select_option("#id_category", label="Question de facturation")
    reception.locator("#id_field_invoice_number").fill("F-2026-55555")
    reception.fill("#id_subject", f"Invoice twice {token}")
    send_service_request(reception)
    request_id = reception.url.rstrip("/").rsplit("/", 1)[-1]

    reception.goto(f"{live_url}/work/notifications/")
    reception.wait_for_load_state("networkidle")
    before = _unread(reception)
    assert reception.evaluate("document.visibilityState") == "visible"  # the bell polls only while seen

    billing = login("billing_hdf")
    billing.goto(f"{live_url}/work/requests/{request_id}/")
    billing.locator("#action-claim button[type=submit], form[action$='/claim/'] button[type=submit]").first.click()
    billing.locator("#action-resolve summary").click()
    resolve = billing.locator("form[action$='/resolve/']")
    resolve.locator("textarea[name=resolution], input[name=resolution]").fill("Credit note sent")
    resolve.locator("button[type=submit]").click()
    expect(billing.locator("main")).to_contain_text("Resolved")
    resolved_at = time.monotonic()

    # No reload: the count polled by the page itself moves within 15 seconds.
    expect(reception.locator("#notification-count .notification-count")).to_have_attribute(
        "data-unread", str(before + 1), timeout=15_000
    )
    assert time.monotonic() - resolved_at < 15
    reception.screenshot(path=tmp_path / "bell-after-billing-resolved.png")

    # The line itself, once the list is shown again; then everything is marked read in place.
    reception.reload()
    line = reception.locator("#notifications li", has_text=f"SR-{request_id}").first
    expect(line).to_contain_text("resolved")
    expect(line).to_contain_text(f"Invoice twice {token}")
    expect(line).to_contain_text("Boulangerie Dupont")
    reception.get_by_role("button", name="Mark all as read").click()
    expect(reception.locator("#notification-count .notification-count")).to_have_count(0)
    expect(reception.get_by_role("button", name="Mark all as read")).to_have_count(0)
