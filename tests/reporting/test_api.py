"""The reporting API (DESIGN.md section 10): scoped like everything else, errors naming the field."""

import pytest
import time_machine

from reporting.models import Job
from tests.factories import make_member, make_team
from tests.reporting.conftest import at


@pytest.fixture
def manager_north(org):
    return make_member(team=make_team(kind="management", region=org.north, name="Direction Nord"),
                       username="manager_north")  # fmt: skip


def _get(client, url):
    with time_machine.travel(at(6, 20), tick=False):
        return client.get(url)


def test_a_manager_reads_their_agency_and_a_unit_above_theirs_is_not_found(org, built, api_as):
    manager = api_as(org.manager_a)
    answer = _get(manager, f"/api/v1/reports/indicators/?scope=agency:{org.agency_a.pk}&period=2027-01&below=1")
    assert answer.status_code == 200
    figures = {row["code"]: row["value"] for row in answer.json()["indicators"]}
    assert figures["leads_received"] == "3.00" and figures["lead_conversion"] == "50.00"
    assert figures["potentials_explored"] is None
    assert {row["name"] for row in answer.json()["below"]} == {"Commerciaux Lille", "Accueil Lille", "Direction Lille"}
    for scope in (f"region:{org.north.pk}", "national", f"agency:{org.agency_b.pk}", "region:999999"):
        assert _get(manager, f"/api/v1/reports/indicators/?scope={scope}&period=2027-01").status_code == 404


def test_a_person_reads_their_own_figures_only(org, built, api_as):
    sales = api_as(org.sales_a)
    mine = _get(sales, f"/api/v1/reports/indicators/?scope=user:{org.sales_a.pk}&period=2027-01")
    assert {row["code"]: row["value"] for row in mine.json()["indicators"]}["leads_won"] == "1.00"
    assert _get(sales, "/api/v1/reports/indicators/?period=2027-01").json()["scope"] == f"user:{org.sales_a.pk}"
    assert _get(sales, f"/api/v1/reports/indicators/?scope=user:{org.sales_a2.pk}").status_code == 404
    assert _get(sales, f"/api/v1/reports/indicators/?scope=team:{org.sales_team_a.pk}").status_code == 404


def test_bad_scope_and_period_are_400_naming_the_field(org, api_as):
    manager = api_as(org.manager_a)
    assert "scope" in manager.get("/api/v1/reports/indicators/?scope=galaxy:1").json()
    assert "period" in manager.get(f"/api/v1/reports/indicators/?scope=agency:{org.agency_a.pk}&period=2027-13").json()


def test_objectives_set_split_refused_and_listed_with_attainment(org, built, api_as, manager_north):
    admin = api_as(org.admin)
    created = admin.post("/api/v1/objectives/", {"metric": "leads_received", "period": "2027-01",
                                                 "scope": f"region:{org.north.pk}", "value": "6"}, format="json")  # fmt: skip
    assert created.status_code == 201
    pk = created.json()["id"]
    refused = api_as(manager_north).post(
        f"/api/v1/objectives/{pk}/split/",
        {"parts": [{"scope": f"agency:{org.agency_a.pk}", "value": "4"}, {"scope": f"agency:{org.agency_b.pk}", "value": "1"}]},
        format="json",
    )  # fmt: skip
    assert refused.status_code == 400 and "parts" in refused.json()
    split = api_as(manager_north).post(
        f"/api/v1/objectives/{pk}/split/",
        {"parts": [{"scope": f"agency:{org.agency_a.pk}", "value": "4"}, {"scope": f"agency:{org.agency_b.pk}", "value": "2"}]},
        format="json",
    )  # fmt: skip
    assert split.status_code == 200
    listed = _get(api_as(manager_north), f"/api/v1/objectives/?scope=region:{org.north.pk}&period=2027-01").json()
    attained = {row["scope"]: (row["actual"], row["attainment"]) for row in listed}
    assert attained[f"region:{org.north.pk}"] == ("3.00", "50.0")
    assert attained[f"agency:{org.agency_a.pk}"] == ("3.00", "75.0")
    assert _get(api_as(org.manager_a), f"/api/v1/objectives/{pk}/").status_code == 404
    assert (
        api_as(org.manager_a).post(f"/api/v1/objectives/{pk}/split/", {"parts": []}, format="json").status_code == 404
    )


def test_alert_rules_alerts_and_acknowledging(org, built, api_as, manager_north):
    from reporting.alerts import evaluate_rules

    answer = api_as(manager_north).post("/api/v1/alert-rules/", {
        "name": "Backlog", "metric": "backlog", "scope": f"region:{org.north.pk}", "each": "agency",
        "comparison": "gt", "threshold": "0", "window_days": 7}, format="json")  # fmt: skip
    assert answer.status_code == 201
    assert api_as(org.manager_a).post("/api/v1/alert-rules/", {
        "name": "X", "metric": "backlog", "scope": f"region:{org.north.pk}", "comparison": "gt",
        "threshold": "0"}, format="json").status_code == 404  # fmt: skip
    with time_machine.travel(at(6, 20), tick=False):
        evaluate_rules()
    alerts = api_as(org.manager_a).get("/api/v1/alerts/").json()["results"]
    assert [(a["unit"], a["status"]) for a in alerts] == [(f"agency:{org.agency_a.pk}", "open")]
    assert api_as(org.sales_a).get("/api/v1/alerts/").json()["results"] == []
    assert api_as(org.sales_a).post(f"/api/v1/alerts/{alerts[0]['id']}/ack/").status_code == 404
    assert api_as(org.manager_a).post(f"/api/v1/alerts/{alerts[0]['id']}/ack/").json()["status"] == "acknowledged"
    assert api_as(org.manager_a).post(f"/api/v1/alerts/{alerts[0]['id']}/ack/").status_code == 409


def test_a_full_refresh_and_an_export_run_as_jobs_with_progress(org, built, api_as,
                                                                django_capture_on_commit_callbacks):  # fmt: skip
    admin = api_as(org.admin)
    assert api_as(org.sales_a).post("/api/v1/reports/refresh/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        started = admin.post("/api/v1/reports/refresh/")
    assert started.status_code == 202
    job = admin.get(f"/api/v1/jobs/{started.json()['id']}/").json()
    assert (job["status"], job["progress"], job["done"] == job["total"] > 0) == ("done", 100, True)
    assert api_as(org.manager_a).get(f"/api/v1/jobs/{started.json()['id']}/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        export = api_as(org.manager_a).post("/api/v1/reports/exports/", {
            "table": "units", "scope": f"agency:{org.agency_a.pk}", "period": "2027-01"}, format="json")  # fmt: skip
    assert export.status_code == 202
    download = api_as(org.manager_a).get(f"/api/v1/jobs/{export.json()['id']}/download/")
    assert download.status_code == 200 and "Commerciaux Lille" in download.content.decode()
    assert Job.objects.count() == 2


def test_the_alert_rules_list_shows_the_rules_of_visible_units_in_few_queries(org, api_as, manager_north):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reporting.services import alert_rule_create

    def listed(user):
        client = api_as(type(user).objects.get(pk=user.pk))  # a fresh row: no rights memoised from a call before
        with CaptureQueriesContext(connection) as captured:
            names = [rule["name"] for rule in client.get("/api/v1/alert-rules/").json()]
        return names, len(captured)

    def more(index):
        alert_rule_create(actor=org.admin, name=f"North {index}", metric="backlog", scope=f"region:{org.north.pk}",
                          comparison="gt", threshold=5)  # fmt: skip
        alert_rule_create(actor=org.admin, name=f"Marseille {index}", metric="backlog",
                          scope=f"agency:{org.agency_c.pk}", comparison="gt", threshold=5)  # fmt: skip

    alert_rule_create(actor=org.admin, name="Lille", metric="backlog", scope=f"agency:{org.agency_a.pk}",
                      comparison="gt", threshold=5)  # fmt: skip
    more(0)
    listed(org.manager_a)  # the first request of the process fills caches (content types)
    few = listed(org.manager_a)
    for index in range(1, 6):
        more(index)
    many = listed(org.manager_a)
    assert few[0] == many[0] == ["Lille"]
    assert few[1] == many[1]
    assert len(listed(manager_north)[0]) == 7  # Lille and the six rules on the north


def test_an_export_named_by_its_table_alone_covers_the_callers_own_unit_this_month(org, api_as):
    # schemathesis in CI: `{"table": "trend"}` answered 500 (the service wanted scope and period).
    answer = api_as(org.sales_a).post("/api/v1/reports/exports/", {"table": "trend"}, format="json")
    assert answer.status_code == 202, answer.content
    assert Job.objects.get(pk=answer.json()["id"]).params["scope"] == f"user:{org.sales_a.pk}"


def test_the_alerts_list_is_paginated_as_its_schema_says(org, api_as):
    # schemathesis in CI: the schema said a bare array while the answer was a page.
    answer = api_as(org.admin).get("/api/v1/alerts/")
    assert answer.status_code == 200 and set(answer.json()) == {"count", "next", "previous", "results"}
    schema = api_as(org.admin).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    listed = schema["paths"]["/api/v1/alerts/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert listed["$ref"].endswith("PaginatedAlertList")
