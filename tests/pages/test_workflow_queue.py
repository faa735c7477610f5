"""The back-office queue and a service request's page: claim, work, resolve; conflicts said plainly."""

from django.urls import reverse

from tests.factories import make_member
from workflow.models import ServiceRequest
from workflow.services import service_request_create


def _billing_request(org, subject="Invoice too high", **overrides):
    # Several per client: each confirmed as a matter of its own (one open matter per category, issue 8).
    data = {"sender": org.reception_a, "client_id": org.client_a.pk, "category": "billing", "subject": subject,
            "fields": {"invoice_number": "F-2026-001"}, "confirm": True, "reason": "Another invoice"}  # fmt: skip
    return service_request_create(**{**data, **overrides})


def _action(client, request, action, data=None, **headers):
    return client.post(reverse("workflow:request-action", args=[request.pk, action]), data or {}, **headers)


def test_the_billing_agent_sees_the_request_in_the_queue_with_why_and_when(page_as, org, wf):
    request = _billing_request(org)

    response = page_as(org.billing_north).get(reverse("workflow:queue"))

    assert response.status_code == 200
    assert [r.pk for r in response.context["rows"]] == [request.pk]
    page = response.content.decode()
    assert "Invoice too high" in page and "Boulangerie Dupont" in page
    assert "Billing to billing" in page  # the routing reason, in words
    assert reverse("workflow:request-action", args=[request.pk, "claim"]) in page
    assert page_as(org.after_sales_north).get(reverse("workflow:queue")).context["rows"] == []


def test_the_queue_puts_unclaimed_first_and_filters_mine_and_unassigned(page_as, org, wf):
    older = _billing_request(org, subject="Older")
    newer = _billing_request(org, subject="Newer")
    client = page_as(org.billing_north)
    _action(client, older, "claim")

    assert [r.pk for r in client.get(reverse("workflow:queue")).context["rows"]] == [newer.pk, older.pk]
    assert [r.pk for r in client.get(reverse("workflow:queue"), {"assignee": "me"}).context["rows"]] == [older.pk]
    assert [r.pk for r in client.get(reverse("workflow:queue"), {"assignee": "none"}).context["rows"]] == [newer.pk]
    assert client.get(reverse("workflow:queue"), {"category": "fault"}).context["rows"] == []
    assert client.get(reverse("workflow:queue"), {"team": org.after_sales_team_north.pk}).status_code == 404


def test_claim_from_the_queue_swaps_the_row_then_resolve_from_the_request_page(page_as, org, wf):
    request = _billing_request(org)
    client = page_as(org.billing_north)

    claimed = _action(client, request, "claim", {"return": "row"}, HTTP_HX_REQUEST="true")

    assert claimed.status_code == 200
    row = claimed.content.decode()
    assert row.lstrip().startswith(f'<tr id="request-{request.pk}"')
    assert "Assigned" in row and "claim/" not in row
    request.refresh_from_db()
    assert (request.status, request.assignee) == ("assigned", org.billing_north)

    detail = client.get(reverse("workflow:request-detail", args=[request.pk])).content.decode()
    assert reverse("workflow:request-action", args=[request.pk, "resolve"]) in detail
    resolved = _action(client, request, "resolve", {"resolution": "Credit note sent"})
    assert resolved.status_code == 302 and resolved.url == reverse("workflow:request-detail", args=[request.pk])
    request.refresh_from_db()
    assert (request.status, request.resolution) == ("resolved", "Credit note sent")
    page = client.get(resolved.url).content.decode()
    assert "Service request resolved" in page and "Credit note sent" in page  # history and resolution


def test_a_second_claim_is_a_conflict_naming_who_holds_it(page_as, org, wf):
    request = _billing_request(org)
    colleague = make_member(team=org.billing_team_north, username="billing_north2")
    _action(page_as(org.billing_north), request, "claim")

    in_queue = _action(page_as(colleague), request, "claim", {"return": "row"}, HTTP_HX_REQUEST="true")
    assert in_queue.status_code == 409
    assert "Already claimed by" in in_queue.content.decode() and str(org.billing_north) in in_queue.content.decode()

    # From the request's page: back to it with the message (post, redirect, get), so a reload is harmless.
    on_page = _action(page_as(colleague), request, "claim")
    assert on_page.status_code == 302 and on_page.url == reverse("workflow:request-detail", args=[request.pk])
    assert "Already claimed by" in page_as(colleague).get(on_page.url).content.decode()
    request.refresh_from_db()
    assert request.assignee == org.billing_north


def test_resolving_without_a_resolution_shows_the_error_on_the_open_form(page_as, org, wf):
    request = _billing_request(org)
    client = page_as(org.billing_north)
    _action(client, request, "claim")

    response = _action(client, request, "resolve", {"resolution": ""})

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="action-resolve" open' in page and "is-invalid" in page
    request.refresh_from_db()
    assert request.status == "assigned"


def test_not_allowed_is_403_and_out_of_scope_is_404(page_as, org, wf):
    request = _billing_request(org)
    assert _action(page_as(org.reception_a), request, "resolve", {"resolution": "Done"}).status_code == 403
    assert _action(page_as(org.after_sales_north), request, "claim").status_code == 403  # sees it, not its team
    assert page_as(org.reception_b).get(reverse("workflow:request-detail", args=[request.pk])).status_code == 404
    assert page_as(org.outsider).get(reverse("workflow:request-detail", args=[request.pk])).status_code == 404
    assert _action(page_as(org.billing_north), request, "fly").status_code == 404
    request.refresh_from_db()
    assert request.status == "new"


def test_the_request_page_offers_only_what_the_person_may_do(page_as, org, wf):
    request = _billing_request(org)
    url = reverse("workflow:request-detail", args=[request.pk])

    for_billing = page_as(org.billing_north).get(url).context["panels"]
    for_sender = page_as(org.reception_a).get(url).context["panels"]

    assert {"claim", "transfer", "requalify", "comment"} <= {p.name for p in for_billing}
    assert "claim" not in {p.name for p in for_sender} and "cancel" in {p.name for p in for_sender}


def test_a_transfer_sends_it_to_the_other_queue_with_the_reason_in_words(page_as, org, wf):
    request = _billing_request(org)
    client = page_as(org.billing_north)

    response = _action(client, request, "transfer", {"team": org.after_sales_team_north.pk, "reason": "A fault"})

    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.team, request.transfer_count) == (org.after_sales_team_north, 1)
    queue = page_as(org.after_sales_north).get(reverse("workflow:queue")).content.decode()
    assert "Transferred by" in queue and "A fault" in queue


def test_the_sender_cancels_with_a_reason_and_the_client_follow_up_shows_it(page_as, org, wf):
    request = _billing_request(org)
    client = page_as(org.reception_a)

    assert _action(client, request, "cancel", {"reason": "Duplicate"}).status_code == 302

    assert ServiceRequest.objects.get().status == "cancelled"
    work = client.get(reverse("workflow:client-work", args=[org.client_a.pk]), HTTP_HX_REQUEST="true")
    assert "Cancelled" in work.content.decode()
