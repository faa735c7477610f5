"""Issue 10 in a real browser: a regional manager opens the dashboard, sees the trend charts and the agencies
side by side, drills into one agency's overdue leads and acknowledges an alert; a salesperson opens "my
figures" and reads how a figure is computed."""

import re

from playwright.sync_api import expect


def test_a_regional_manager_steers_from_the_dashboard(login, live_url):
    manager = login("manager_hdf")
    manager.get_by_role("link", name="Dashboards").click()
    expect(manager).to_have_url(re.compile(r"/reporting/$"))
    expect(manager.locator("#dashboard-title")).to_have_text("Hauts-de-France")
    # Charts drawn on the server, each with its data table; the agencies of the region side by side.
    expect(manager.locator("img[data-chart=trend]")).to_have_count(2)
    assert manager.locator("img[data-chart=trend]").first.evaluate("img => img.naturalWidth") > 0
    expect(manager.locator("table caption", has_text="the data of the chart")).to_have_count(2)
    comparison = manager.locator("table[data-table=comparison]")
    expect(comparison.locator("tbody tr")).to_have_count(2)
    expect(comparison).to_contain_text("Lille")
    expect(comparison).to_contain_text("Amiens")
    expect(manager.locator("img[data-chart=comparison]")).to_be_visible()

    # Drill into Lille's overdue leads: the list of items behind the figure, each opening the lead.
    comparison.locator("tr", has_text="Lille").get_by_role("link", name="Overdue leads").click()
    expect(manager.locator("h1")).to_have_text("Overdue leads · Lille")
    leads = manager.locator("table[data-table=leads] tbody tr")
    if leads.count():
        expect(leads.first.get_by_role("link")).to_have_attribute("href", re.compile(r"/work/leads/\d+/$"))
    else:
        expect(manager.locator("main")).to_contain_text("Nothing here right now.")
    manager.go_back()

    # The open alert of Lille is acknowledged from the dashboard.
    alert = manager.locator("li.alert-row", has_text="Conversion sous 20 %")
    expect(alert).to_contain_text("Open")
    alert.get_by_role("button", name="Acknowledge").click()
    expect(manager.locator(".messages")).to_contain_text("Alert acknowledged.")
    expect(manager.locator("li.alert-row", has_text="Conversion sous 20 %")).to_contain_text("Acknowledged")


def test_a_salesperson_reads_their_figures_and_a_definition(login, live_url):
    sales = login("sales_lille")
    expect(sales.get_by_role("link", name="Dashboards")).to_have_count(0)
    sales.get_by_role("link", name="My figures").click()
    expect(sales.locator("#dashboard-title")).to_have_text("My figures")
    expect(sales.locator("[data-figure=leads_received]")).not_to_have_text("—")
    expect(sales.locator("img[data-chart=trend]").first).to_be_visible()
    sales.locator("table[data-table=figures]").get_by_role("link", name="Lead conversion rate").click()
    expect(sales.locator("h1")).to_have_text("Lead conversion rate")
    expect(sales.locator("[data-part=formula]")).to_contain_text("Leads won ÷ (leads won + leads lost)")
    # Someone else's figures answer as if they did not exist.
    response = sales.goto(f"{live_url}/reporting/?scope=national")
    assert response.status == 404


def test_managers_land_on_the_overview_with_the_dashboard_panel_on_top(login):
    # The agency manager and the regional manager land on the overview; the panel loads there by htmx.
    for username, unit, below in (
        ("manager_lille", "Lille", "Commerciaux"),
        ("manager_hdf", "Hauts-de-France", "Lille"),
    ):
        manager = login(username)
        expect(manager).to_have_url(re.compile(r"/work/overview/"))
        panel = manager.locator("#dashboard-panel")
        expect(panel.locator("#dashboard-title")).to_have_text(unit)
        expect(panel.locator("[data-figure=leads_received]")).not_to_have_text("—")
        expect(panel.locator("img[data-chart=trend]")).to_have_count(2)
        assert panel.locator("img[data-chart=trend]").first.evaluate("img => img.naturalWidth") > 0
        expect(panel.locator("table[data-table=comparison]")).to_contain_text(below)
        # Potentials and campaign calls have their figures too, and the htmx error box stays hidden.
        figures = panel.locator("table[data-table=figures]")
        expect(figures).to_contain_text("Campaign reach")
        expect(figures).not_to_contain_text("No data source yet")
        expect(manager.locator("#htmx-error")).to_be_hidden()
        expect(manager.locator("h1", has_text="Overview of your scope")).to_be_visible()
