"""Issue 9, Done 4, in a real browser: the telemarketing agent lands on their call list and works it end to end
(not reachable, call back, a lead raised and routed to the account owner, a basic product sold), and the
campaign's progress shows it.

With `RELAIS_E2E_SCREENSHOTS=<folder>`, each screen is saved there (full page) to be looked at.
"""

import os
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

SHOTS = os.environ.get("RELAIS_E2E_SCREENSHOTS")


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _figure(page, name: str) -> int:
    return int(page.locator(f"[data-figure={name}] strong").first.inner_text())


def _on_a_target(page) -> str:
    expect(page).to_have_url(re.compile(r"/work/targets/\d+/$"))
    expect(page.locator("#client-context")).to_be_visible()
    expect(page.locator("#script")).to_contain_text("Forfait mobile Pro")
    return page.url


def test_a_telemarketing_agent_works_a_call_list(login, live_url):
    agent = login("telemarketing")
    expect(agent).to_have_url(re.compile(r"/work/calls/$"))  # lands on the call list
    card = agent.locator("#call-lists .card").first
    expect(card).to_contain_text("Forfait mobile Pro")
    reached, converted = _figure(card, "reached"), _figure(card, "converted")
    _shot(agent, "10-call-lists")
    card.get_by_role("link", name="Next call").click()

    # Not reachable: the client comes back later, the next one is offered.
    first = _on_a_target(agent)
    _shot(agent, "11-call")
    agent.get_by_role("button", name="Not reachable").click()
    expect(agent.locator(".alert-success")).to_contain_text("Not reachable recorded")
    second = _on_a_target(agent)
    assert second != first

    # Call back tomorrow morning, within the campaign.
    # The server's time zone: the browser's date-time input is read in it.
    tomorrow = (datetime.now(ZoneInfo("Europe/Paris")) + timedelta(days=1)).replace(hour=10, minute=0)
    agent.fill("#id_outcome_callback_after", tomorrow.strftime("%Y-%m-%dT%H:%M"))
    agent.fill("#id_outcome_callback_before", (tomorrow + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    agent.get_by_role("button", name="Call back").click()
    expect(agent.locator(".alert-success")).to_contain_text("Call back recorded")
    third = _on_a_target(agent)
    assert third not in (first, second)

    # A lead, routed to the client's account owner by the rules.
    owner_line = agent.locator("#client-context").inner_text()
    owner = re.search(r"account owner: ([^\n·]+)", owner_line)
    agent.fill("#id_outcome_subject", "Flotte mobile pour l'équipe commerciale")
    agent.get_by_role("button", name="Lead raised").click()
    message = agent.locator(".alert-success")
    expect(message).to_contain_text(re.compile(r"Lead raised recorded\. Lead L-\d+ sent to"))
    if owner:
        expect(message).to_contain_text(owner.group(1).strip())
    _shot(agent, "12-lead-routed")

    # A basic product sold on the phone.
    _on_a_target(agent)
    agent.fill("#id_outcome_amount", "39")
    agent.get_by_role("button", name="Basic product sold").click()
    expect(agent.locator(".alert-success")).to_contain_text("Basic product sold recorded")

    # The campaign's page shows the progress: three more reached, two more converted.
    agent.goto(f"{live_url}/work/calls/")
    card = agent.locator("#call-lists .card").first
    card.get_by_role("link", name=re.compile("Forfait mobile Pro")).click()
    progress = agent.locator(".campaign-progress")
    expect(progress.locator("[data-figure=reached] strong")).to_have_text(str(reached + 3))
    expect(progress.locator("[data-figure=converted] strong")).to_have_text(str(converted + 2))
    expect(agent.locator("#targets")).to_contain_text("Lead raised")
    expect(agent.locator("#targets")).to_contain_text("Basic product sold")
    _shot(agent, "13-campaign-progress")
