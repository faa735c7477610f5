"""Where a request may be transferred (issue 7 finding 2, issue 8 item 10): only to an active team that
handles its category and covers the client's agency; the category may be corrected on the way.

In the fixtures, billing is handled by billing teams and by after-sales (`wf`); Amiens' client is in
the north, covered by the north's billing and after-sales teams.
"""

import pytest
from django.urls import reverse

from accounts.models import Team
from common.errors import InvalidInput, PermissionDenied
from tests.factories import make_member, make_team
from trace.models import TraceEvent
from workflow import services
from workflow.models import ServiceRequest


def _billing_request_for(org, client):
    sender = org.reception_a if client.agency == org.agency_a else org.reception_b
    return services.service_request_create(sender=sender, client_id=client.pk, category="billing",
                                           subject="Invoice too high", fields={"invoice_number": "F-1"})  # fmt: skip


def _transfer(org, request, team, **extra):
    return services.service_request_transfer(request_id=request.pk, user=org.billing_north, team_id=team.pk,
                                             reason="Not ours", **extra)  # fmt: skip


def test_finding_02_another_regions_team_or_a_team_that_does_not_handle_the_category_is_refused_naming_why(org, wf):
    request = _billing_request_for(org, org.client_b)  # Amiens, north
    billing_south = make_team(kind="billing", region=org.south, name="Facturation Sud")
    marketing = make_team(kind="marketing", name="Marketing national")

    with pytest.raises(InvalidInput) as elsewhere:
        _transfer(org, request, billing_south)
    assert "does not cover the agency of Garage Lefèvre" in elsewhere.value.fields["team"][0]
    with pytest.raises(InvalidInput) as wrong_trade:
        _transfer(org, request, marketing)
    assert "does not handle “Billing question” requests" in wrong_trade.value.fields["team"][0]
    with pytest.raises(InvalidInput) as unknown:
        services.service_request_transfer(request_id=request.pk, user=org.billing_north, team_id=999999,
                                          reason="Not ours")  # fmt: skip
    assert unknown.value.fields["team"] == ["Choose an active team."]

    request.refresh_from_db()
    assert (request.team, request.transfer_count) == (org.billing_team_north, 0)
    assert not TraceEvent.objects.filter(action="workflow.request.transferred").exists()


def test_finding_02_a_closed_team_is_refused(org, wf):
    request = _billing_request_for(org, org.client_a)
    Team.objects.filter(pk=org.after_sales_team_north.pk).update(is_active=False)  # closed since
    with pytest.raises(InvalidInput) as closed:
        _transfer(org, request, org.after_sales_team_north)
    assert closed.value.fields["team"] == ["Choose an active team."]


def test_finding_02_a_team_that_handles_the_category_and_covers_the_client_takes_it(org, wf):
    request = _billing_request_for(org, org.client_b)
    moved = _transfer(org, request, org.after_sales_team_north)
    assert (moved.team, moved.status, moved.transfer_count) == (org.after_sales_team_north, "new", 1)
    assert services.service_request_transfer_targets(user=org.after_sales_north, request_id=request.pk) == [
        org.billing_team_north
    ]


def test_a_transfer_may_correct_the_category_and_the_team_must_handle_the_new_one(org, wf):
    """A billing request that was a fault: fault is after-sales' only, and its due times follow the new targets."""
    request = _billing_request_for(org, org.client_a)
    moved = _transfer(org, request, org.after_sales_team_north, category="fault")

    assert (moved.category, moved.team) == (wf.fault, org.after_sales_team_north)
    assert moved.fields == {"invoice_number": "F-1"}  # kept: what the client said stays on the file
    event = TraceEvent.objects.get(action="workflow.request.transferred", object_id=str(request.pk))
    assert (event.payload["from_category"], event.payload["to_category"]) == ("billing", "fault")
    # Fault's targets (2 and 24 business hours) counted from the creation, not billing's (4 and 48).
    assert moved.response_due_at < ServiceRequest.objects.get(pk=request.pk).resolution_due_at
    with pytest.raises(InvalidInput) as not_handled:
        services.service_request_transfer(request_id=request.pk, user=org.after_sales_north,
                                          team_id=org.billing_team_north.pk, reason="Back", category="fault")  # fmt: skip
    assert "does not handle “Fault” requests" in not_handled.value.fields["team"][0]


def test_the_new_categorys_fields_are_checked_on_a_transfer(org, wf):
    wf.fault.required_fields = ["line_number"]
    wf.fault.save()
    request = _billing_request_for(org, org.client_a)
    with pytest.raises(InvalidInput) as missing:
        _transfer(org, request, org.after_sales_team_north, category="fault")
    assert "line_number" in missing.value.fields["fields"]
    moved = _transfer(org, request, org.after_sales_team_north, category="fault", fields={"line_number": "0320"})
    assert moved.fields == {"invoice_number": "F-1", "line_number": "0320"}


def test_only_those_who_may_transfer_see_the_targets(org, wf):
    request = _billing_request_for(org, org.client_a)
    with pytest.raises(PermissionDenied):
        services.service_request_transfer_targets(user=org.reception_a, request_id=request.pk)


def test_finding_02_through_the_api_a_400_names_team_and_the_targets_are_listed(org, wf, api_as):
    request = _billing_request_for(org, org.client_b)
    billing_south = make_team(kind="billing", region=org.south, name="Facturation Sud")
    billing = api_as(org.billing_north)
    url = f"/api/v1/service-requests/{request.pk}/"

    refused = billing.post(f"{url}transfer/", {"team": billing_south.pk, "reason": "South"}, format="json")
    assert refused.status_code == 400 and "does not cover" in refused.json()["team"][0]
    targets = billing.get(f"{url}transfer-targets/")
    assert [team["id"] for team in targets.json()] == [org.after_sales_team_north.pk]
    fault_teams = billing.get(f"{url}transfer-targets/", {"category": "fault"})
    assert [team["id"] for team in fault_teams.json()] == [org.after_sales_team_north.pk]
    assert billing.get(f"{url}transfer-targets/", {"category": "nope"}).status_code == 400
    assert api_as(org.reception_b).get(f"{url}transfer-targets/").status_code == 403  # sees it, may not move it
    assert api_as(org.reception_b).get(f"/api/v1/service-requests/{_billing_request_for(org, org.client_a).pk}/"
                                       "transfer-targets/").status_code == 404  # fmt: skip
    moved = billing.post(f"{url}transfer/", {"team": org.after_sales_team_north.pk, "reason": "A fault",
                                             "category": "fault"}, format="json")  # fmt: skip
    assert moved.status_code == 200 and moved.json()["category"] == "fault"


def test_the_transfer_form_offers_only_the_teams_that_may_take_it(org, wf, page_as):
    request = _billing_request_for(org, org.client_b)
    make_team(kind="billing", region=org.south, name="Facturation Sud")
    make_team(kind="marketing", name="Marketing national")
    billing = page_as(org.billing_north)

    page = billing.get(reverse("workflow:request-detail", args=[request.pk]))
    transfer = next(panel for panel in page.context["panels"] if panel.name == "transfer")
    assert [label for value, label in transfer.form.fields["team"].choices if value] == ["SAV Nord"]
    teams = billing.get(reverse("workflow:request-transfer-teams", args=[request.pk]), {"category": "fault"})
    assert "SAV Nord" in teams.content.decode() and "Facturation" not in teams.content.decode()
    assert billing.get(reverse("workflow:request-transfer-teams", args=[request.pk]),
                       {"category": "billing\x00"}).status_code == 400  # fmt: skip


def test_a_member_of_a_team_that_does_not_handle_the_category_is_not_offered_it(org, wf):
    """A regional billing member sees a fault request of its agency's client, and cannot send it to billing."""
    request = services.service_request_create(sender=org.reception_a, client_id=org.client_a.pk, category="fault",
                                              subject="No dial tone")  # fmt: skip
    lead = make_member(team=org.after_sales_team_north, username="after_sales_lead")
    assert services.service_request_transfer_targets(user=lead, request_id=request.pk) == []


def test_the_transfer_form_brings_the_new_categorys_fields_and_the_page_transfers_with_them(org, wf, page_as):
    wf.fault.required_fields = ["line_number"]
    wf.fault.save()
    request = _billing_request_for(org, org.client_a)
    billing = page_as(org.billing_north)

    teams = billing.get(reverse("workflow:request-transfer-teams", args=[request.pk]), {"category": "fault"})
    assert 'name="field_line_number"' in teams.content.decode() and 'hx-swap-oob="true"' in teams.content.decode()
    missing = billing.post(reverse("workflow:request-action", args=[request.pk, "transfer"]),
                           {"category": "fault", "team": org.after_sales_team_north.pk, "reason": "A fault"})  # fmt: skip
    assert missing.status_code == 400
    transfer = next(panel for panel in missing.context["panels"] if panel.name == "transfer")
    assert transfer.open and transfer.form.errors["field_line_number"]
    moved = billing.post(reverse("workflow:request-action", args=[request.pk, "transfer"]), {
        "category": "fault", "team": org.after_sales_team_north.pk, "reason": "A fault", "field_line_number": "0320",
    })  # fmt: skip
    assert moved.status_code == 302
    request.refresh_from_db()
    assert (request.category, request.team, request.fields["line_number"]) == (
        wf.fault, org.after_sales_team_north, "0320",
    )  # fmt: skip
