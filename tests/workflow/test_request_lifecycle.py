import pytest

from common.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from trace.models import TraceEvent
from workflow import services
from workflow.models import RequestStatus, ServiceRequest
from workflow.routing import describe_routing


def _billing_request(org, wf, **overrides):
    data = {"sender": org.reception_a, "client_id": org.client_a.pk, "category": "billing",
            "subject": "Invoice too high", "fields": {"invoice_number": "F-2026-001"}}  # fmt: skip
    return services.service_request_create(**{**data, **overrides})


def test_a_billing_request_lands_in_the_billing_queue_covering_the_agency_with_its_reason(org, wf):
    request = _billing_request(org, wf)
    assert (request.status, request.team, request.assignee) == ("new", org.billing_team_north, None)
    assert "Billing to billing" in describe_routing(request.routing_reason)
    assert TraceEvent.objects.filter(action="workflow.request.created", object_id=str(request.pk)).count() == 1


def test_a_missing_required_field_is_named_and_nothing_is_created(org, wf):
    with pytest.raises(InvalidInput) as error:
        _billing_request(org, wf, fields={})
    assert "invoice_number" in error.value.fields["fields"]
    assert not ServiceRequest.objects.exists()


def test_without_a_matching_rule_the_category_default_queue_takes_it(org, wf):
    request = _billing_request(org, wf, category="fault", fields={})
    assert request.team == org.after_sales_team_north
    assert "default queue" in describe_routing(request.routing_reason)


def test_full_lifecycle_claim_wait_start_resolve_reopen_resolve_close(org, wf):
    request = _billing_request(org, wf)
    billing = org.billing_north
    request = services.service_request_claim(request_id=request.pk, user=billing)
    assert (request.status, request.assignee) == ("assigned", billing)
    assert services.service_request_wait(request_id=request.pk, user=billing).status == "waiting_client"
    assert services.service_request_start(request_id=request.pk, user=billing).status == "in_progress"
    assert services.service_request_resolve(request_id=request.pk, user=billing, resolution="Credit note").status == (
        "resolved"
    )
    reopened = services.service_request_reopen(request_id=request.pk, user=org.reception_a, reason="Still wrong")
    assert (reopened.status, reopened.reopen_count, reopened.repeat_contacts) == ("in_progress", 1, 1)
    services.service_request_resolve(request_id=request.pk, user=billing, resolution="Refunded")
    assert services.service_request_close(request_id=request.pk, user=org.reception_a).status == "closed"
    actions = list(
        TraceEvent.objects.filter(object_id=str(request.pk), action__startswith="workflow.request.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [f"workflow.request.{a}" for a in
                       ("created", "claimed", "waiting_client", "started", "resolved", "reopened", "resolved", "closed")]  # fmt: skip


@pytest.mark.parametrize(
    ("setup", "action"),
    [
        ([], "resolve"),  # new: nobody holds it yet
        (["claim"], "claim"),
        (["claim", "resolve"], "wait"),
        (["claim", "resolve", "close"], "reopen"),
        (["cancel"], "start"),
    ],
)
def test_illegal_transitions_are_conflicts_naming_the_current_state_in_words(org, wf, setup, action):
    request = _billing_request(org, wf)
    billing = org.billing_north
    calls = {
        "claim": lambda: services.service_request_claim(request_id=request.pk, user=billing),
        "resolve": lambda: services.service_request_resolve(request_id=request.pk, user=org.manager_a, resolution="x"),
        "close": lambda: services.service_request_close(request_id=request.pk, user=org.reception_a),
        "cancel": lambda: services.service_request_cancel(request_id=request.pk, user=org.reception_a, reason="dup"),
        "wait": lambda: services.service_request_wait(request_id=request.pk, user=billing),
        "reopen": lambda: services.service_request_reopen(request_id=request.pk, user=org.reception_a, reason="x"),
        "start": lambda: services.service_request_start(request_id=request.pk, user=org.manager_a),
    }
    for step in setup:
        calls[step]()
    current = ServiceRequest.objects.get(pk=request.pk).status
    with pytest.raises(Conflict) as error:
        calls[action]()
    assert error.value.extra["status"] == current
    # A sentence with the status as people read it, never its code (issue 8: words, not codes).
    assert f"“{RequestStatus(current).label}”" in error.value.message
    assert f"“{current}”" not in error.value.message and f"“{action}”" not in error.value.message


def test_only_the_team_can_claim_and_outsiders_get_not_found(org, wf):
    request = _billing_request(org, wf)
    with pytest.raises(PermissionDenied):
        services.service_request_claim(request_id=request.pk, user=org.reception_a)
    with pytest.raises(NotFound):
        services.service_request_claim(request_id=request.pk, user=org.outsider)


def test_transfer_sends_it_to_another_queue_and_counts_a_misrouting(org, wf):
    request = _billing_request(org, wf)
    services.service_request_claim(request_id=request.pk, user=org.billing_north)
    moved = services.service_request_transfer(request_id=request.pk, user=org.billing_north,
                                              team_id=org.after_sales_team_north.pk, reason="It is a fault")  # fmt: skip
    assert (moved.status, moved.team, moved.assignee, moved.transfer_count) == (
        "new", org.after_sales_team_north, None, 1,
    )  # fmt: skip
    assert "It is a fault" in describe_routing(moved.routing_reason)
    with pytest.raises(InvalidInput):
        services.service_request_transfer(request_id=request.pk, user=org.after_sales_north,
                                          team_id=org.billing_team_north.pk, reason=" ")  # fmt: skip


def test_team_lead_assigns_to_a_member_only(org, wf):
    from accounts.services import membership_start
    from tests.factories import UserFactory

    lead_person = UserFactory()
    membership_start(actor=org.admin, user=lead_person, team=org.billing_team_north, is_lead=True)
    request = _billing_request(org, wf)
    assigned = services.service_request_assign(request_id=request.pk, actor=lead_person,
                                               assignee_id=org.billing_north.pk)  # fmt: skip
    assert (assigned.status, assigned.assignee) == ("assigned", org.billing_north)
    with pytest.raises(InvalidInput):
        services.service_request_assign(request_id=request.pk, actor=lead_person, assignee_id=org.reception_a.pk)
    with pytest.raises(PermissionDenied):
        services.service_request_assign(request_id=request.pk, actor=org.billing_north,
                                        assignee_id=org.billing_north.pk)  # fmt: skip


def test_callback_window_must_be_in_order(org, wf):
    from django.utils import timezone

    now = timezone.now()
    with pytest.raises(InvalidInput) as error:
        _billing_request(org, wf, callback_after=now + timezone.timedelta(hours=3),
                         callback_before=now + timezone.timedelta(hours=1))  # fmt: skip
    assert "callback_before" in error.value.fields
