import pytest

from trace.models import TraceEvent
from workflow.models import Category, RoutingRule

CATEGORIES = "/api/v1/categories/"
RULES = "/api/v1/routing-rules/"


def _ok(response, code=200):
    assert response.status_code == code, response.content
    return response.json()


def test_everyone_signed_in_reads_categories_and_rules(org, wf, api_as):
    reception = api_as(org.reception_a)
    categories = _ok(reception.get(CATEGORIES))["results"]
    assert [(c["code"], c["required_fields"]) for c in categories] == [
        ("billing", ["invoice_number"]), ("fault", []),
    ]  # fmt: skip
    assert categories[0]["response_hours"] == 4 and categories[0]["default_team_kind"] == "billing"
    rules = {rule["name"]: rule for rule in _ok(reception.get(RULES))["results"]}
    assert rules["Leads to the account owner"]["target_type"] == "account_owner"
    assert rules["Leads to the account owner"]["target"] is None
    assert (rules["Billing to billing"]["match"], rules["Billing to billing"]["target_team_kind"]) == (
        {"category": "billing"}, "billing",
    )  # fmt: skip
    assert _ok(reception.get(f"{RULES}{wf.lead_to_owner.pk}/"))["order"] == 10
    assert reception.get(f"{CATEGORIES}999999/").status_code == 404


def test_only_an_administrator_changes_them(org, wf, api_as):
    for person in (org.reception_a, org.manager_a):
        client = api_as(person)
        assert client.post(CATEGORIES, {"code": "contract", "name": "Contract"}, format="json").status_code == 403
        assert client.patch(f"{CATEGORIES}{wf.fault.pk}/", {"name": "X"}, format="json").status_code == 403
        assert client.patch(f"{RULES}{wf.lead_to_owner.pk}/", {"order": 1}, format="json").status_code == 403
    assert not Category.objects.filter(code="contract").exists()
    assert RoutingRule.objects.get(pk=wf.lead_to_owner.pk).order == 10


def test_an_administrator_adds_and_changes_a_category_and_it_is_traced(org, wf, api_as):
    admin = api_as(org.admin)
    created = _ok(admin.post(CATEGORIES, {"code": "contract", "name": "Contract change",
                                          "required_fields": ["contract_number"], "response_hours": 8,
                                          "resolution_hours": 72, "default_team_kind": "after_sales"},
                             format="json"), 201)  # fmt: skip
    assert created["required_fields"] == ["contract_number"]
    changed = _ok(admin.patch(f"{CATEGORIES}{created['id']}/", {"resolution_hours": 24}, format="json"))
    assert (changed["resolution_hours"], changed["code"]) == (24, "contract")
    assert [e.action for e in TraceEvent.objects.filter(object_id=str(created["id"]),
                                                       object_type="workflow.category").order_by("id")] == [
        "workflow.category.created", "workflow.category.updated",
    ]  # fmt: skip
    assert admin.patch(f"{CATEGORIES}999999/", {"name": "X"}, format="json").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [({"code": "billing", "name": "Twice"}, "code"), ({"code": "x", "name": "X", "response_hours": 0}, "response_hours"),
     ({"code": "x", "name": "X", "required_fields": "invoice"}, "required_fields"), ({"name": "X"}, "code")],
)  # fmt: skip
def test_a_bad_category_is_a_400_naming_the_field(org, wf, api_as, body, field):
    response = api_as(org.admin).post(CATEGORIES, body, format="json")
    assert response.status_code == 400 and field in response.json(), response.content


def test_a_rule_to_a_team_or_a_person_takes_their_id_as_target(org, wf, api_as):
    admin = api_as(org.admin)
    to_team = _ok(admin.post(RULES, {"order": 5, "name": "Faults to after-sales", "kind": "service_request",
                                     "match": {"category": "fault"}, "target_type": "team",
                                     "target": org.after_sales_team_north.pk, "assignment": "round_robin"},
                             format="json"), 201)  # fmt: skip
    assert (to_team["target"], to_team["target_name"], to_team["assignment"]) == (
        org.after_sales_team_north.pk, "SAV Nord", "round_robin",
    )  # fmt: skip
    rule = RoutingRule.objects.get(pk=to_team["id"])
    assert (rule.target_team, rule.target_user) == (org.after_sales_team_north, None)

    to_person = _ok(admin.patch(f"{RULES}{rule.pk}/", {"target_type": "user", "target": org.after_sales_north.pk},
                                format="json"))  # fmt: skip
    assert (to_person["target_type"], to_person["target"]) == ("user", org.after_sales_north.pk)
    rule.refresh_from_db()
    assert (rule.target_team, rule.target_user) == (None, org.after_sales_north)
    assert TraceEvent.objects.filter(action="workflow.routing_rule.updated", object_id=str(rule.pk)).exists()

    # The rule routes the next request, and the receiver reads why.
    request = _ok(api_as(org.reception_a).post("/api/v1/service-requests/", {
        "client": org.client_a.pk, "category": "fault", "subject": "No dial tone"}, format="json"), 201)  # fmt: skip
    assert request["assignee"] == org.after_sales_north.pk
    assert "Faults to after-sales" in request["routing_reason"]


def test_a_rule_to_the_team_of_a_kind_names_the_kind(org, wf, api_as):
    admin = api_as(org.admin)
    body = {"order": 30, "name": "Leads to sales assistance", "kind": "lead", "target_type": "team_of_kind"}
    missing = admin.post(RULES, body, format="json")
    assert missing.status_code == 400 and "target_team_kind" in missing.json()
    created = _ok(admin.post(RULES, {**body, "target_team_kind": "sales"}, format="json"), 201)
    assert (created["target"], created["target_team_kind"]) == (None, "sales")


@pytest.mark.parametrize(
    ("change", "field"),
    [({"target_type": "team"}, "target"), ({"target_type": "team", "target": 999999}, "target"),
     ({"target_type": "user", "target": 999999}, "target"), ({"target_type": "user"}, "target"),
     ({"match": {"colour": "blue"}}, "match"), ({"kind": "parcel"}, "kind"), ({"order": -1}, "order")],
)  # fmt: skip
def test_a_bad_rule_is_a_400_naming_the_api_field(org, wf, api_as, change, field):
    body = {"order": 1, "name": "Broken", "kind": "service_request", "target_type": "account_owner", **change}
    response = api_as(org.admin).post(RULES, body, format="json")
    assert response.status_code == 400 and field in response.json(), response.content
    assert not RoutingRule.objects.filter(name="Broken").exists()
