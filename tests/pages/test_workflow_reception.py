"""Reception on the client 360: sending a service request or a lead, and following them afterwards."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from workflow.hours import public_holiday_name
from workflow.models import Lead, ServiceRequest


def next_weekday(weekday: int) -> str:
    """The next such weekday (Monday is 0), two days ahead at least and no public holiday, as the form types it."""
    day = timezone.localdate() + timedelta(days=2)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    while public_holiday_name(day):
        day += timedelta(days=7)
    return day.isoformat()


def _post_billing_request(client, org, **overrides):
    data = {"category": "billing", "subject": "Invoice too high", "description": "Charged twice in March",
            "field_invoice_number": "F-2026-001", "callback_after": "", "callback_before": ""}  # fmt: skip
    return client.post(reverse("workflow:request-create", args=[org.client_a.pk]), {**data, **overrides})


def _post_lead(client, org, **overrides):
    data = {"subject": "Wants fibre for 3 sites", "description": "Moving in June", "product": ""}
    return client.post(reverse("workflow:lead-create", args=[org.client_a.pk]), {**data, **overrides})


def _work(client, org, crm_client=None):
    """The follow-up the 360 loads into its slot."""
    crm_client = crm_client or org.client_a
    return client.get(reverse("workflow:client-work", args=[crm_client.pk]), HTTP_HX_REQUEST="true")


def test_the_360_loads_the_follow_up_with_buttons_to_send_work(page_as, org, wf):
    client = page_as(org.reception_a)
    page = client.get(reverse("crm:client_detail", args=[org.client_a.pk])).content.decode()
    assert reverse("workflow:client-work", args=[org.client_a.pk]) in page

    work = _work(client, org).content.decode()
    assert reverse("workflow:request-create", args=[org.client_a.pk]) in work
    assert reverse("workflow:lead-create", args=[org.client_a.pk]) in work
    assert "<html" not in work  # a fragment for the slot


def test_the_request_form_asks_for_the_chosen_categorys_fields(page_as, org, wf):
    client = page_as(org.reception_a)
    form = client.get(reverse("workflow:request-create", args=[org.client_a.pk]))
    assert form.status_code == 200
    assert 'hx-get="/work/category-fields/"' in form.content.decode()

    fields = client.get(
        reverse("workflow:category-fields"), {"category": "billing", "form": ""}, HTTP_HX_REQUEST="true"
    )
    assert 'name="field_invoice_number"' in fields.content.decode()
    assert "Invoice number" in fields.content.decode()
    none = client.get(reverse("workflow:category-fields"), {"category": "fault"}, HTTP_HX_REQUEST="true")
    assert "field_" not in none.content.decode()


def test_reception_sends_a_billing_request_that_lands_in_the_billing_queue(page_as, org, wf):
    client = page_as(org.reception_a)

    tuesday = next_weekday(1)  # a morning the agency is open, within the callback bounds
    response = _post_billing_request(client, org, callback_after=f"{tuesday}T09:00", callback_before=f"{tuesday}T12:00")

    request = ServiceRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("workflow:request-detail", args=[request.pk])
    assert (request.sender, request.team, request.fields) == (
        org.reception_a, org.billing_team_north, {"invoice_number": "F-2026-001"}
    )  # fmt: skip
    assert request.callback_after is not None and request.callback_before is not None
    detail = client.get(response.url).content.decode()
    assert "Invoice too high" in detail and "F-2026-001" in detail and "Billing to billing" in detail


def test_a_missing_invoice_number_is_shown_on_its_input_and_nothing_is_sent(page_as, org, wf):
    response = _post_billing_request(page_as(org.reception_a), org, field_invoice_number="  ")

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["field_invoice_number"]
    page = response.content.decode()
    assert 'name="field_invoice_number"' in page and "is-invalid" in page
    assert "required for the category" in page
    assert not ServiceRequest.objects.exists()


def test_a_callback_window_that_ends_before_it_starts_is_refused_on_its_input(page_as, org, wf):
    response = _post_lead(page_as(org.reception_a), org, callback_after=f"{next_weekday(1)}T12:00",
                          callback_before=f"{next_weekday(1)}T09:00")  # fmt: skip
    assert response.status_code == 400
    assert response.context["form"].errors["callback_before"]
    assert not Lead.objects.exists()


def test_reception_sends_a_lead_to_the_account_owner_and_follows_its_status_only(page_as, org, wf):
    client = page_as(org.reception_a)

    response = _post_lead(client, org)

    lead = Lead.objects.get()
    assert response.status_code == 302 and response.url == reverse("crm:client_detail", args=[org.client_a.pk])
    assert (lead.sender, lead.assignee) == (org.reception_a, org.sales_a)
    assert client.get(reverse("workflow:lead-detail", args=[lead.pk])).status_code == 404
    status = client.get(reverse("workflow:lead-status", args=[lead.pk]))
    assert status.status_code == 200
    assert "Sophie Martin" in status.content.decode() and "Wants fibre" not in status.content.decode()
    work = _work(client, org).content.decode()
    assert lead.reference in work and "Sophie Martin" in work
    assert "Wants fibre" not in work


def test_reception_sees_both_statuses_on_the_client_360(page_as, org, wf):
    client = page_as(org.reception_a)
    _post_billing_request(client, org)
    _post_lead(client, org)
    request, lead = ServiceRequest.objects.get(), Lead.objects.get()

    work = _work(client, org)

    page = work.content.decode()
    assert [r.reference for r in work.context["requests"]] == [request.reference]
    assert [le.reference for le in work.context["leads"]] == [lead.reference]
    assert "Invoice too high" in page and "Facturation Nord" in page  # a request is shown in full
    assert reverse("workflow:lead-status", args=[lead.pk]) in page
    assert page.count(">New<") >= 2  # both are new


def test_the_salesperson_reads_the_lead_on_the_follow_up_and_others_out_of_scope_see_nothing(page_as, org, wf):
    _post_lead(page_as(org.reception_a), org)
    lead = Lead.objects.get()

    sales_work = _work(page_as(org.sales_a), org).content.decode()
    assert "Wants fibre" in sales_work and reverse("workflow:lead-detail", args=[lead.pk]) in sales_work
    assert _work(page_as(org.reception_b), org).status_code == 404


def test_only_those_who_may_send_work_get_the_forms(page_as, org, wf):
    marketing = org.outsider
    assert page_as(marketing).get(reverse("workflow:request-create", args=[org.client_a.pk])).status_code == 404
    assert page_as(org.reception_b).post(reverse("workflow:lead-create", args=[org.client_a.pk]),
                                         {"subject": "x"}).status_code == 404  # fmt: skip
    assert not Lead.objects.exists()


def test_the_history_tab_puts_the_clients_trace_into_words_hiding_unreadable_leads(page_as, org, wf):
    reception = page_as(org.reception_a)
    _post_lead(reception, org)
    _post_billing_request(reception, org)
    lead = Lead.objects.get()
    url = reverse("workflow:client-history", args=[org.client_a.pk])

    seen_by_reception = reception.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Lead created" in seen_by_reception and "Service request created" in seen_by_reception
    assert reverse("workflow:lead-status", args=[lead.pk]) in seen_by_reception
    assert f'href="{reverse("workflow:lead-detail", args=[lead.pk])}"' not in seen_by_reception
    assert "held by Sophie Martin" not in seen_by_reception  # no detail of a lead one cannot read
    assert "team Facturation Nord" in seen_by_reception  # a request's details are shown

    seen_by_sales = page_as(org.sales_a).get(url, HTTP_HX_REQUEST="true").content.decode()
    assert f'href="{reverse("workflow:lead-detail", args=[lead.pk])}"' in seen_by_sales
    assert "held by Sophie Martin" in seen_by_sales
