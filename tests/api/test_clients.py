from datetime import timedelta

import pytest
from django.utils import timezone

from crm.models import Client
from tests.factories import ClientFactory, ContactFactory, InteractionFactory, UserFactory
from trace.models import TraceEvent


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [client["name"] for client in response.json()["results"]]


def test_reception_finds_a_client_by_misspelt_name(org, api_as):
    response = api_as(org.reception_a).get("/api/v1/clients/", {"q": "boulangrie dupond"})
    assert names(response)[0] == "Boulangerie Dupont"


@pytest.mark.parametrize("phone", ["+33 3 20 12 34 56", "03 20 12 34 56", "0320123456"])
def test_reception_finds_a_client_by_phone_in_search_and_caller_id(org, api_as, phone):
    client = api_as(org.reception_a)
    assert names(client.get("/api/v1/clients/", {"q": phone})) == ["Boulangerie Dupont"]
    assert names(client.get("/api/v1/clients/lookup/", {"phone": phone})) == ["Boulangerie Dupont"]


def test_caller_id_needs_a_number(org, api_as):
    response = api_as(org.reception_a).get("/api/v1/clients/lookup/")
    assert response.status_code == 400
    assert "phone" in response.json()


def test_a_client_of_another_agency_is_neither_listed_nor_openable(org, api_as):
    client = api_as(org.reception_a)
    assert names(client.get("/api/v1/clients/")) == ["Boulangerie Dupont"]
    assert names(client.get("/api/v1/clients/", {"q": "garage lefevre"})) == []
    assert names(client.get("/api/v1/clients/lookup/", {"phone": "+33 3 22 98 76 54"})) == []
    for path in (f"/api/v1/clients/{org.client_b.pk}/", f"/api/v1/clients/{org.client_b.pk}/timeline/"):
        assert client.get(path).status_code == 404
    assert client.patch(f"/api/v1/clients/{org.client_b.pk}/", {"city": "Amiens"}).status_code == 404
    # An id that does not exist answers the same: ids leak nothing.
    assert client.get("/api/v1/clients/999999/").status_code == 404


def test_the_client_record_carries_its_completeness(org, api_as):
    client = api_as(org.reception_a)
    before = client.get(f"/api/v1/clients/{org.client_a.pk}/").json()
    ContactFactory(client=org.client_a, last_name="Dupont")
    after = client.get(f"/api/v1/clients/{org.client_a.pk}/").json()
    assert 0 < before["completeness"] < after["completeness"] <= 100
    assert after["agency_name"] == "Lille"
    assert after["account_owner_name"] == "Sophie Martin"
    listed = client.get("/api/v1/clients/").json()["results"][0]
    assert listed["completeness"] == after["completeness"]


def test_a_look_alike_answers_409_with_candidates_until_confirmed(org, api_as):
    client = api_as(org.reception_a)
    body = {"name": "Boulangerie Dupont", "phone": "0320998877", "agency": org.agency_a.pk}

    conflict = client.post("/api/v1/clients/", body, format="json")
    assert conflict.status_code == 409
    assert conflict.json()["detail"]
    assert org.client_a.pk in [candidate["id"] for candidate in conflict.json()["candidates"]]
    assert Client.objects.filter(name="Boulangerie Dupont").count() == 1

    created = client.post("/api/v1/clients/", {**body, "confirm": True}, format="json")
    assert created.status_code == 201
    assert created.json()["agency"] == org.agency_a.pk
    assert Client.objects.filter(name="Boulangerie Dupont").count() == 2
    assert TraceEvent.objects.filter(action="crm.client.created", client_id=created.json()["id"]).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [({"name": ""}, "name"), ({"name": None}, "name"), ({"segment": "whale"}, "segment"),
     ({"agency": "other"}, "agency"), ({"email": "not-an-address"}, "email")],
)  # fmt: skip
def test_bad_input_answers_400_naming_the_field(org, api_as, change, field):
    body = {"name": "Fleuriste Martin", "agency": org.agency_a.pk, "segment": "mass", **change}
    if body["agency"] == "other":
        body["agency"] = org.agency_b.pk  # exists, but reception_a may not create clients there
    if body["name"] is None:
        del body["name"]
    response = api_as(org.reception_a).post("/api/v1/clients/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert response.json()["detail"]


def test_a_client_is_edited_through_patch_and_the_change_traced(org, api_as):
    response = api_as(org.reception_a).patch(f"/api/v1/clients/{org.client_a.pk}/", {"city": "Lille"}, format="json")
    assert response.status_code == 200
    assert response.json()["city"] == "Lille"
    event = TraceEvent.objects.filter(action="crm.client.updated", client_id=org.client_a.pk).get()
    assert event.payload["fields"] == ["city"]


def test_a_client_cannot_be_moved_to_an_agency_outside_the_users_rights(org, api_as):
    response = api_as(org.reception_a).patch(
        f"/api/v1/clients/{org.client_a.pk}/", {"agency": org.agency_b.pk}, format="json"
    )
    assert response.status_code == 400
    assert "agency" in response.json()


def test_someone_who_sees_but_may_not_edit_gets_403(org, api_as):
    response = api_as(org.billing_north).patch(f"/api/v1/clients/{org.client_a.pk}/", {"city": "X"}, format="json")
    assert response.status_code == 403


def test_clients_filter_by_segment_and_agency(org, api_as):
    ClientFactory(name="Grand Compte Nord", agency=org.agency_b, segment="key_account")
    client = api_as(org.billing_north)
    assert names(client.get("/api/v1/clients/", {"segment": "key_account"})) == ["Grand Compte Nord"]
    assert names(client.get("/api/v1/clients/", {"agency": org.agency_a.pk})) == ["Boulangerie Dupont"]
    assert names(client.get("/api/v1/clients/", {"q": "dupont", "agency": org.agency_b.pk})) == []
    assert client.get("/api/v1/clients/", {"agency": "lille"}).status_code == 400


def test_timeline_lists_the_clients_contacts_newest_first(org, api_as):
    now = timezone.now()
    InteractionFactory(client=org.client_a, subject="Old call", occurred_at=now - timedelta(days=2))
    InteractionFactory(client=org.client_a, subject="New call", occurred_at=now - timedelta(hours=1))
    InteractionFactory(client=org.client_b, subject="Elsewhere", occurred_at=now)
    response = api_as(org.reception_a).get(f"/api/v1/clients/{org.client_a.pk}/timeline/")
    assert response.status_code == 200
    entries = response.json()["results"]
    assert [(e["type"], e["subject"]) for e in entries] == [("interaction", "New call"), ("interaction", "Old call")]


def _add_clients(org, count: int) -> None:
    owners = [org.sales_a, org.sales_a2, UserFactory()]
    for index in range(count):
        client = ClientFactory(agency=org.agency_a, account_owner=owners[index % 3])
        ContactFactory(client=client)


def test_the_client_list_costs_the_same_queries_with_5_or_30_clients(org, queries_of_list):
    _add_clients(org, 4)
    with_five = queries_of_list(org.reception_a, "/api/v1/clients/")
    _add_clients(org, 25)
    assert queries_of_list(org.reception_a, "/api/v1/clients/") == with_five


def test_a_page_says_where_the_next_one_is(org, api_as):
    _add_clients(org, 29)
    first = api_as(org.reception_a).get("/api/v1/clients/").json()
    assert first["count"] == 30
    assert len(first["results"]) == 25
    assert first["next"].endswith("?page=2")


def test_another_agencys_clients_phone_answers_409_naming_only_that_agency_and_creates_nothing(org, api_as):
    body = {"name": "Carrosserie Nouvelle", "phone": "03 22 98 76 54", "agency": org.agency_a.pk, "confirm": True}

    response = api_as(org.reception_a).post("/api/v1/clients/", body, format="json")

    assert response.status_code == 409
    answer = response.json()
    assert answer["confirmable"] is False
    assert answer["candidates"] == []
    assert [(place["agency"], place["agency_name"]) for place in answer["elsewhere"]] == [(org.agency_b.pk, "Amiens")]
    assert "Garage" not in response.content.decode()  # the other client's name, nor its data
    assert not Client.objects.filter(name="Carrosserie Nouvelle").exists()


@pytest.mark.parametrize(
    ("field", "value"), [("phone", "abc"), ("legal_id", "123"), ("postcode", "5900"), ("postcode", "ABCDE")]
)
def test_finding_08_malformed_identifiers_answer_400_naming_the_field(org, api_as, field, value):
    client = api_as(org.reception_a)
    created = client.post("/api/v1/clients/", {"name": "Cordonnerie Lambert", "agency": org.agency_a.pk,
                                               field: value}, format="json")  # fmt: skip
    edited = client.patch(f"/api/v1/clients/{org.client_a.pk}/", {field: value}, format="json")
    for response in (created, edited):
        assert response.status_code == 400
        assert field in response.json()


def test_identifiers_come_back_normalised(org, api_as):
    response = api_as(org.reception_a).post("/api/v1/clients/", {"name": "Cordonnerie Lambert",
                                            "agency": org.agency_a.pk, "phone": "03 20 44 55 66",
                                            "legal_id": "732 829 320", "email": "Contact@Lambert.FR"},
                                            format="json")  # fmt: skip
    assert response.status_code == 201
    assert {k: response.json()[k] for k in ("phone", "legal_id", "email", "version")} == {
        "phone": "+33320445566", "legal_id": "732829320", "email": "contact@lambert.fr", "version": 1}  # fmt: skip


def test_finding_04_an_edit_from_a_stale_version_answers_409_and_writes_nothing(org, api_as):
    first, second = api_as(org.reception_a), api_as(org.sales_a2)
    version = first.get(f"/api/v1/clients/{org.client_a.pk}/").json()["version"]

    saved = first.patch(f"/api/v1/clients/{org.client_a.pk}/", {"city": "Roubaix", "version": version}, format="json")
    stale = second.patch(f"/api/v1/clients/{org.client_a.pk}/", {"city": "Lille", "version": version}, format="json")

    assert saved.status_code == 200 and saved.json()["version"] == version + 1
    assert stale.status_code == 409
    assert stale.json()["version"] == version + 1
    org.client_a.refresh_from_db()
    assert (org.client_a.city, org.client_a.version) == ("Roubaix", version + 1)
    assert TraceEvent.objects.filter(action="crm.client.updated", client_id=org.client_a.pk).count() == 1
    # Without a version, only the fields sent are written: an edit of another field keeps "Roubaix".
    assert second.patch(f"/api/v1/clients/{org.client_a.pk}/", {"address": "2 rue Neuve"},
                        format="json").json()["city"] == "Roubaix"  # fmt: skip


@pytest.mark.parametrize("q", ["dupont\x00", "\x00", "03 20\x00 12 34 56"])
def test_finding_08_a_nul_byte_in_the_search_answers_400_not_500(org, api_as, q):
    response = api_as(org.reception_a).get("/api/v1/clients/", {"q": q})
    assert response.status_code == 400
    assert "q" in response.json()


def test_finding_08_nul_bytes_in_a_client_body_answer_400_naming_the_field(org, api_as):
    response = api_as(org.reception_a).patch(f"/api/v1/clients/{org.client_a.pk}/", {"city": "Li\x00lle"},
                                             format="json")  # fmt: skip
    assert response.status_code == 400
    assert "city" in response.json()


@pytest.mark.parametrize("client_id", ["99999999999999999999", "9223372036854775808", "-1"])
def test_huge_or_negative_ids_are_not_found(org, api_as, client_id):
    client = api_as(org.reception_a)
    assert client.get(f"/api/v1/clients/{client_id}/").status_code == 404
    assert client.get("/api/v1/clients/", {"agency": client_id}).status_code in (200, 400)
