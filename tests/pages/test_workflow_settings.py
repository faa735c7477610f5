"""Admin pages of the workflow settings: categories and routing rules."""

import pytest
from django.urls import reverse

from trace.models import TraceEvent
from workflow.models import Category, RoutingRule
from workflow.services import service_request_create


def test_the_admin_creates_a_category_and_a_request_must_then_carry_its_fields(page_as, org, wf):
    admin = page_as(org.admin)

    response = admin.post(reverse("workflow:settings-category-create"), {
        "code": "contract", "name": "Contract change", "required_fields": "contract_number, effective_date",
        "response_hours": "8", "resolution_hours": "72", "default_team_kind": "after_sales", "is_active": "on",
    })  # fmt: skip

    assert response.status_code == 302
    category = Category.objects.get(code="contract")
    assert category.required_fields == ["contract_number", "effective_date"]
    assert TraceEvent.objects.filter(action="workflow.category.created", object_id=str(category.pk)).exists()
    listing = admin.get(reverse("workflow:settings-categories")).content.decode()
    assert "Contract change" in listing and "effective_date" in listing
    fields = page_as(org.reception_a).get(reverse("workflow:category-fields"), {"category": "contract"})
    assert 'name="field_contract_number"' in fields.content.decode()


def test_the_admin_edits_a_category_and_a_taken_code_is_refused(page_as, org, wf):
    admin = page_as(org.admin)
    url = reverse("workflow:settings-category-edit", args=[wf.fault.pk])
    assert admin.get(url).context["form"].initial["code"] == "fault"

    taken = admin.post(url, {"code": "billing", "name": "Fault", "required_fields": "", "response_hours": "2",
                             "resolution_hours": "24", "default_team_kind": "after_sales"})  # fmt: skip
    assert taken.status_code == 400 and taken.context["form"].errors["code"]

    saved = admin.post(url, {"code": "fault", "name": "Fault on the line", "required_fields": "line_number",
                             "response_hours": "2", "resolution_hours": "24", "default_team_kind": "after_sales"})  # fmt: skip
    assert saved.status_code == 302
    wf.fault.refresh_from_db()
    assert (wf.fault.name, wf.fault.required_fields, wf.fault.is_active) == (
        "Fault on the line",
        ["line_number"],
        False,
    )


def test_the_admin_creates_a_rule_that_then_routes_requests(page_as, org, wf):
    admin = page_as(org.admin)

    response = admin.post(reverse("workflow:settings-rule-create"), {
        "order": "5", "name": "Key accounts' faults to billing", "kind": "service_request",
        "match_category": ["fault"], "match_segment": ["key_account"], "match_agency": [str(org.agency_a.pk)],
        "match_product_family": "", "target_type": "team", "target_team": org.billing_team_north.pk,
        "target_team_kind": "", "target_user": "", "assignment": "claim", "is_active": "on",
    })  # fmt: skip

    assert response.status_code == 302
    rule = RoutingRule.objects.get(order=5)
    assert rule.match == {"category": "fault", "segment": "key_account", "agency": org.agency_a.pk}
    assert rule.target_team == org.billing_team_north
    org.client_a.segment = "key_account"
    org.client_a.save()
    request = service_request_create(sender=org.reception_a, client_id=org.client_a.pk, category="fault",
                                     subject="No line")  # fmt: skip
    assert request.team == org.billing_team_north
    listing = admin.get(reverse("workflow:settings-rules")).content.decode()
    assert "Key accounts&#x27; faults to billing" in listing and "Lille" in listing  # agency shown by name


def test_a_rule_to_a_team_without_the_team_is_refused_on_that_input(page_as, org, wf):
    response = page_as(org.admin).post(reverse("workflow:settings-rule-create"), {
        "order": "5", "name": "Broken", "kind": "lead", "target_type": "team", "assignment": "claim",
    })  # fmt: skip
    assert response.status_code == 400
    assert response.context["form"].errors["target_team"]
    assert not RoutingRule.objects.filter(name="Broken").exists()


def test_editing_a_rule_keeps_its_several_values(page_as, org, wf):
    rule = wf.lead_to_sales_team
    rule.match = {"segment": ["mass", "intermediate"]}
    rule.save()
    admin = page_as(org.admin)
    url = reverse("workflow:settings-rule-edit", args=[rule.pk])
    assert admin.get(url).context["form"].initial["match_segment"] == ["mass", "intermediate"]

    response = admin.post(url, {
        "order": "25", "name": rule.name, "kind": "lead", "match_segment": ["mass", "intermediate"],
        "target_type": "team_of_kind", "target_team_kind": "sales", "assignment": "round_robin", "is_active": "on",
    })  # fmt: skip

    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.order, rule.assignment, rule.match) == (25, "round_robin", {"segment": ["mass", "intermediate"]})


@pytest.mark.parametrize(
    "url_name", ["settings-categories", "settings-category-create", "settings-rules", "settings-rule-create"]
)
def test_only_administrators_change_the_workflow_settings(page_as, org, wf, url_name):
    manager = page_as(org.manager_a)
    assert manager.get(reverse(f"workflow:{url_name}")).status_code == 403
    assert manager.post(reverse(f"workflow:{url_name}"), {"code": "x", "name": "x"}).status_code in (403, 405)
    assert manager.get(reverse("workflow:settings-rule-edit", args=[wf.lead_to_owner.pk])).status_code == 403
    assert Category.objects.count() == 2
