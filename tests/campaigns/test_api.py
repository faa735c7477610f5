"""The campaign and potential API: rights of DESIGN.md section 5 (out of scope 404), 400 naming the field, 409."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import ClientFactory
from workflow.services.potentials import potential_create

pytestmark = pytest.mark.django_db


def test_marketing_creates_previews_and_launches_a_campaign(api_as, camp, sales, org):
    api = api_as(camp.marketing_north)
    today = timezone.localdate()
    body = {"name": "Box pro nord", "product": sales.box.pk, "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=20)).isoformat(), "team": sales.telesales_team.pk,
            "criteria": {"segment": "mass"}}  # fmt: skip
    created = api.post("/api/v1/campaigns/", body, format="json")
    assert created.status_code == 201, created.content
    campaign = created.json()["id"]
    assert api.get(f"/api/v1/campaigns/{campaign}/preview/").json() == {"targets": len(camp.north_clients)}
    launched = api.post(f"/api/v1/campaigns/{campaign}/launch/")
    assert launched.status_code == 200 and launched.json()["targets_total"] == len(camp.north_clients)
    assert api.post(f"/api/v1/campaigns/{campaign}/launch/").status_code == 409
    # The south's marketing does not see it; a telemarketing agent of another team neither.
    assert api_as(camp.marketing_south).get(f"/api/v1/campaigns/{campaign}/").status_code == 404
    assert api_as(sales.telemarketing).get(f"/api/v1/campaigns/{campaign}/targets/").status_code == 404
    assert len(api_as(sales.telesales).get(f"/api/v1/campaigns/{campaign}/targets/").json()["results"]) == len(
        camp.north_clients
    )


def test_bad_campaign_input_is_a_400_naming_the_field(api_as, camp, sales):
    api = api_as(camp.marketing_north)
    today = timezone.localdate().isoformat()
    answer = api.post("/api/v1/campaigns/", {"name": "X", "product": sales.box.pk, "starts_on": today,
                                             "ends_on": today, "team": sales.telemarketing_team.pk}, format="json")  # fmt: skip
    assert answer.status_code == 400 and "team" in answer.json()
    assert api_as(sales.telesales).post("/api/v1/campaigns/", {}, format="json").status_code == 400
    refused = api_as(sales.telesales).post("/api/v1/campaigns/", {
        "name": "X", "product": sales.box.pk, "starts_on": today, "ends_on": today, "team": sales.telesales_team.pk},
        format="json")  # fmt: skip
    assert refused.status_code == 403


def test_agents_take_targets_and_record_outcomes(api_as, running, sales, org, wf):
    agent = api_as(sales.telemarketing)
    target = agent.post(f"/api/v1/campaigns/{running.pk}/next/").json()
    bad = agent.post(f"/api/v1/targets/{target['id']}/outcome/", {"outcome": "maybe"}, format="json")
    assert bad.status_code == 400 and "outcome" in bad.json()
    refused = agent.post(f"/api/v1/targets/{target['id']}/outcome/",
                         {"outcome": "sale", "amount": "500", "product": sales.fibre.pk}, format="json")  # fmt: skip
    assert refused.status_code == 400 and "product" in refused.json()
    sold = agent.post(f"/api/v1/targets/{target['id']}/outcome/", {"outcome": "sale", "amount": "25"}, format="json")
    assert sold.status_code == 200 and sold.json()["sale"] and not sold.json()["is_active"]
    again = agent.post(f"/api/v1/targets/{target['id']}/outcome/", {"outcome": "not_interested"}, format="json")
    assert again.status_code == 409
    assert api_as(org.reception_b).post(f"/api/v1/targets/{target['id']}/outcome/", {"outcome": "lead"},
                                        format="json").status_code == 404  # fmt: skip
    assert api_as(org.reception_b).post(f"/api/v1/campaigns/{running.pk}/next/").status_code == 404


def test_potentials_through_the_api(api_as, camp, org, sales):
    deadline = (timezone.localdate() + timedelta(days=7)).isoformat()
    marketing = api_as(camp.marketing_north)
    created = marketing.post("/api/v1/potentials/", {"client": org.client_a.pk, "deadline": deadline,
                                                     "product": sales.fibre.pk, "amount": "900"}, format="json")  # fmt: skip
    assert created.status_code == 201, created.content
    potential = created.json()["id"]
    assert marketing.post("/api/v1/potentials/", {"client": org.client_a.pk, "deadline": "2000-01-01"},
                          format="json").json().keys() >= {"deadline"}  # fmt: skip
    owner = api_as(org.sales_a)
    assert [row["id"] for row in owner.get("/api/v1/potentials/").json()["results"]] == [potential]
    assert api_as(org.sales_a2).get(f"/api/v1/potentials/{potential}/").status_code == 404
    assert api_as(org.manager_a).post(f"/api/v1/potentials/{potential}/explore/", {"outcome": "refused"},
                                      format="json").status_code == 403  # fmt: skip
    explored = owner.post(f"/api/v1/potentials/{potential}/explore/", {"outcome": "refused"}, format="json")
    assert explored.status_code == 200 and explored.json()["explored_in_time"] is True
    assert (
        owner.post(f"/api/v1/potentials/{potential}/explore/", {"outcome": "refused"}, format="json").status_code == 409
    )
    scope = api_as(org.manager_a).get("/api/v1/potentials/?which=scope").json()["results"]
    assert [(row["salesperson"], row["outcome"], row["explored_in_time"]) for row in scope] == [
        (org.sales_a.pk, "refused", True)
    ]


def test_a_csv_import_answers_its_id_and_its_progress(api_as, camp, org, django_capture_on_commit_callbacks):
    other = ClientFactory(agency=org.agency_b, account_owner=org.sales_a)
    deadline = (timezone.localdate() + timedelta(days=7)).isoformat()
    content = f"client;deadline;note\n{org.client_a.pk};{deadline};a\n{other.pk};nope;b\n"
    api = api_as(camp.marketing_north)
    with django_capture_on_commit_callbacks(execute=True):
        started = api.post("/api/v1/potentials/imports/", {"content": content}, format="json")
    assert started.status_code == 202, started.content
    progress = api.get(f"/api/v1/potentials/imports/{started.json()['id']}/").json()
    assert (progress["status"], progress["created_count"], progress["progress_percent"]) == ("done", 1, 100)
    assert progress["errors"] == [{"line": 3, "reason": "deadline: Enter a date (YYYY-MM-DD)."}]
    assert api_as(camp.marketing).get(f"/api/v1/potentials/imports/{started.json()['id']}/").status_code == 404
    assert api.post("/api/v1/potentials/imports/", {}, format="json").json().keys() >= {"file"}
    assert (
        api_as(org.sales_a).post("/api/v1/potentials/imports/", {"content": content}, format="json").status_code == 403
    )


def test_a_potential_for_an_account_without_owner_is_refused_on_client(camp, org):
    from common.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        potential_create(actor=camp.marketing, client_id=org.client_c.pk, deadline=timezone.localdate())
    assert "client" in refused.value.fields


def test_a_potentials_reminder_reads_in_the_notifications_api(api_as, camp, org):
    import time_machine

    from workflow.services.potentials import potentials_remind_overdue

    potential = potential_create(actor=camp.marketing, client_id=org.client_a.pk, deadline=timezone.localdate())
    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        assert potentials_remind_overdue() == 1
    [row] = api_as(org.sales_a).get("/api/v1/notifications/").json()["results"]
    assert row["item_kind"] == "potential" and row["reference"] == f"P-{potential.pk}"
    assert "past its deadline" in row["text"] and org.client_a.name in row["text"]
