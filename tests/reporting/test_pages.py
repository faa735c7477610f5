"""The reporting pages: scoped like the API, charts with their data tables, exports, definitions."""

import time_machine

from tests.reporting.conftest import at


def _get(login, url):
    """Signed in and read on Wednesday evening (a session opened today would have expired by then)."""
    with time_machine.travel(at(6, 20), tick=False):
        return login().get(url)


def test_the_manager_dashboard_shows_figures_charts_tables_and_the_units_below(org, built, page_as):
    page = _get(lambda: page_as(org.manager_a), "/reporting/?period=2027-01")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-figure="leads_received">3<' in html
    assert html.count('data-chart="trend"') == 2 and 'data-chart="comparison"' in html
    assert "Commerciaux Lille" in html and "data:image/svg+xml" in html
    # Every indicator has its source now (potentials and campaigns included): no "no data source" left.
    assert "No data source yet" not in html and "Potentials overdue" in html and "Campaign reach" in html


def test_a_unit_above_is_not_found_and_my_figures_are_mine(org, built, page_as):
    assert _get(lambda: page_as(org.manager_a), f"/reporting/?scope=region:{org.north.pk}").status_code == 404
    assert _get(lambda: page_as(org.sales_a), f"/reporting/?scope=agency:{org.agency_a.pk}").status_code == 404
    mine = _get(lambda: page_as(org.sales_a), "/reporting/me/?period=2027-01")
    assert mine.status_code == 200 and 'data-figure="leads_received">2<' in mine.content.decode()


def test_the_panel_fragment_and_the_csv_exports(org, built, page_as):
    client = lambda: page_as(org.manager_a)  # noqa: E731
    panel = _get(client, "/reporting/panel/?period=2027-01")
    assert panel.status_code == 200 and b"<html" not in panel.content
    csv = _get(client, f"/reporting/export/units.csv?scope=agency:{org.agency_a.pk}&period=2027-01")
    assert csv["Content-Type"].startswith("text/csv") and "Commerciaux Lille" in csv.content.decode()
    figures = _get(client, f"/reporting/export/figures.csv?scope=agency:{org.agency_a.pk}&period=2027-01")
    assert len(figures.content.decode().strip().splitlines()) == 1 + 25


def test_definitions_in_both_languages_and_the_drill_down(org, built, page_as):
    client = page_as(org.sales_a)
    english = client.get("/reporting/definitions/lead_conversion/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Leads won ÷ (leads won + leads lost)" in english.content.decode()
    client.cookies["django_language"] = "fr"
    french = client.get("/reporting/definitions/lead_conversion/", HTTP_ACCEPT_LANGUAGE="fr")
    assert "Taux de transformation" in french.content.decode()
    drill = _get(lambda: page_as(org.manager_a), f"/reporting/drill/backlog/?scope=agency:{org.agency_a.pk}")
    assert drill.status_code == 200 and f"SR-{built.r1.pk}" in drill.content.decode()
    assert (
        _get(lambda: page_as(org.manager_a), f"/reporting/drill/backlog/?scope=agency:{org.agency_b.pk}").status_code
        == 404
    )


def test_a_full_refresh_from_the_page_shows_its_progress(org, page_as, django_capture_on_commit_callbacks):
    client = page_as(org.admin)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post("/reporting/refresh/")
    assert started.status_code == 302 and "/reporting/jobs/" in started["Location"]
    page = client.get(started["Location"])
    assert b"100 %" in page.content and b'http-equiv="refresh"' not in page.content
    assert page_as(org.sales_a).get(started["Location"]).status_code == 404
