import pytest

from common.errors import InvalidInput, PermissionDenied
from trace.models import TraceEvent
from workflow.services.configuration import category_create, routing_rule_create, routing_rule_update


def test_admin_creates_a_category_and_the_change_is_traced(org):
    category = category_create(actor=org.admin, code="contract", name="Contract change",
                               required_fields=["contract_number"], response_hours=8, resolution_hours=72)  # fmt: skip
    assert category.required_fields == ["contract_number"]
    assert TraceEvent.objects.filter(action="workflow.category.created", object_id=str(category.pk)).exists()


def test_only_admins_change_workflow_settings(org):
    with pytest.raises(PermissionDenied):
        category_create(actor=org.manager_a, code="x", name="X")


def test_a_rule_names_a_target_that_fits_its_type(org):
    with pytest.raises(InvalidInput) as error:
        routing_rule_create(actor=org.admin, order=1, name="Broken", kind="service_request", target_type="team")
    assert "target_team" in error.value.fields
    with pytest.raises(InvalidInput) as error:
        routing_rule_create(actor=org.admin, order=1, name="Odd", kind="lead", target_type="account_owner",
                            match={"colour": "blue"})  # fmt: skip
    assert "match" in error.value.fields


def test_rule_update_records_what_changed(org):
    rule = routing_rule_create(actor=org.admin, order=5, name="Faults", kind="service_request",
                               target_type="team", target_team=org.after_sales_team_north)  # fmt: skip
    routing_rule_update(actor=org.admin, rule_id=rule.pk, order=1, is_active=False)
    event = TraceEvent.objects.filter(action="workflow.routing_rule.updated").get()
    assert event.payload == {"fields": ["is_active", "order"]}
