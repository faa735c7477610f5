import pytest

from tests.factories import ProductFactory
from workflow import services
from workflow.models import Lead
from workflow.transitions import LEAD_TRANSITIONS

URL = "/api/v1/leads/"
CONTENT = {"subject", "description", "potential_amount", "routing_reason", "product"}


def _create(api_as, org, user=None, **overrides):
    body = {"client": org.client_a.pk, "subject": "Wants fibre for 3 sites", "description": "Moving in March"}
    return api_as(user or org.reception_a).post(URL, {**body, **overrides}, format="json")


def _post(api_as, user, lead_id, action, body=None):
    return api_as(user).post(f"{URL}{lead_id}/{action}/", body or {}, format="json")


def _ok(response, code=200):
    assert response.status_code == code, response.content
    return response.json()


def _ids(response):
    return [item["id"] for item in _ok(response)["results"]]


def test_a_lead_from_reception_lands_in_the_owners_inbox_and_stays_confidential(org, wf, api_as):
    created = _ok(_create(api_as, org), 201)
    # Reception may not read the content of what it sent: it gets the status view.
    assert not CONTENT & set(created)
    assert (created["status"], created["assignee_name"], created["outcome"]) == ("new", "Sophie Martin", None)
    lead_id = created["id"]

    inbox = _ok(api_as(org.sales_a).get(URL))["results"]
    assert [lead["id"] for lead in inbox] == [lead_id]
    assert inbox[0]["subject"] == "Wants fibre for 3 sites"
    assert "account owner" in inbox[0]["routing_reason"] and "Sophie Martin" in inbox[0]["routing_reason"]
    assert inbox[0]["sender"] == org.reception_a.pk

    assert api_as(org.sales_a2).get(f"{URL}{lead_id}/").status_code == 404
    assert _ids(api_as(org.sales_a2).get(URL)) == []
    assert api_as(org.reception_a).get(f"{URL}{lead_id}/").status_code == 404
    status = _ok(api_as(org.reception_a).get(f"{URL}{lead_id}/status/"))
    assert status == {"id": lead_id, "reference": f"L-{lead_id}", "client": org.client_a.pk, "status": "new",
                      "assignee_name": "Sophie Martin", "team_name": "Commerciaux Lille",
                      "status_changed_at": status["status_changed_at"], "created_at": status["created_at"],
                      "outcome": None}  # fmt: skip
    assert api_as(org.reception_b).get(f"{URL}{lead_id}/status/").status_code == 404
    # Comments and history are content too.
    for path in ("comments/", "history/"):
        assert api_as(org.reception_a).get(f"{URL}{lead_id}/{path}").status_code == 404
    # The client's managers read it; so does its holder.
    assert _ok(api_as(org.manager_a).get(f"{URL}{lead_id}/"))["subject"] == "Wants fibre for 3 sites"
    assert lead_id in _ids(api_as(org.manager_a).get(URL))


def test_a_creator_who_may_read_the_lead_gets_its_content(org, wf, api_as):
    created = _ok(_create(api_as, org, user=org.sales_a), 201)
    assert set(created) >= CONTENT
    assert (created["assignee"], created["allowed_actions"]) == (
        org.sales_a.pk, ["accept", "lost", "requalify", "reassign", "comment"],
    )  # fmt: skip


def test_bad_input_and_out_of_scope_clients(org, wf, api_as):
    assert _create(api_as, org, subject="").status_code == 400
    assert "product" in _create(api_as, org, product=999999).json()
    assert _create(api_as, org, user=org.reception_b).status_code == 404
    assert not Lead.objects.exists()


def test_won_lifecycle_through_the_api(org, wf, api_as):
    lead_id = _ok(_create(api_as, org), 201)["id"]
    sales = org.sales_a
    refused = _post(api_as, sales, lead_id, "accept", {"potential_amount": "-3", "probability": 140})
    assert refused.status_code == 400 and {"potential_amount", "probability"} <= set(refused.json())
    accepted = _ok(_post(api_as, sales, lead_id, "accept", {"potential_amount": "15000.50", "probability": 60}))
    assert (accepted["status"], accepted["potential_amount"], accepted["probability"]) == ("accepted", "15000.50", 60)
    assert _ok(_post(api_as, sales, lead_id, "start"))["status"] == "in_progress"
    assert _ok(_post(api_as, sales, lead_id, "comment", {"body": "Quote sent"}))["status"] == "in_progress"
    won = _ok(_post(api_as, sales, lead_id, "won", {"amount": "14000", "product": ProductFactory().pk}))
    assert (won["status"], won["potential_amount"], won["allowed_actions"]) == ("won", "14000.00", [])

    assert _ok(api_as(org.reception_a).get(f"{URL}{lead_id}/status/"))["outcome"] == "won"
    assert [c["body"] for c in _ok(api_as(sales).get(f"{URL}{lead_id}/comments/"))["results"]] == ["Quote sent"]
    history = _ok(api_as(sales).get(f"{URL}{lead_id}/history/"))["results"]
    assert [event["action"] for event in history] == [
        f"workflow.lead.{a}" for a in ("created", "accepted", "started", "commented", "won")
    ]
    assert history[0]["actor_name"] == str(org.reception_a)


def test_lost_lifecycle_needs_a_reason(org, wf, api_as):
    lead_id = _ok(_create(api_as, org), 201)["id"]
    _ok(_post(api_as, org.sales_a, lead_id, "accept", {"potential_amount": "500", "probability": 20}))
    assert "reason" in _post(api_as, org.sales_a, lead_id, "lost", {"reason": " "}).json()
    lost = _ok(_post(api_as, org.sales_a, lead_id, "lost", {"reason": "Budget frozen"}))
    assert (lost["status"], lost["status_reason"]) == ("lost", "Budget frozen")
    assert _ok(api_as(org.reception_a).get(f"{URL}{lead_id}/status/"))["outcome"] == "lost"


def test_a_manager_reassigns_a_lead_and_a_salesperson_may_not(org, wf, api_as):
    lead_id = _ok(_create(api_as, org), 201)["id"]
    assert _post(api_as, org.sales_a, lead_id, "reassign", {"assignee": org.sales_a2.pk}).status_code == 403
    bad = _post(api_as, org.manager_a, lead_id, "reassign", {"assignee": org.billing_north.pk})
    assert bad.status_code == 400 and "assignee" in bad.json()
    moved = _ok(_post(api_as, org.manager_a, lead_id, "reassign", {"assignee": org.sales_a2.pk, "reason": "Away"}))
    assert (moved["assignee"], moved["status"]) == (org.sales_a2.pk, "new")
    assert "Reassigned by" in moved["routing_reason"]
    assert _ids(api_as(org.sales_a2).get(URL)) == [lead_id]
    assert api_as(org.sales_a).get(f"{URL}{lead_id}/").status_code == 404
    again = _post(api_as, org.manager_a, lead_id, "reassign", {"assignee": org.sales_a2.pk})
    assert again.status_code == 409 and again.json()["status"] == "new"


def test_the_inbox_shows_open_leads_unless_a_status_is_asked(org, wf, api_as):
    first = _ok(_create(api_as, org, subject="First"), 201)["id"]
    second = _ok(_create(api_as, org, subject="Second"), 201)["id"]
    _ok(_post(api_as, org.sales_a, first, "accept", {"potential_amount": "10", "probability": 5}))
    third = _ok(_create(api_as, org, subject="Third"), 201)["id"]
    _ok(_post(api_as, org.sales_a, third, "lost", {"reason": "Duplicate"}))
    sales = api_as(org.sales_a)
    assert _ids(sales.get(URL)) == [second, first]  # new first, then oldest first
    assert _ids(sales.get(URL, {"status": "lost"})) == [third]
    assert "status" in sales.get(URL, {"status": "closed"}).json()


# --- Requalification both ways keeps the lineage ---------------------------------------------------------


def test_a_lead_requalified_into_a_request_and_back_stays_linked_and_traced(org, wf, api_as):
    lead_id = _ok(_create(api_as, org, subject="Wants a discount"), 201)["id"]
    missing = _post(api_as, org.sales_a, lead_id, "requalify", {"reason": "A billing matter", "category": "billing"})
    assert missing.status_code == 400 and "invoice_number" in missing.json()["fields"]

    lead = _ok(_post(api_as, org.sales_a, lead_id, "requalify",
                     {"reason": "Not a lead: a fault", "category": "fault"}))  # fmt: skip
    request_id = lead["requalified_to"]
    assert (lead["status"], lead["status_reason"], lead["not_a_lead"]) == ("requalified", "Not a lead: a fault", True)
    request = _ok(api_as(org.after_sales_north).get(f"/api/v1/service-requests/{request_id}/"))
    assert (request["requalified_from"], request["category"], request["team"]) == (
        lead_id, "fault", org.after_sales_team_north.pk,
    )  # fmt: skip
    assert request["sender"] == org.reception_a.pk  # the lead's sender stays the request's sender
    assert _ok(api_as(org.reception_a).get(f"{URL}{lead_id}/status/"))["outcome"] == "requalified"

    back = _ok(api_as(org.after_sales_north).post(f"/api/v1/service-requests/{request_id}/requalify/",
                                                  {"reason": "They want the new offer after all"},
                                                  format="json"))  # fmt: skip
    new_lead_id = back["requalified_to"]
    assert (back["status"], back["status_reason"]) == ("requalified", "They want the new offer after all")
    new_lead = _ok(api_as(org.sales_a).get(f"{URL}{new_lead_id}/"))
    assert (new_lead["requalified_from"], new_lead["status"], new_lead["assignee"]) == (
        request_id,
        "new",
        org.sales_a.pk,
    )

    chain = _ok(api_as(org.manager_a).get("/api/v1/trace/", {"client": org.client_a.pk}))["results"]
    steps = {(event["object_type"], event["object_id"], event["action"]) for event in chain}
    assert {("workflow.lead", str(lead_id), "workflow.lead.requalified"),
            ("workflow.servicerequest", str(request_id), "workflow.request.created"),
            ("workflow.servicerequest", str(request_id), "workflow.request.requalified"),
            ("workflow.lead", str(new_lead_id), "workflow.lead.created")} <= steps  # fmt: skip
    requalified = next(e for e in chain if e["action"] == "workflow.lead.requalified")
    assert requalified["payload"]["request"] == request_id


# --- Every action refused in every state it does not apply to: 409 with the current status -------------


def _lead_in(org, status: str) -> Lead:
    lead = services.lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre")
    sales, pk = org.sales_a, lead.pk
    if status in ("accepted", "in_progress", "won"):
        services.lead_accept(lead_id=pk, user=sales, potential_amount="100", probability=50)
    if status == "in_progress":
        services.lead_start(lead_id=pk, user=sales)
    if status == "won":
        services.lead_won(lead_id=pk, user=sales, product_id=ProductFactory().pk)
    if status == "lost":
        services.lead_lost(lead_id=pk, user=sales, reason="No budget")
    if status == "requalified":
        services.lead_requalify(lead_id=pk, user=sales, reason="A fault", category="fault")
    lead.refresh_from_db()
    assert lead.status == status
    return lead


BODIES = {
    "accept": {"potential_amount": "100", "probability": 50},
    "requalify": {"reason": "A fault", "category": "fault"},
    "lost": {"reason": "No budget"},
    "comment": {"body": "A note"},
}


@pytest.mark.parametrize("status", ["new", "accepted", "in_progress", "won", "lost", "requalified"])
def test_an_action_the_status_does_not_allow_answers_409_with_the_status(org, wf, api_as, status):
    lead = _lead_in(org, status)
    refused = [action for action, (allowed_from, _to) in LEAD_TRANSITIONS.items() if status not in allowed_from]
    assert refused
    for action in refused:
        # The holder (or, to reassign, a manager) may act in other states: only the state stands in the way.
        if action == "reassign":
            response = _post(api_as, org.manager_a, lead.pk, action, {"assignee": org.sales_a2.pk})
        else:
            response = _post(api_as, org.sales_a, lead.pk, action, BODIES.get(action))
        assert response.status_code == 409, (action, response.content)
        assert response.json()["status"] == status and response.json()["detail"], action
    assert Lead.objects.get(pk=lead.pk).status == status


def test_the_inbox_costs_the_same_queries_whatever_its_length(org, wf, queries_of_list):
    def add_leads(n):
        for i in range(n):
            lead = services.lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject=f"Lead {i}")
            if i % 2:
                services.lead_reassign(lead_id=lead.pk, actor=org.manager_a, assignee_id=org.sales_a2.pk)

    add_leads(2)
    small = queries_of_list(org.manager_a, URL), queries_of_list(org.sales_a, URL)
    add_leads(6)
    assert (queries_of_list(org.manager_a, URL), queries_of_list(org.sales_a, URL)) == small
