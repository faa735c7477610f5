from datetime import timedelta

import pytest
from django.utils import timezone

from workflow import services
from workflow.models import ServiceRequest
from workflow.transitions import REQUEST_TRANSITIONS

URL = "/api/v1/service-requests/"


def _create(api_as, org, user=None, **overrides):
    body = {"client": org.client_a.pk, "category": "billing", "subject": "Invoice too high",
            "fields": {"invoice_number": "F-2026-001"}}  # fmt: skip
    return api_as(user or org.reception_a).post(URL, {**body, **overrides}, format="json")


def _post(api_as, user, request_id, action, body=None):
    return api_as(user).post(f"{URL}{request_id}/{action}/", body or {}, format="json")


def _ok(response, code=200):
    assert response.status_code == code, response.content
    return response.json()


def test_reception_sends_a_billing_request_and_sees_where_it_landed_and_why(org, wf, api_as):
    # A week-long window holds opening hours whatever the day and hour the suite runs (weekends, holidays).
    after = timezone.now() + timedelta(days=1)
    created = _ok(_create(api_as, org, description="Twice the usual amount", origin_channel="visit",
                          callback_after=after.isoformat(),
                          callback_before=(after + timedelta(days=7)).isoformat()), 201)  # fmt: skip
    assert created["reference"] == f"SR-{created['id']}"
    assert (created["client"], created["category"], created["status"]) == (org.client_a.pk, "billing", "new")
    assert (created["team"], created["team_name"], created["assignee"]) == (
        org.billing_team_north.pk, "Facturation Nord", None,
    )  # fmt: skip
    assert created["sender"] == org.reception_a.pk
    assert created["fields"] == {"invoice_number": "F-2026-001"}
    assert "Billing to billing" in created["routing_reason"] and "Facturation Nord" in created["routing_reason"]
    assert created["origin_channel"] == "visit"
    assert created["callback_after"] and created["callback_before"]
    assert created["response_due_at"] and created["resolution_due_at"]
    assert (created["transfer_count"], created["reopen_count"], created["repeat_contacts"]) == (0, 0, 0)
    assert (created["requalified_from"], created["requalified_to"]) == (None, None)
    assert set(created["allowed_actions"]) == {"claim", "assign", "transfer", "cancel", "requalify", "comment",
                                               "repeat_contact"}  # fmt: skip
    assert _ok(api_as(org.billing_north).get(f"{URL}{created['id']}/")) == created


def test_a_missing_required_field_is_named_and_nothing_is_created(org, wf, api_as):
    response = _create(api_as, org, fields={})
    assert response.status_code == 400
    assert "invoice_number" in response.json()["fields"]
    assert response.json()["detail"]
    assert not ServiceRequest.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [({"client": "x"}, "client"), ({"subject": ""}, "subject"), ({"category": "unknown"}, "category"),
     ({"callback_after": "tomorrow"}, "callback_after"), ({"origin_channel": "pigeon"}, "origin_channel"),
     ({"callback_after": "2030-01-02T10:00:00Z", "callback_before": "2030-01-02T09:00:00Z"}, "callback_before")],
)  # fmt: skip
def test_bad_input_answers_400_naming_the_field(org, wf, api_as, change, field):
    response = _create(api_as, org, **change)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not ServiceRequest.objects.exists()


def test_a_client_out_of_scope_cannot_get_a_request(org, wf, api_as):
    assert _create(api_as, org, user=org.reception_b).status_code == 404
    assert _create(api_as, org, user=org.outsider).status_code == 404
    assert not ServiceRequest.objects.exists()


def test_the_whole_lifecycle_through_the_api(org, wf, api_as):
    request_id = _ok(_create(api_as, org), 201)["id"]
    billing, reception = org.billing_north, org.reception_a

    claimed = _ok(_post(api_as, billing, request_id, "claim"))
    assert (claimed["status"], claimed["assignee"], claimed["assignee_name"]) == (
        "assigned", billing.pk, str(billing),
    )  # fmt: skip
    waiting = _ok(_post(api_as, billing, request_id, "wait", {"note": "Asked for the invoice copy"}))
    assert waiting["status"] == "waiting_client"
    assert _ok(_post(api_as, billing, request_id, "start"))["status"] == "in_progress"
    assert _ok(_post(api_as, billing, request_id, "comment", {"body": "Copy received"}))["status"] == "in_progress"
    resolved = _ok(_post(api_as, billing, request_id, "resolve", {"resolution": "Credit note sent"}))
    assert (resolved["status"], resolved["allowed_actions"]) == ("resolved", ["reopen", "close", "comment",
                                                                               "repeat_contact"])  # fmt: skip
    reopened = _ok(_post(api_as, reception, request_id, "reopen", {"reason": "Still charged twice"}))
    assert (reopened["status"], reopened["reopen_count"], reopened["repeat_contacts"]) == ("in_progress", 1, 1)
    assert reopened["status_reason"] == "Still charged twice"
    _ok(_post(api_as, billing, request_id, "resolve", {"resolution": "Refunded"}))
    closed = _ok(_post(api_as, reception, request_id, "close"))
    assert (closed["status"], closed["allowed_actions"]) == ("closed", [])

    comments = _ok(api_as(reception).get(f"{URL}{request_id}/comments/"))["results"]
    assert [c["body"] for c in comments] == ["Asked for the invoice copy", "Copy received"]
    assert comments[0]["author_name"] == str(billing)

    history = _ok(api_as(reception).get(f"{URL}{request_id}/history/"))["results"]
    assert [event["action"] for event in history] == [
        f"workflow.request.{a}" for a in ("created", "claimed", "waiting_client", "started", "commented",
                                          "resolved", "reopened", "resolved", "closed")
    ]  # fmt: skip
    assert history[1]["actor_name"] == str(billing) and history[1]["created_at"]
    assert history[1]["payload"]["assignee"] == billing.pk


def test_the_sender_cancels_with_a_reason(org, wf, api_as):
    request_id = _ok(_create(api_as, org), 201)["id"]
    response = _post(api_as, org.reception_a, request_id, "cancel", {"reason": ""})
    assert response.status_code == 400 and "reason" in response.json()
    cancelled = _ok(_post(api_as, org.reception_a, request_id, "cancel", {"reason": "Paid in the meantime"}))
    assert (cancelled["status"], cancelled["status_reason"]) == ("cancelled", "Paid in the meantime")


def test_a_misrouted_request_is_transferred_and_counted(org, wf, api_as):
    request_id = _ok(_create(api_as, org), 201)["id"]
    transferred = _ok(_post(api_as, org.billing_north, request_id, "transfer",
                            {"team": org.after_sales_team_north.pk, "reason": "It is a line fault"}))  # fmt: skip
    assert (transferred["status"], transferred["team"], transferred["transfer_count"]) == (
        "new", org.after_sales_team_north.pk, 1,
    )  # fmt: skip
    assert "It is a line fault" in transferred["routing_reason"] and "SAV Nord" in transferred["routing_reason"]
    # The new team claims it; the old one can no longer act on it.
    assert _ok(_post(api_as, org.after_sales_north, request_id, "claim"))["assignee"] == org.after_sales_north.pk
    bad_team = _post(api_as, org.after_sales_north, request_id, "transfer", {"team": 999999, "reason": "x"})
    assert bad_team.status_code == 400 and "team" in bad_team.json()


def test_a_team_lead_or_manager_assigns_and_others_get_403(org, wf, api_as):
    request_id = _ok(_create(api_as, org), 201)["id"]
    forbidden = _post(api_as, org.reception_a, request_id, "assign", {"assignee": org.billing_north.pk})
    assert forbidden.status_code == 403 and forbidden.json()["detail"]
    assert _post(api_as, org.reception_a, request_id, "resolve", {"resolution": "Done"}).status_code == 403
    not_a_member = _post(api_as, org.manager_a, request_id, "assign", {"assignee": org.sales_a.pk})
    assert not_a_member.status_code == 400 and "assignee" in not_a_member.json()
    assigned = _ok(_post(api_as, org.manager_a, request_id, "assign", {"assignee": org.billing_north.pk}))
    assert (assigned["status"], assigned["assignee"]) == ("assigned", org.billing_north.pk)
    assert "Assigned by" in assigned["routing_reason"]


def test_reception_records_a_repeat_contact(org, wf, api_as):
    request_id = _ok(_create(api_as, org), 201)["id"]
    assert _ok(_post(api_as, org.reception_a, request_id, "repeat_contact"))["repeat_contacts"] == 1


def test_out_of_scope_requests_answer_404_everywhere(org, wf, api_as):
    request_id = _ok(_create(api_as, org), 201)["id"]
    other = api_as(org.reception_b)
    for path in ("", "comments/", "history/"):
        assert other.get(f"{URL}{request_id}/{path}").status_code == 404
    for action in REQUEST_TRANSITIONS:
        response = other.post(f"{URL}{request_id}/{action}/", _valid_body(org, action), format="json")
        assert response.status_code == 404, action
    assert other.get(f"{URL}999999/").status_code == 404
    assert _ok(other.get(URL))["results"] == []


# --- Every action refused in every state it does not apply to: 409 with the current status -------------


def _request_in(org, status: str) -> ServiceRequest:
    request = services.service_request_create(
        sender=org.reception_a, client_id=org.client_a.pk, category="billing", subject="Invoice",
        fields={"invoice_number": "F-1"},
    )  # fmt: skip
    billing, pk = org.billing_north, request.pk
    if status in ("assigned", "in_progress", "waiting_client", "resolved", "closed"):
        services.service_request_claim(request_id=pk, user=billing)
    if status == "in_progress":
        services.service_request_start(request_id=pk, user=billing)
    if status == "waiting_client":
        services.service_request_wait(request_id=pk, user=billing)
    if status in ("resolved", "closed"):
        services.service_request_resolve(request_id=pk, user=billing, resolution="Done")
    if status == "closed":
        services.service_request_close(request_id=pk, user=org.reception_a)
    if status == "cancelled":
        services.service_request_cancel(request_id=pk, user=org.reception_a, reason="No longer needed")
    if status == "requalified":
        services.service_request_requalify(request_id=pk, user=billing, reason="A sales matter")
    request.refresh_from_db()
    assert request.status == status
    return request


def _valid_body(org, action):
    return {
        "assign": {"assignee": org.billing_north.pk},
        "transfer": {"team": org.after_sales_team_north.pk, "reason": "Wrong queue"},
        "comment": {"body": "A note"},
        "wait": {"note": "Waiting"},
        "resolve": {"resolution": "Done"},
        "reopen": {"reason": "Not solved"},
        "cancel": {"reason": "No longer needed"},
        "requalify": {"reason": "A sales matter"},
    }.get(action, {})


@pytest.mark.parametrize(
    "status", ["new", "assigned", "in_progress", "waiting_client", "resolved", "closed", "cancelled", "requalified"]
)
def test_an_action_the_status_does_not_allow_answers_409_with_the_status(org, wf, api_as, status):
    request = _request_in(org, status)
    refused = [action for action, (allowed_from, _to) in REQUEST_TRANSITIONS.items() if status not in allowed_from]
    assert refused
    for action in refused:
        # Someone who may act on the request in other states: only the state stands in the way.
        actor = org.billing_north if action == "claim" else org.manager_a
        response = _post(api_as, actor, request.pk, action, _valid_body(org, action))
        assert response.status_code == 409, (action, response.content)
        assert response.json()["status"] == status and response.json()["detail"], action
    assert ServiceRequest.objects.get(pk=request.pk).status == status


# --- Lists ---------------------------------------------------------------------------------------------


def test_a_back_office_queue_shows_unclaimed_first_then_oldest(org, wf, api_as):
    first = _ok(_create(api_as, org, subject="First"), 201)["id"]
    again = {"confirm": True, "reason": "Another invoice"}
    second = _ok(_create(api_as, org, subject="Second", **again), 201)["id"]
    third = _ok(_create(api_as, org, subject="Third", **again), 201)["id"]
    _ok(_post(api_as, org.billing_north, first, "claim"))
    billing = api_as(org.billing_north)

    def ids(params):
        return [item["id"] for item in _ok(billing.get(URL, params))["results"]]

    assert ids({"queue": 1}) == [second, third, first]
    assert ids({"team": org.billing_team_north.pk}) == [second, third, first]
    assert ids({"queue": 1, "assignee": "me"}) == [first]
    assert ids({"queue": 1, "assignee": "none"}) == [second, third]
    assert ids({}) == [third, second, first]  # the plain list: newest first
    assert ids({"status": "assigned"}) == [first]
    assert ids({"client": org.client_b.pk}) == []
    assert ids({"category": "fault"}) == []
    # Another team's queue is not the caller's to read.
    assert billing.get(URL, {"team": org.after_sales_team_north.pk}).status_code == 404


def test_a_bad_filter_is_a_400_naming_it(org, wf, api_as):
    client = api_as(org.billing_north)
    for params, field in (({"status": "lost"}, "status"), ({"team": "x"}, "team"), ({"assignee": "you"}, "assignee")):
        response = client.get(URL, params)
        assert response.status_code == 400 and field in response.json(), params


def test_the_caller_reads_texts_in_their_own_language_with_a_token(org, wf, token_client):
    org.reception_b.language = "en"
    org.reception_b.save(update_fields=["language"])
    response = token_client("reception_b").get(f"{URL}999999/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 404
    assert response.json()["detail"] == "Not found."
    assert response.headers["Content-Language"] == "en"


def test_the_list_costs_the_same_queries_whatever_its_length(org, wf, api_as, queries_of_list):
    def add_requests(n):
        for i in range(n):
            request = services.service_request_create(
                sender=org.reception_a, client_id=org.client_a.pk, category="billing", subject=f"Invoice {i}",
                fields={"invoice_number": f"F-{i}"}, confirm=True, reason="Another invoice",
            )  # fmt: skip
            if i % 2:
                services.service_request_assign(request_id=request.pk, actor=org.manager_a,
                                                assignee_id=org.billing_north.pk)  # fmt: skip
        lead_request = services.service_request_create(
            sender=org.reception_a,
            client_id=org.client_a.pk,
            category="fault",
            subject="Fibre?",
            confirm=True,
            reason="Another line",
        )
        services.service_request_requalify(request_id=lead_request.pk, user=org.after_sales_north, reason="Sales")

    def costs():
        return queries_of_list(org.manager_a, URL), queries_of_list(org.billing_north, f"{URL}?queue=1")

    add_requests(2)
    small = costs()
    add_requests(6)
    assert costs() == small
