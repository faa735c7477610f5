"""Issue 7 finding 1: the account owner is a salesperson covering the client's agency, named only by a
manager of that agency or an admin. The owner receives the client's leads, so whoever could set it
could read them."""

import pytest
from django.urls import reverse

from common.errors import InvalidInput, NotFound, PermissionDenied
from crm.models import Client
from crm.services import client_create, client_update
from tests.factories import make_member, make_team
from trace.models import TraceEvent
from trace.services import trace_verify


@pytest.fixture
def sales_marseille(org):
    return make_member(team=make_team(kind="sales", agency=org.agency_c, name="Commerciaux Marseille"),
                       username="sales_marseille", first_name="Marc", last_name="Rey")  # fmt: skip


def _owner_events(client: Client):
    return TraceEvent.objects.filter(action="crm.client.owner_changed", client_id=client.pk).order_by("id")


def test_finding_01_reception_cannot_make_itself_account_owner(org, api_as):
    response = api_as(org.reception_a).patch(
        f"/api/v1/clients/{org.client_a.pk}/", {"account_owner": org.reception_a.pk}, format="json"
    )

    assert response.status_code == 403
    org.client_a.refresh_from_db()
    assert org.client_a.account_owner == org.sales_a
    assert not _owner_events(org.client_a).exists()
    # Nor through the service, whatever door calls it, nor to another salesperson of the agency.
    with pytest.raises(PermissionDenied):
        client_update(actor=org.reception_a, client_id=org.client_a.pk, account_owner=org.sales_a2)
    with pytest.raises(PermissionDenied):
        client_update(actor=org.sales_a2, client_id=org.client_a.pk, account_owner=org.sales_a2)


def test_finding_01_a_marseille_salesperson_is_refused_as_owner_of_a_lille_client(org, api_as, sales_marseille):
    response = api_as(org.manager_a).patch(
        f"/api/v1/clients/{org.client_a.pk}/", {"account_owner": sales_marseille.pk}, format="json"
    )

    assert response.status_code == 400
    assert "account_owner" in response.json()
    org.client_a.refresh_from_db()
    assert org.client_a.account_owner == org.sales_a


def test_finding_01_reception_creating_a_client_cannot_name_its_owner(org, api_as):
    body = {"name": "Fleuriste des Halles", "agency": org.agency_a.pk, "account_owner": org.reception_a.pk}
    assert api_as(org.reception_a).post("/api/v1/clients/", body, format="json").status_code == 403
    assert not Client.objects.filter(name="Fleuriste des Halles").exists()


def test_a_manager_of_the_agency_names_an_eligible_owner_and_it_is_traced(org, api_as):
    response = api_as(org.manager_a).patch(
        f"/api/v1/clients/{org.client_a.pk}/", {"account_owner": org.sales_a2.pk}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["account_owner"] == org.sales_a2.pk
    event = _owner_events(org.client_a).get()
    assert event.actor == org.manager_a
    assert event.payload == {"from": org.sales_a.pk, "to": org.sales_a2.pk, "agency": org.agency_a.pk,
                             "reason": "set", "version": 2}  # fmt: skip
    assert trace_verify().ok


def test_an_admin_names_and_removes_an_owner_anywhere(org):
    client_update(actor=org.admin, client_id=org.client_a.pk, account_owner=org.sales_a2)
    client_update(actor=org.admin, client_id=org.client_a.pk, account_owner=None)
    org.client_a.refresh_from_db()
    assert org.client_a.account_owner is None
    assert [e.payload["to"] for e in _owner_events(org.client_a)] == [org.sales_a2.pk, None]


def test_a_manager_names_owners_in_their_agency_only(org, sales_marseille):
    manager_c = make_member(team=make_team(kind="management", agency=org.agency_c))
    with pytest.raises(NotFound):
        client_update(actor=manager_c, client_id=org.client_a.pk, account_owner=sales_marseille)
    client_update(actor=manager_c, client_id=org.client_c.pk, account_owner=sales_marseille)
    with pytest.raises(InvalidInput) as refused:
        client_update(actor=manager_c, client_id=org.client_c.pk, account_owner=org.sales_a)
    assert "account_owner" in refused.value.fields


def test_a_manager_creates_a_client_with_an_owner_of_the_agency(org, sales_marseille):
    client = client_create(actor=org.manager_a, name="Fleuriste des Halles", agency=org.agency_a,
                           account_owner=org.sales_a2)  # fmt: skip
    assert client.account_owner == org.sales_a2
    with pytest.raises(InvalidInput):
        client_create(actor=org.manager_a, name="Cordonnerie Lambert", agency=org.agency_a,
                      account_owner=sales_marseille)  # fmt: skip


def test_moving_a_client_to_an_agency_its_owner_does_not_cover_removes_the_owner(org):
    # Reception of Amiens is also given Lille's edit right: an agent covering both agencies moves the client.
    from accounts.services import membership_start

    membership_start(actor=org.admin, user=org.reception_b, team=org.reception_team_a)
    client_update(actor=org.reception_b, client_id=org.client_a.pk, agency=org.agency_b)

    org.client_a.refresh_from_db()
    assert (org.client_a.agency, org.client_a.account_owner) == (org.agency_b, None)
    event = _owner_events(org.client_a).get()
    assert (event.payload["from"], event.payload["to"], event.payload["reason"]) == (org.sales_a.pk, None,
                                                                                     "agency_moved")  # fmt: skip


def test_the_owner_field_is_offered_only_to_who_may_set_it_with_only_the_agencys_salespeople(
    org, page_as, sales_marseille
):
    edit = reverse("crm:client_edit", args=[org.client_a.pk])
    assert "account_owner" not in page_as(org.reception_a).get(edit).context["form"].fields
    assert "account_owner" not in page_as(org.sales_a2).get(edit).context["form"].fields
    assert "account_owner" not in page_as(org.reception_a).get(reverse("crm:client_create")).context["form"].fields

    form = page_as(org.manager_a).get(edit).context["form"]
    (agency_name, people), *others = form.fields["account_owner"].choices[1:]
    offered = {pk for pk, _name in people}
    assert agency_name == "Lille"
    assert {org.sales_a.pk, org.sales_a2.pk} <= offered
    assert sales_marseille.pk not in offered and org.reception_a.pk not in offered
    assert not others  # the manager of Lille names owners in Lille only


def test_reception_saving_the_edit_form_keeps_the_owner(org, page_as):
    client = page_as(org.reception_a)
    url = reverse("crm:client_edit", args=[org.client_a.pk])
    data = {k: v for k, v in client.get(url).context["form"].initial.items() if v is not None}
    # A forged field is ignored: the form does not carry it for reception.
    response = client.post(
        url, {**data, "agency": org.agency_a.pk, "account_owner": org.reception_a.pk, "city": "Lille"}
    )
    assert response.status_code == 302
    org.client_a.refresh_from_db()
    assert (org.client_a.account_owner, org.client_a.city) == (org.sales_a, "Lille")


def test_a_manager_sets_the_owner_through_the_page(org, page_as):
    client = page_as(org.manager_a)
    url = reverse("crm:client_edit", args=[org.client_a.pk])
    data = {k: v for k, v in client.get(url).context["form"].initial.items() if v is not None}
    response = client.post(url, {**data, "agency": org.agency_a.pk, "account_owner": org.sales_a2.pk})
    assert response.status_code == 302
    org.client_a.refresh_from_db()
    assert org.client_a.account_owner == org.sales_a2
