"""Admin pages of the workflow settings: categories and routing rules."""

import pytest
from django.urls import reverse

from trace.models import TraceEvent
from workflow.models import Category, RoutingRule
from workflow.services import service_request_create


def _field_rows(*rows: dict) -> dict:
    """The category page's field rows as a browser posts them (two empty rows stay empty)."""
    data = {"fields-TOTAL_FORMS": str(len(rows) + 2), "fields-INITIAL_FORMS": "0", "fields-MIN_NUM_FORMS": "0",
            "fields-MAX_NUM_FORMS": "20"}  # fmt: skip
    for n, row in enumerate(rows):
        data.update({f"fields-{n}-{key}": value for key, value in row.items()})
    for n in range(len(rows), len(rows) + 2):
        data.update({f"fields-{n}-type": "text", f"fields-{n}-code": ""})
    return data


CONTRACT_NUMBER = {"code": "contract_number", "label_fr": "Numéro de contrat", "label_en": "Contract number",
                   "type": "text", "required": "on"}  # fmt: skip
EFFECTIVE_DATE = {"code": "effective_date", "label_fr": "Date d'effet", "label_en": "Effective date", "type": "date"}
SITE = {"code": "site", "label_fr": "Site", "label_en": "Site", "type": "choice", "required": "on",
        "options": "main | Siège | Head office\nbranch | Agence | Branch"}  # fmt: skip


def test_the_admin_creates_a_category_with_typed_fields_and_a_request_shows_their_words(page_as, org, wf):
    admin = page_as(org.admin)

    response = admin.post(reverse("workflow:settings-category-create"), {
        "code": "contract", "name": "Contract change", "response_hours": "8", "resolution_hours": "72",
        "default_team_kind": "after_sales", "extra_team_kinds": ["billing"], "is_active": "on",
        **_field_rows(CONTRACT_NUMBER, EFFECTIVE_DATE, SITE),
    })  # fmt: skip

    assert response.status_code == 302
    category = Category.objects.get(code="contract")
    assert category.required_fields == ["contract_number", "site"]
    assert [spec["type"] for spec in category.field_definitions] == ["text", "date", "choice"]
    assert category.handling_team_kinds == ["after_sales", "billing"]
    assert TraceEvent.objects.filter(action="workflow.category.created", object_id=str(category.pk)).exists()
    listing = admin.get(reverse("workflow:settings-categories")).content.decode()
    assert "Contract change" in listing and "Effective date" in listing and "Billing" in listing
    fields = page_as(org.reception_a).get(reverse("workflow:category-fields"), {"category": "contract"})
    page = fields.content.decode()
    assert 'name="field_contract_number"' in page and 'type="date"' in page and "Head office" in page

    # In French, the request form and the request's page speak French, with the option's label.
    reception = page_as(org.reception_a)
    created = reception.post(reverse("workflow:request-create", args=[org.client_a.pk]), {
        "category": "contract", "subject": "Change of holder", "field_contract_number": "CT-1",
        "field_effective_date": "2026-09-01", "field_site": "branch",
    }, HTTP_ACCEPT_LANGUAGE="fr")  # fmt: skip
    assert created.status_code == 302, created.content.decode()
    detail = reception.get(created.url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Numéro de contrat" in detail and "Agence" in detail and "01/09/2026" in detail
    assert "contract_number" not in detail and "branch" not in detail


def test_a_wrong_field_definition_is_shown_on_its_row_and_nothing_is_saved(page_as, org, wf):
    admin = page_as(org.admin)
    no_options = {**SITE, "options": ""}
    response = admin.post(reverse("workflow:settings-category-create"), {
        "code": "contract", "name": "Contract change", "response_hours": "8", "resolution_hours": "72",
        "default_team_kind": "after_sales", **_field_rows(CONTRACT_NUMBER, no_options),
    })  # fmt: skip
    assert response.status_code == 400
    assert response.context["rows"].forms[1].non_field_errors()
    assert not Category.objects.filter(code="contract").exists()


def test_the_admin_edits_a_category_and_a_taken_code_is_refused(page_as, org, wf):
    admin = page_as(org.admin)
    url = reverse("workflow:settings-category-edit", args=[wf.fault.pk])
    assert admin.get(url).context["form"].initial["code"] == "fault"

    taken = admin.post(url, {"code": "billing", "name": "Fault", "response_hours": "2", "resolution_hours": "24",
                             "default_team_kind": "after_sales", **_field_rows()})  # fmt: skip
    assert taken.status_code == 400 and taken.context["form"].errors["code"]

    line = {"code": "line_number", "label_fr": "Numéro de ligne", "label_en": "Line number", "type": "text",
            "required": "on"}  # fmt: skip
    saved = admin.post(url, {"code": "fault", "name": "Fault on the line", "response_hours": "2",
                             "resolution_hours": "24", "default_team_kind": "after_sales", **_field_rows(line)})  # fmt: skip
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
