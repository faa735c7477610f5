"""The salesperson's inbox and a lead's page: accept, work, requalify, and the manager's reassign."""

from django.urls import reverse

from tests.factories import ProductFactory
from workflow.models import Lead, ServiceRequest
from workflow.services import lead_create, service_request_create


def _lead(org, subject="Wants fibre for 3 sites"):
    return lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject=subject)


def _action(client, lead, action, data=None, **headers):
    return client.post(reverse("workflow:lead-action", args=[lead.pk, action]), data or {}, **headers)


def test_the_lead_shows_in_the_salespersons_inbox_and_its_page_says_why(page_as, org, wf):
    lead = _lead(org)
    client = page_as(org.sales_a)

    inbox = client.get(reverse("workflow:inbox"))

    assert [row.pk for row in inbox.context["rows"]] == [lead.pk]
    assert "Wants fibre for 3 sites" in inbox.content.decode()
    detail = client.get(reverse("workflow:lead-detail", args=[lead.pk]))
    assert detail.status_code == 200
    assert "the account owner, Sophie Martin" in detail.content.decode()  # the routing reason in words
    assert page_as(org.sales_a2).get(reverse("workflow:inbox")).context["rows"] == []


def test_the_lead_is_confidential_its_status_is_not(page_as, org, wf):
    lead = _lead(org)
    detail, status = reverse("workflow:lead-detail", args=[lead.pk]), reverse("workflow:lead-status", args=[lead.pk])

    assert page_as(org.sales_a2).get(detail).status_code == 404
    assert page_as(org.reception_a).get(detail).status_code == 404
    assert page_as(org.reception_a).get(status).status_code == 200
    assert page_as(org.reception_b).get(status).status_code == 404
    assert _action(
        page_as(org.sales_a2), lead, "accept", {"potential_amount": "1", "probability": "5"}
    ).status_code == (404)


def test_the_new_first_inbox_accepts_in_place_and_refuses_a_bad_probability(page_as, org, wf):
    lead = _lead(org)
    client = page_as(org.sales_a)

    refused = _action(client, lead, "accept", {"potential_amount": "12000", "probability": "140", "return": "row"},
                      HTTP_HX_REQUEST="true")  # fmt: skip
    assert refused.status_code == 400
    assert "is-invalid" in refused.content.decode() and 'value="12000"' in refused.content.decode()

    accepted = _action(client, lead, "accept", {"potential_amount": "12000", "probability": "40", "return": "row"},
                       HTTP_HX_REQUEST="true")  # fmt: skip
    assert accepted.status_code == 200
    assert accepted.content.decode().lstrip().startswith(f'<tr id="lead-{lead.pk}"')
    assert "Accepted" in accepted.content.decode()
    lead.refresh_from_db()
    assert (lead.status, lead.probability, str(lead.potential_amount)) == ("accepted", 40, "12000.00")


def test_working_a_lead_to_won_from_its_page(page_as, org, wf):
    lead = _lead(org)
    client = page_as(org.sales_a)
    _action(client, lead, "accept", {"potential_amount": "5000", "probability": "50"})
    assert _action(client, lead, "start").status_code == 302

    won = _action(client, lead, "won", {"amount": "4500", "product": ProductFactory().pk})

    assert won.status_code == 302
    lead.refresh_from_db()
    assert (lead.status, str(lead.potential_amount)) == ("won", "4500.00")
    assert "Lead won" in client.get(won.url).content.decode()
    refused = _action(client, lead, "lost", {"reason": "late"})  # already won: back to its page, with why
    assert refused.status_code == 302 and refused.url == reverse("workflow:lead-detail", args=[lead.pk])
    assert "its status is “Won”" in client.get(refused.url).content.decode()
    reception_view = page_as(org.reception_a).get(reverse("workflow:lead-status", args=[lead.pk])).content.decode()
    assert "Won" in reception_view and "4500" not in reception_view


def test_a_request_requalified_as_a_lead_keeps_both_linked(page_as, org, wf):
    request = service_request_create(sender=org.reception_a, client_id=org.client_a.pk, category="billing",
                                     subject="Wants a new line", fields={"invoice_number": "F-1"})  # fmt: skip
    billing = page_as(org.billing_north)

    response = billing.post(reverse("workflow:request-action", args=[request.pk, "requalify"]),
                            {"reason": "A sales matter", "subject": "", "product": ""})  # fmt: skip

    assert response.status_code == 302
    lead = Lead.objects.get()
    assert (lead.requalified_from, lead.assignee) == (request, org.sales_a)
    request_page = billing.get(reverse("workflow:request-detail", args=[request.pk])).content.decode()
    assert "Requalified as the lead" in request_page
    assert reverse("workflow:lead-status", args=[lead.pk]) in request_page  # billing follows it, cannot read it
    lead_page = page_as(org.sales_a).get(reverse("workflow:lead-detail", args=[lead.pk])).content.decode()
    assert "Requalified from the service request" in lead_page
    assert reverse("workflow:request-detail", args=[request.pk]) in lead_page


def test_a_lead_requalified_as_a_request_asks_for_the_categorys_fields_and_keeps_both_linked(page_as, org, wf):
    lead = _lead(org, subject="Invoice question really")
    sales = page_as(org.sales_a)
    url = reverse("workflow:lead-action", args=[lead.pk, "requalify"])

    missing = sales.post(url, {"reason": "Not a lead", "category": "billing", "subject": ""})
    assert missing.status_code == 400
    requalify = next(panel for panel in missing.context["panels"] if panel.name == "requalify")
    assert requalify.open and requalify.form.errors["field_invoice_number"]
    assert 'name="field_invoice_number"' in missing.content.decode()
    assert not ServiceRequest.objects.exists()

    done = sales.post(url, {"reason": "Not a lead", "category": "billing", "subject": "",
                            "field_invoice_number": "F-77"})  # fmt: skip

    assert done.status_code == 302
    request = ServiceRequest.objects.get()
    assert (request.requalified_from, request.fields, request.team) == (
        lead, {"invoice_number": "F-77"}, org.billing_team_north
    )  # fmt: skip
    lead.refresh_from_db()
    assert (lead.status, lead.not_a_lead) == ("requalified", True)
    lead_page = sales.get(reverse("workflow:lead-detail", args=[lead.pk])).content.decode()
    assert "Requalified as the service request" in lead_page
    assert reverse("workflow:request-detail", args=[request.pk]) in lead_page
    request_page = sales.get(reverse("workflow:request-detail", args=[request.pk])).content.decode()
    assert "Requalified from the lead" in request_page
    assert reverse("workflow:lead-detail", args=[lead.pk]) in request_page


def test_the_manager_reassigns_a_lead_to_another_salesperson_of_the_agency(page_as, org, wf):
    lead = _lead(org)
    manager = page_as(org.manager_a)

    detail = manager.get(reverse("workflow:lead-detail", args=[lead.pk]))
    reassign = next(panel for panel in detail.context["panels"] if panel.name == "reassign")
    offered = {value for value, _label in reassign.form.fields["assignee"].choices if value}
    assert org.sales_a2.pk in offered and org.sales_a.pk not in offered  # not the current holder
    assert org.reception_a.pk not in offered and org.billing_north.pk not in offered

    response = _action(manager, lead, "reassign", {"assignee": org.sales_a2.pk, "reason": "Sophie is away"})

    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.assignee, lead.reassign_count) == (org.sales_a2, 1)
    assert [row.pk for row in page_as(org.sales_a2).get(reverse("workflow:inbox")).context["rows"]] == [lead.pk]
    assert page_as(org.sales_a).get(reverse("workflow:lead-detail", args=[lead.pk])).status_code == 404


def test_the_managers_inbox_is_the_scopes_open_leads_with_a_reassign_select(page_as, org, wf):
    lead = _lead(org)
    inbox = page_as(org.manager_a).get(reverse("workflow:inbox"))
    assert [row.pk for row in inbox.context["rows"]] == [lead.pk]
    assert reverse("workflow:lead-action", args=[lead.pk, "reassign"]) in inbox.content.decode()
    assert _action(page_as(org.sales_a), lead, "reassign", {"assignee": org.sales_a2.pk}).status_code == 403
