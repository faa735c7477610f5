import pytest

from common.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tests.factories import ProductFactory
from trace.models import TraceEvent
from workflow import services
from workflow.models import Lead, ServiceRequest
from workflow.routing import describe_routing
from workflow.selectors import lead_get_for_user, lead_inbox, lead_status_get_for_user
from workflow.services import lead_create


def _lead(org, **overrides):
    data = {"sender": org.reception_a, "client_id": org.client_a.pk, "subject": "Wants fibre for 3 sites"}
    return lead_create(**{**data, **overrides})


def test_a_lead_lands_in_the_account_owners_inbox_with_its_reason(org, wf):
    lead = _lead(org)
    assert (lead.status, lead.assignee) == ("new", org.sales_a)
    assert "account owner" in describe_routing(lead.routing_reason)
    assert list(lead_inbox(user=org.sales_a)) == [lead]
    assert list(lead_inbox(user=org.sales_a2)) == []


def test_confidential_to_its_salesperson_status_only_for_sender_and_reception(org, wf):
    lead = _lead(org)
    with pytest.raises(NotFound):
        lead_get_for_user(user=org.sales_a2, lead_id=lead.pk)
    with pytest.raises(NotFound):
        lead_get_for_user(user=org.reception_a, lead_id=lead.pk)  # the sender sees the status, not the content
    assert lead_status_get_for_user(user=org.reception_a, lead_id=lead.pk) == lead
    assert lead_get_for_user(user=org.manager_a, lead_id=lead.pk) == lead
    with pytest.raises(NotFound):
        lead_status_get_for_user(user=org.reception_b, lead_id=lead.pk)


def test_a_client_without_account_owner_goes_to_the_agency_sales_team_who_can_take_it(org, wf):
    org.client_a.account_owner = None
    org.client_a.save()
    lead = _lead(org)
    assert (lead.team, lead.assignee) == (org.sales_team_a, None)
    assert lead in lead_inbox(user=org.sales_a2)
    accepted = services.lead_accept(lead_id=lead.pk, user=org.sales_a2, potential_amount="1200", probability=40)
    assert accepted.assignee == org.sales_a2
    with pytest.raises(NotFound):
        lead_get_for_user(user=org.sales_a, lead_id=lead.pk)


def test_lifecycle_accept_start_won(org, wf):
    lead = _lead(org)
    lead = services.lead_accept(lead_id=lead.pk, user=org.sales_a, potential_amount="15000.50", probability=60)
    assert (lead.status, str(lead.potential_amount), lead.probability) == ("accepted", "15000.50", 60)
    assert services.lead_start(lead_id=lead.pk, user=org.sales_a).status == "in_progress"
    won = services.lead_won(lead_id=lead.pk, user=org.sales_a, amount="14000", product_id=ProductFactory().pk)
    assert (won.status, str(won.potential_amount)) == ("won", "14000.00")
    with pytest.raises(Conflict) as error:
        services.lead_lost(lead_id=lead.pk, user=org.sales_a, reason="too late")
    assert error.value.extra["status"] == "won"


def test_accept_needs_a_potential_and_a_probability(org, wf):
    lead = _lead(org)
    with pytest.raises(InvalidInput) as error:
        services.lead_accept(lead_id=lead.pk, user=org.sales_a, potential_amount="-3", probability=140)
    assert set(error.value.fields) == {"potential_amount", "probability"}
    assert Lead.objects.get(pk=lead.pk).status == "new"


def test_lost_needs_a_reason(org, wf):
    lead = _lead(org)
    with pytest.raises(InvalidInput):
        services.lead_lost(lead_id=lead.pk, user=org.sales_a, reason="")
    assert services.lead_lost(lead_id=lead.pk, user=org.sales_a, reason="Budget frozen").status == "lost"


@pytest.mark.parametrize("action", ["start", "won"])
def test_a_new_lead_must_be_accepted_first(org, wf, action):
    lead = _lead(org)
    with pytest.raises(Conflict):
        getattr(services, f"lead_{action}")(lead_id=lead.pk, user=org.sales_a)


def test_manager_reassigns_to_another_salesperson_of_the_agency(org, wf):
    lead = _lead(org)
    with pytest.raises(PermissionDenied):
        services.lead_reassign(lead_id=lead.pk, actor=org.sales_a, assignee_id=org.sales_a2.pk)
    moved = services.lead_reassign(lead_id=lead.pk, actor=org.manager_a, assignee_id=org.sales_a2.pk)
    assert (moved.assignee, moved.reassign_count) == (org.sales_a2, 1)
    with pytest.raises(InvalidInput):
        services.lead_reassign(lead_id=lead.pk, actor=org.manager_a, assignee_id=org.reception_a.pk)
    with pytest.raises(NotFound):
        lead_get_for_user(user=org.sales_a, lead_id=lead.pk)


def test_requalifying_a_lead_into_a_request_and_back_keeps_both_linked_with_reasons(org, wf):
    lead = _lead(org, subject="Invoice question, not a sale")
    lead, request = services.lead_requalify(lead_id=lead.pk, user=org.sales_a, reason="Billing matter",
                                            category="billing", fields={"invoice_number": "F-1"})  # fmt: skip
    assert (lead.status, lead.not_a_lead, lead.status_reason) == ("requalified", True, "Billing matter")
    assert request.requalified_from == lead and lead.requalified_to == request
    assert request.sender == org.reception_a and request.team == org.billing_team_north

    request, lead2 = services.service_request_requalify(request_id=request.pk, user=org.billing_north,
                                                        reason="Actually wants an upgrade")  # fmt: skip
    assert (request.status, request.status_reason) == ("requalified", "Actually wants an upgrade")
    assert lead2.requalified_from == request and lead2.assignee == org.sales_a
    history = list(TraceEvent.objects.filter(client_id=org.client_a.pk).values_list("action", flat=True))
    for action in ("workflow.lead.requalified", "workflow.request.created", "workflow.request.requalified"):
        assert action in history
    assert history.count("workflow.lead.created") == 2


def test_requalifying_into_a_request_checks_the_category_fields_first(org, wf):
    lead = _lead(org)
    with pytest.raises(InvalidInput) as error:
        services.lead_requalify(lead_id=lead.pk, user=org.sales_a, reason="Billing", category="billing")
    assert "invoice_number" in error.value.fields["fields"]
    assert Lead.objects.get(pk=lead.pk).status == "new"
    assert not ServiceRequest.objects.exists()
