"""Issue 8, items 1 and 9: each role lands on its work; the manager's overview; lists that search,
sort, export and say how many matched."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ClientFactory, make_member
from workflow.models import Lead, ServiceRequest
from workflow.services import lead_create, service_request_create


def _billing(org, client, subject="Invoice", n=1):
    sender = org.reception_a if client.agency_id == org.agency_a.pk else org.reception_b
    return service_request_create(sender=sender, client_id=client.pk, category="billing", subject=subject,
                                  fields={"invoice_number": f"F-{n}"}, confirm=True, reason="Another")  # fmt: skip


@pytest.mark.parametrize(
    ("persona", "landing"),
    [("reception_a", "crm:console"), ("sales_a", "workflow:inbox"), ("billing_north", "workflow:queue"),
     ("manager_a", "workflow:overview"), ("admin", "accounts:organisation")],
)  # fmt: skip
def test_each_role_lands_on_its_work(page_as, org, persona, landing):
    client = page_as(getattr(org, persona))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse(landing)
    assert client.get(response.url).status_code == 200


def test_telesales_lands_on_its_call_lists_now_campaigns_give_it_its_own(page_as, org):
    """Issue 8 kept telesales on the console "until campaigns give it its own"; issue 9 did (the walk found
    this test still expecting the console after both merged)."""
    from tests.factories import make_team

    telesales = make_member(team=make_team(kind="telesales", region=org.north, name="Télévente Nord"))
    assert page_as(telesales).get(reverse("home")).url == reverse("workflow:call-lists")


def test_the_overview_shows_the_scope_overdue_first_and_only_to_managers(page_as, org, wf):
    late = _billing(org, org.client_a, "Late one", 1)
    fresh = _billing(org, org.client_a, "Fresh one", 2)
    ServiceRequest.objects.filter(pk=late.pk).update(response_due_at=timezone.now() - timedelta(hours=3))
    elsewhere = _billing(org, ClientFactory(agency=org.agency_b), "Amiens matter", 3)
    lead = lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre for 3 sites")
    page = page_as(org.manager_a).get(reverse("workflow:overview")).content.decode()
    assert page.index("Late one") < page.index("Fresh one")
    assert "Amiens matter" not in page and f"overview-request-{elsewhere.pk}" not in page
    assert "Fibre for 3 sites" in page and f'name="lead" value="{lead.pk}"' in page
    only_overdue = page_as(org.manager_a).get(reverse("workflow:overview"), {"overdue": "1", "kind": "request"})
    text = only_overdue.content.decode()
    assert "Late one" in text and "Fresh one" not in text and "Fibre for 3 sites" not in text
    assigned_only = page_as(org.manager_a).get(reverse("workflow:overview"), {"status": "assigned"}).content.decode()
    assert "Fibre for 3 sites" not in assigned_only  # a request's status: no lead has it
    assert fresh.pk
    assert page_as(org.reception_a).get(reverse("workflow:overview")).status_code == 404


def test_the_overview_reassigns_many_and_reports_each_failure(page_as, org, wf):
    colleague = make_member(team=org.billing_team_north, username="billing_north2")
    requests = [_billing(org, org.client_a, f"Invoice {n}", n) for n in range(3)]
    elsewhere = _billing(org, ClientFactory(agency=org.agency_b), "Amiens matter", 9)
    client = page_as(org.manager_a)
    response = client.post(reverse("workflow:overview-reassign"), {
        "assignee": colleague.pk, "request": [r.pk for r in requests] + [elsewhere.pk, "x"], "query": "kind=request",
    }, follow=True)  # fmt: skip
    assert response.redirect_chain[-1][0] == reverse("workflow:overview") + "?kind=request"
    text = response.content.decode()
    assert "3 items reassigned" in text
    assert f"#{elsewhere.pk} not reassigned" in text
    assert set(ServiceRequest.objects.filter(assignee=colleague).values_list("pk", flat=True)) == {
        r.pk for r in requests
    }
    # Nobody chosen: said, nothing done, no error page.
    response = client.post(reverse("workflow:overview-reassign"), {"request": [requests[0].pk]}, follow=True)
    assert response.status_code == 200 and "Choose the person" in response.content.decode()


def test_the_queue_searches_sorts_and_exports_what_it_shows(page_as, org, wf):
    first = _billing(org, org.client_a, "Double prélèvement", 1)
    second = _billing(org, org.client_a, "Facture trop élevée", 2)
    amiens = ClientFactory(agency=org.agency_b, name="Garage Martin")
    third = _billing(org, amiens, "Échéancier", 3)
    client = page_as(org.billing_north)
    found = client.get(reverse("workflow:queue"), {"q": "prélèvement"}).content.decode()
    assert first.reference in found and second.reference not in found
    assert third.reference in client.get(reverse("workflow:queue"), {"q": "garage"}).content.decode()
    by_ref = client.get(reverse("workflow:queue"), {"q": second.reference}).content.decode()
    assert second.reference in by_ref and first.reference not in by_ref
    newest = client.get(reverse("workflow:queue"), {"sort": "-created"}).content.decode()
    assert newest.index(third.reference) < newest.index(first.reference)
    response = client.get(reverse("workflow:queue-csv"), {"q": "garage"})
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row[0] for row in rows[1:]] == [third.reference]
    # Scoped as the page: someone of no back-office team exports nothing of it.
    outsider_rows = b"".join(page_as(org.reception_a).get(reverse("workflow:queue-csv")).streaming_content)
    assert outsider_rows.decode().count("\n") == 1


def test_the_inbox_searches_and_exports(page_as, org, wf):
    fibre = lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="=Fibre pro")
    mobiles = lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Mobiles")
    client = page_as(org.sales_a)
    page = client.get(reverse("workflow:inbox"), {"q": "mobiles"}).content.decode()
    assert mobiles.reference in page and fibre.reference not in page
    rows = list(csv.reader(io.StringIO(b"".join(client.get(reverse("workflow:inbox-csv")).streaming_content).decode())))
    assert {row[0] for row in rows[1:]} == {fibre.reference, mobiles.reference}
    assert "'=Fibre pro" in {row[1] for row in rows[1:]}  # a formula is written as text
    assert Lead.objects.count() == 2


def test_client_search_pages_and_says_how_many_matched(page_as, org, settings):
    for n in range(45):
        ClientFactory(agency=org.agency_a, name=f"Boulangerie numéro {n:02d}")
    client = page_as(org.reception_a)
    first = client.get(reverse("crm:console"), {"q": "boulangerie"}).content.decode()
    assert "of 46 matches" in first and "page=2" in first
    third = client.get(reverse("crm:console"), {"q": "boulangerie", "page": "3"}).content.decode()
    assert "Clients 41 to 46 of 46 matches" in third


def test_client_search_past_the_cap_says_more_than(page_as, org, monkeypatch):
    from crm import selectors

    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 25)
    monkeypatch.setattr(selectors.client_search_count, "__kwdefaults__", {"cap": 25})
    for n in range(30):
        ClientFactory(agency=org.agency_a, name=f"Boulangerie numéro {n:02d}")
    text = page_as(org.reception_a).get(reverse("crm:console"), {"q": "boulangerie"}).content.decode()
    assert "of more than 25 matches" in text


def test_someone_in_two_teams_lands_where_work_waits_on_them_most(page_as, org):
    from accounts.services import membership_start

    membership_start(actor=org.admin, user=org.sales_a, team=org.management_team_a)
    assert page_as(org.sales_a).get(reverse("home")).url == reverse("workflow:overview")
    membership_start(actor=org.admin, user=org.reception_a, team=org.billing_team_north)
    assert page_as(org.reception_a).get(reverse("home")).url == reverse("workflow:queue")


def test_the_overview_takes_numbers_too_large_for_an_id_without_an_error(page_as, org, wf):
    huge = "9" * 40
    client = page_as(org.manager_a)
    assert client.get(reverse("workflow:overview"), {"team": huge, "assignee": huge, "page": huge}).status_code == 200
    response = client.post(reverse("workflow:overview-reassign"), {"assignee": huge, "request": [huge]}, follow=True)
    assert response.status_code == 200
    assert client.get(reverse("workflow:overview"), {"page": "²", "team": "²"}).status_code == 200
    assert client.get(reverse("crm:console"), {"q": "boulangerie", "page": "²"}).status_code == 200
    response = client.post(reverse("workflow:overview-reassign"), {"assignee": org.sales_a2.pk, "lead": [huge, "²"]})
    assert response.status_code == 302
