from django.db import connection
from rest_framework.test import APIClient

from tests.trace.test_trace import _drop_triggers
from trace.models import TraceEvent
from workflow import services

URL = "/api/v1/trace/"


def _ok(response):
    assert response.status_code == 200, response.content
    return response.json()


def _request_and_lead(org):
    request = services.service_request_create(sender=org.reception_a, client_id=org.client_a.pk, category="fault",
                                              subject="No dial tone", confirm=True, reason="A second line")  # fmt: skip
    lead = services.lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Wants fibre")
    services.lead_accept(lead_id=lead.pk, user=org.sales_a, potential_amount="1200", probability=40)
    return request, lead


def test_the_clients_chain_newest_first_with_actors(org, wf, api_as):
    request, lead = _request_and_lead(org)
    chain = _ok(api_as(org.sales_a).get(URL, {"client": org.client_a.pk}))["results"]
    assert [event["id"] for event in chain] == sorted((event["id"] for event in chain), reverse=True)
    assert chain[0]["action"] == "workflow.lead.accepted"
    assert (chain[0]["actor"], chain[0]["actor_name"]) == (org.sales_a.pk, "Sophie Martin")
    assert chain[0]["payload"]["probability"] == 40
    assert {"created_at", "chain", "position", "hash", "prev_hash"} <= set(chain[0])
    # One chain per client: each event points at the one before it.
    assert chain[0]["prev_hash"] == chain[1]["hash"] and chain[0]["position"] == chain[1]["position"] + 1


def test_lead_events_keep_their_time_and_actor_but_drop_details_for_those_who_may_not_read_the_lead(org, wf, api_as):
    request, lead = _request_and_lead(org)
    chain = _ok(api_as(org.reception_a).get(URL, {"client": org.client_a.pk}))["results"]
    lead_events = [e for e in chain if e["object_type"] == "workflow.lead" and e["object_id"] == str(lead.pk)]
    assert [e["action"] for e in lead_events] == ["workflow.lead.accepted", "workflow.lead.created"]
    assert all(e["payload"] is None and e["created_at"] and e["actor_name"] for e in lead_events)
    request_events = [e for e in chain if e["object_type"] == "workflow.servicerequest"]
    assert request_events and all(e["payload"]["category"] == "fault" for e in request_events)


def test_a_client_out_of_scope_answers_404_and_the_client_is_required(org, wf, api_as):
    _request_and_lead(org)
    reception = api_as(org.reception_a)
    assert reception.get(URL, {"client": org.client_b.pk}).status_code == 404
    assert reception.get(URL, {"client": 999999}).status_code == 404
    assert api_as(org.outsider).get(URL, {"client": org.client_a.pk}).status_code == 404
    missing = reception.get(URL)
    assert missing.status_code == 400 and "client" in missing.json()


def test_verify_is_for_administrators(org, wf, api_as):
    _request_and_lead(org)
    for method in ("get", "post"):
        answer = _ok(getattr(api_as(org.admin), method)(f"{URL}verify/"))
        assert answer["ok"] is True and answer["broken"] is None
        assert answer["events_checked"] == TraceEvent.objects.count()
        assert answer["chains_checked"] >= 2  # the client's chain and the organisation's
    for person in (org.reception_a, org.manager_a):
        assert api_as(person).get(f"{URL}verify/").status_code == 403
    assert APIClient().get(f"{URL}verify/").status_code == 401


def test_verify_names_the_first_broken_event(org, wf, api_as):
    request, _lead = _request_and_lead(org)
    tampered = TraceEvent.objects.filter(object_id=str(request.pk), action="workflow.request.created").get()
    with connection.cursor() as cursor:
        _drop_triggers(cursor)  # rolled back with the test's transaction
        cursor.execute("UPDATE trace_traceevent SET payload = %s WHERE id = %s", ['{"category": "x"}', tampered.pk])
    answer = _ok(api_as(org.admin).post(f"{URL}verify/"))
    assert answer["ok"] is False
    assert answer["broken"]["event_id"] == tampered.pk
    assert answer["broken"]["chain"] == f"client:{org.client_a.pk}"
    assert answer["broken"]["position"] == tampered.position and "hash" in answer["broken"]["reason"]


def test_the_chain_costs_the_same_queries_whatever_its_length(org, wf, queries_of_list):
    path = f"{URL}?client={org.client_a.pk}"
    _request_and_lead(org)
    small = queries_of_list(org.reception_a, path), queries_of_list(org.manager_a, path)
    for _ in range(4):
        _request_and_lead(org)
    assert (queries_of_list(org.reception_a, path), queries_of_list(org.manager_a, path)) == small
