"""Reassigning many requests and leads at once (issue 8, item 1): each item through its own service,
with its rights checks and its trace; each outcome reported, the others carried out."""

import pytest

from common.errors import InvalidInput
from tests.factories import ClientFactory, make_member
from trace.models import TraceEvent
from workflow import events
from workflow.models import RequestStatus
from workflow.services import (
    lead_create,
    service_request_claim,
    service_request_create,
    service_request_resolve,
    service_request_start,
)
from workflow.services.bulk import items_reassign


def _billing(org, client, n):
    sender = org.reception_a if client.agency_id == org.agency_a.pk else org.reception_b
    return service_request_create(sender=sender, client_id=client.pk, category="billing",
                                  subject=f"Invoice {n}", fields={"invoice_number": f"F-{n}"}, confirm=True,
                                  reason="Another invoice")  # fmt: skip


@pytest.fixture
def colleague(org):
    return make_member(team=org.billing_team_north, username="billing_north2")


def test_a_manager_gives_three_requests_and_a_lead_each_traced(org, wf, colleague):
    requests = [_billing(org, org.client_a, n) for n in range(3)]
    lead = lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre")
    outcomes = items_reassign(actor=org.manager_a, assignee_id=colleague.pk,
                              request_ids=[r.pk for r in requests])  # fmt: skip
    outcomes += items_reassign(actor=org.manager_a, assignee_id=org.sales_a2.pk, lead_ids=[lead.pk])
    assert [(o.kind, o.status) for o in outcomes] == [("request", 200)] * 3 + [("lead", 200)]
    for request in requests:
        request.refresh_from_db()
        assert request.assignee == colleague and request.status == RequestStatus.ASSIGNED
    lead.refresh_from_db()
    assert lead.assignee == org.sales_a2
    assigned = TraceEvent.objects.filter(action=events.REQUEST_ASSIGNED.action, actor=org.manager_a)
    assert sorted(int(e.object_id) for e in assigned) == sorted(r.pk for r in requests)
    assert TraceEvent.objects.filter(action=events.LEAD_REASSIGNED.action, object_id=str(lead.pk)).count() == 1


def test_an_item_out_of_scope_is_a_404_of_its_own_and_the_others_are_done(org, wf, colleague):
    mine = _billing(org, org.client_a, 1)
    elsewhere = _billing(org, ClientFactory(agency=org.agency_b), 2)  # Amiens: not managed by manager_a
    outcomes = items_reassign(actor=org.manager_a, assignee_id=colleague.pk,
                              request_ids=[elsewhere.pk, mine.pk, 999_999])  # fmt: skip
    assert [o.status for o in outcomes] == [404, 200, 404]
    elsewhere.refresh_from_db()
    assert elsewhere.assignee is None
    assert "not visible" in outcomes[0].message


def test_someone_who_does_not_manage_gets_403_per_item(org, wf, colleague):
    request = _billing(org, org.client_a, 1)
    outcomes = items_reassign(actor=org.reception_a, assignee_id=colleague.pk, request_ids=[request.pk])
    assert [o.status for o in outcomes] == [403]
    request.refresh_from_db()
    assert request.assignee is None


def test_conflicts_and_bad_choices_are_reported_per_item(org, wf, colleague):
    resolved = _billing(org, org.client_a, 1)
    service_request_claim(request_id=resolved.pk, user=org.billing_north)
    service_request_start(request_id=resolved.pk, user=org.billing_north)
    service_request_resolve(request_id=resolved.pk, user=org.billing_north, resolution="Done")
    open_one = _billing(org, org.client_a, 2)
    lead = lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre")  # to sales_a, the owner
    outcomes = items_reassign(actor=org.manager_a, assignee_id=colleague.pk, request_ids=[resolved.pk, open_one.pk])
    assert [o.status for o in outcomes] == [409, 200]
    # A salesperson is no member of the billing team, and the lead is already with sales_a.
    outcomes = items_reassign(actor=org.manager_a, assignee_id=org.sales_a.pk, request_ids=[open_one.pk],
                              lead_ids=[lead.pk])  # fmt: skip
    assert [o.status for o in outcomes] == [400, 409]
    assert outcomes[0].message and outcomes[1].message


def test_nothing_ticked_is_bad_input(org, wf):
    with pytest.raises(InvalidInput) as raised:
        items_reassign(actor=org.manager_a, assignee_id=org.sales_a.pk)
    assert "items" in raised.value.fields


def test_the_api_answers_one_outcome_per_item(api_as, org, wf, colleague):
    mine = _billing(org, org.client_a, 1)
    elsewhere = _billing(org, ClientFactory(agency=org.agency_b), 2)
    response = api_as(org.manager_a).post("/api/v1/reassignments/", {"assignee": colleague.pk,
                                          "requests": [mine.pk, elsewhere.pk]}, format="json")  # fmt: skip
    assert response.status_code == 200
    assert [(o["id"], o["status"]) for o in response.json()] == [(mine.pk, 200), (elsewhere.pk, 404)]
    assert api_as(org.manager_a).post("/api/v1/reassignments/", {"assignee": colleague.pk},
                                      format="json").status_code == 400  # fmt: skip
    bad = api_as(org.manager_a).post("/api/v1/reassignments/", {"assignee": "x", "requests": [mine.pk]},
                                     format="json")  # fmt: skip
    assert bad.status_code == 400 and "assignee" in str(bad.json())
    refused = api_as(org.reception_a).post("/api/v1/reassignments/", {"assignee": colleague.pk,
                                           "requests": [mine.pk]}, format="json")  # fmt: skip
    assert refused.status_code == 404


def test_walk_giving_a_request_again_to_its_holder_is_a_409_and_traces_once(org, wf, colleague):
    """Walk: 20 identical bulk calls each answered 200 and each traced an assignment that changed nothing."""
    request = _billing(org, org.client_a, 1)
    outcomes = [items_reassign(actor=org.manager_a, assignee_id=colleague.pk, request_ids=[request.pk])[0]
                for _ in range(3)]  # fmt: skip
    assert [o.status for o in outcomes] == [200, 409, 409]
    assert "already with this person" in outcomes[1].message
    assigned = TraceEvent.objects.filter(action=events.REQUEST_ASSIGNED.action, object_id=str(request.pk))
    assert assigned.count() == 1
