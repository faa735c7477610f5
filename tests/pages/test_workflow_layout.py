"""The workflow pages keep the strict Content Security Policy and the layout's navigation."""

import re

from django.urls import reverse

from workflow.services import lead_create, service_request_create


def _assert_nothing_inline(page: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "inline script"
    assert "<style" not in page and ' style="' not in page, "inline style"
    assert not re.search(r"\son[a-z]+=", page), "inline event handler"


def test_every_workflow_page_is_free_of_inline_code(page_as, org, wf):
    request = service_request_create(sender=org.reception_a, client_id=org.client_a.pk, category="billing",
                                     subject="Invoice", fields={"invoice_number": "F-1"})  # fmt: skip
    lead = lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre")
    pages = [
        (org.reception_a, reverse("workflow:request-create", args=[org.client_a.pk])),
        (org.reception_a, reverse("workflow:lead-create", args=[org.client_a.pk])),
        (org.reception_a, reverse("workflow:client-work", args=[org.client_a.pk])),
        (org.reception_a, reverse("workflow:client-history", args=[org.client_a.pk])),
        (org.reception_a, reverse("workflow:lead-status", args=[lead.pk])),
        (org.billing_north, reverse("workflow:queue")),
        (org.billing_north, reverse("workflow:request-detail", args=[request.pk])),
        (org.sales_a, reverse("workflow:inbox")),
        (org.sales_a, reverse("workflow:lead-detail", args=[lead.pk])),
        (org.manager_a, reverse("workflow:lead-detail", args=[lead.pk])),
        (org.sales_a, reverse("workflow:notifications")),
        (org.admin, reverse("workflow:settings-categories")),
        (org.admin, reverse("workflow:settings-category-create")),
        (org.admin, reverse("workflow:settings-rules")),
        (org.admin, reverse("workflow:settings-rule-edit", args=[wf.lead_to_owner.pk])),
    ]
    for user, url in pages:
        response = page_as(user).get(url)
        assert response.status_code == 200, url
        _assert_nothing_inline(response.content.decode())


def test_the_navigation_leads_each_trade_to_its_screen(page_as, org, wf):
    billing = page_as(org.billing_north).get(reverse("workflow:queue")).content.decode()
    assert f'href="{reverse("workflow:queue")}"' in billing
    sales = page_as(org.sales_a).get(reverse("workflow:inbox")).content.decode()
    assert f'href="{reverse("workflow:inbox")}"' in sales
    admin = page_as(org.admin).get(reverse("workflow:settings-rules")).content.decode()
    assert f'href="{reverse("workflow:settings-categories")}"' in admin
