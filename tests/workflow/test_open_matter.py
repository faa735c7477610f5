"""One open matter per category (issue 8 item 4, done 3).

A second billing request while one is open for the client answers 409 with the open one; the call is
added to it as a repeat contact in the caller's name, or a second request is confirmed with a reason.
Nothing is counted behind anyone's back any more.
"""

import pytest
from django.urls import reverse

from common.errors import Conflict, InvalidInput
from trace.models import TraceEvent
from workflow import services
from workflow.models import ServiceRequest

URL = "/api/v1/service-requests/"


def _billing(org, sender=None, **extra):
    return services.service_request_create(sender=sender or org.reception_a, client_id=org.client_a.pk,
                                           category="billing", subject="Invoice too high",
                                           fields={"invoice_number": "F-1"}, **extra)  # fmt: skip


def test_a_second_request_of_an_open_category_is_a_conflict_carrying_the_open_one_and_counts_nothing(org, wf):
    first = _billing(org)

    with pytest.raises(Conflict) as conflict:
        _billing(org, sender=org.sales_a)

    assert conflict.value.extra["open_request"] == {"id": first.pk, "reference": first.reference,
                                                    "subject": "Invoice too high", "status": "new"}  # fmt: skip
    assert first.reference in conflict.value.message
    first.refresh_from_db()
    assert first.repeat_contacts == 0
    assert ServiceRequest.objects.count() == 1
    assert not TraceEvent.objects.filter(action="workflow.request.repeat_contact").exists()


def test_adding_the_call_to_the_open_one_counts_one_repeat_contact_in_the_callers_name(org, wf):
    first = _billing(org)
    services.service_request_repeat_contact(request_id=first.pk, user=org.sales_a)
    first.refresh_from_db()
    assert first.repeat_contacts == 1
    event = TraceEvent.objects.get(action="workflow.request.repeat_contact")
    assert event.actor == org.sales_a


def test_a_second_request_is_opened_with_confirm_and_a_reason_and_says_which_was_open(org, wf):
    first = _billing(org)
    with pytest.raises(InvalidInput) as no_reason:
        _billing(org, confirm=True)
    assert "reason" in no_reason.value.fields

    second = _billing(org, confirm=True, reason="Another invoice, another contract")

    assert (second.opened_despite, second.opened_despite_reason) == (first, "Another invoice, another contract")
    created = TraceEvent.objects.get(action="workflow.request.created", object_id=str(second.pk))
    assert created.payload["opened_despite"] == first.pk
    assert "Another invoice" not in str(created.payload)  # free text stays out of the trace


def test_another_category_or_a_closed_matter_is_no_conflict(org, wf):
    first = _billing(org)
    services.service_request_create(sender=org.reception_a, client_id=org.client_a.pk, category="fault",
                                    subject="No dial tone")  # fmt: skip
    services.service_request_cancel(request_id=first.pk, user=org.reception_a, reason="Solved on the phone")
    assert _billing(org).opened_despite is None


def test_through_the_api_the_409_carries_open_request_and_confirm_opens_a_second(org, wf, api_as):
    body = {"client": org.client_a.pk, "category": "billing", "subject": "Invoice", "fields": {"invoice_number": "F"}}
    reception = api_as(org.reception_a)
    first = reception.post(URL, body, format="json").json()

    again = reception.post(URL, body, format="json")

    assert again.status_code == 409
    assert again.json()["open_request"]["id"] == first["id"] and again.json()["open_request"]["reference"]
    assert reception.post(URL, {**body, "confirm": True}, format="json").status_code == 400
    second = reception.post(URL, {**body, "confirm": True, "reason": "A second contract"}, format="json")
    assert second.status_code == 201
    added = reception.post(f"{URL}{first['id']}/repeat_contact/", {}, format="json")
    assert added.status_code == 200 and added.json()["repeat_contacts"] == 1


def test_the_page_offers_to_add_the_call_or_to_send_a_second_request_with_a_reason(org, wf, page_as):
    first = _billing(org)
    reception = page_as(org.reception_a)
    create = reverse("workflow:request-create", args=[org.client_a.pk])
    data = {"category": "billing", "subject": "Invoice again", "field_invoice_number": "F-2"}

    offered = reception.post(create, data)

    assert offered.status_code == 409
    page = offered.content.decode()
    assert reverse("workflow:request-action", args=[first.pk, "repeat_contact"]) in page
    assert 'name="reason"' in page and 'name="confirm"' in page
    assert ServiceRequest.objects.count() == 1

    # "Add this call to it": one repeat contact, in the caller's name, back on the open request.
    added = reception.post(reverse("workflow:request-action", args=[first.pk, "repeat_contact"]))
    assert added.status_code == 302 and added.url == reverse("workflow:request-detail", args=[first.pk])
    first.refresh_from_db()
    assert first.repeat_contacts == 1

    # Or a second request: the reason is required, then it is sent and says why.
    no_reason = reception.post(create, {**data, "confirm": "1", "reason": ""})
    assert no_reason.status_code == 400 and 'name="reason"' in no_reason.content.decode()
    sent = reception.post(create, {**data, "confirm": "1", "reason": "Another contract"})
    assert sent.status_code == 302
    second = ServiceRequest.objects.exclude(pk=first.pk).get()
    detail = reception.get(sent.url).content.decode()
    assert first.reference in detail and "Another contract" in detail and second.opened_despite == first
