"""The workflow lists cost the same number of queries for a few rows or many (no N+1)."""

from django.urls import reverse

from tests.factories import ClientFactory, make_member
from workflow.models import Notification
from workflow.services import (
    lead_accept,
    lead_create,
    service_request_claim,
    service_request_create,
    service_request_transfer,
)


def _same_cost(page_as, queries_of, user, url, add, **headers):
    client = page_as(user)
    add()
    assert client.get(url, **headers).status_code == 200  # warm the per-process caches
    few = queries_of(lambda: client.get(url, **headers))
    for _ in range(4):
        add()
    many = queries_of(lambda: client.get(url, **headers))
    return few, many


def _work_for_client_a(org):
    """A request claimed by someone new, one transferred, and a lead accepted: varied rows, same shape."""
    claimer = make_member(team=org.billing_team_north)
    first = service_request_create(sender=org.reception_a, client_id=org.client_a.pk, category="billing",
                                   subject="Invoice", fields={"invoice_number": "F-1"}, confirm=True,
                                   reason="Another invoice")  # fmt: skip
    service_request_claim(request_id=first.pk, user=claimer)
    second = service_request_create(sender=org.reception_a, client_id=org.client_a.pk, category="billing",
                                    subject="Another", fields={"invoice_number": "F-2"}, confirm=True,
                                    reason="Another invoice")  # fmt: skip
    service_request_transfer(request_id=second.pk, user=claimer, team_id=org.after_sales_team_north.pk,
                             reason="A fault")  # fmt: skip
    lead = lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre")
    lead_accept(lead_id=lead.pk, user=org.sales_a, potential_amount="1000", probability=30)
    lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Mobiles")


def test_the_queue(page_as, org, wf, queries_of):
    def add():
        _work_for_client_a(org)
        other = ClientFactory(agency=org.agency_b)
        service_request_create(sender=org.reception_b, client_id=other.pk, category="billing", subject="Invoice",
                               fields={"invoice_number": "F-3"})  # fmt: skip

    few, many = _same_cost(page_as, queries_of, org.billing_north, reverse("workflow:queue"), add)
    assert many == few


def test_the_inbox_of_a_salesperson_and_of_a_manager(page_as, org, wf, queries_of):
    for user in (org.sales_a, org.manager_a):
        few, many = _same_cost(page_as, queries_of, user, reverse("workflow:inbox"), lambda: _work_for_client_a(org))
        assert many == few, user


def test_the_client_follow_up_and_history(page_as, org, wf, queries_of):
    for url in (reverse("workflow:client-work", args=[org.client_a.pk]),
                reverse("workflow:client-history", args=[org.client_a.pk])):  # fmt: skip
        few, many = _same_cost(page_as, queries_of, org.reception_a, url, lambda: _work_for_client_a(org),
                               HTTP_HX_REQUEST="true")  # fmt: skip
        assert many == few, url


def test_the_notifications_page(page_as, org, wf, queries_of):
    lead = lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre")

    def add():
        for verb in ("created", "reassigned", "commented"):
            Notification.objects.create(recipient=org.sales_a, key=f"{verb}:{Notification.objects.count()}",
                                        verb=verb, item_kind="lead", item_id=lead.pk, client_id=lead.client_id)  # fmt: skip

    few, many = _same_cost(page_as, queries_of, org.sales_a, reverse("workflow:notifications"), add)
    assert many == few
    bell = page_as(org.sales_a)
    assert queries_of(lambda: bell.get(reverse("workflow:notification-bell"))) <= 4  # session, user, the count
