from datetime import timedelta

from django.utils import timezone

from crm.models import Interaction
from tests.factories import ContactFactory, InteractionFactory, UserFactory
from trace.models import TraceEvent


def test_reception_logs_a_call_and_it_is_traced_and_on_the_timeline(org, api_as):
    client = api_as(org.reception_a)
    response = client.post("/api/v1/interactions/", {"client": org.client_a.pk, "channel": "inbound_call",
                                                     "direction": "inbound", "subject": "Invoice question"},
                           format="json")  # fmt: skip
    assert response.status_code == 201
    logged = response.json()
    assert logged["author"] == org.reception_a.pk
    assert logged["team"] == org.reception_team_a.pk
    assert TraceEvent.objects.filter(action="crm.interaction.logged", client_id=org.client_a.pk,
                                     object_id=str(logged["id"])).exists()  # fmt: skip
    timeline = client.get(f"/api/v1/clients/{org.client_a.pk}/timeline/").json()["results"]
    assert [entry["id"] for entry in timeline] == [logged["id"]]


def test_logging_for_a_client_out_of_scope_is_not_found(org, api_as):
    response = api_as(org.reception_a).post("/api/v1/interactions/", {"client": org.client_b.pk,
                                            "channel": "visit", "direction": "inbound", "subject": "Hello"},
                                            format="json")  # fmt: skip
    assert response.status_code == 404
    assert not Interaction.objects.exists()


def test_logging_bad_input_names_the_field(org, api_as):
    client = api_as(org.reception_a)
    base = {"client": org.client_a.pk, "channel": "visit", "direction": "inbound", "subject": "Hello"}
    for change, field in [({"channel": "pigeon"}, "channel"), ({"subject": ""}, "subject"),
                          ({"occurred_at": (timezone.now() + timedelta(days=1)).isoformat()}, "occurred_at"),
                          ({"contact": ContactFactory(client=org.client_c).pk}, "contact")]:  # fmt: skip
        response = client.post("/api/v1/interactions/", {**base, **change}, format="json")
        assert response.status_code == 400, change
        assert field in response.json()


def test_the_interaction_list_holds_only_clients_in_scope(org, api_as):
    InteractionFactory(client=org.client_a, subject="Here")
    elsewhere = InteractionFactory(client=org.client_b, subject="Elsewhere")
    client = api_as(org.reception_a)
    assert [i["subject"] for i in client.get("/api/v1/interactions/").json()["results"]] == ["Here"]
    assert client.get("/api/v1/interactions/", {"client": org.client_b.pk}).json()["results"] == []
    assert client.get(f"/api/v1/interactions/{elsewhere.pk}/").status_code == 404


def test_reception_adds_and_edits_a_contact_and_search_finds_it(org, api_as):
    client = api_as(org.reception_a)
    created = client.post("/api/v1/contacts/", {"client": org.client_a.pk, "first_name": "Jeanne",
                                                "last_name": "Moreau", "phone": "06 11 22 33 44"},
                          format="json")  # fmt: skip
    assert created.status_code == 201
    contact_id = created.json()["id"]
    assert (
        client.patch(f"/api/v1/contacts/{contact_id}/", {"role": "Gérante"}, format="json").json()["role"] == "Gérante"
    )
    assert [c["id"] for c in client.get("/api/v1/contacts/", {"client": org.client_a.pk}).json()["results"]] == [
        contact_id
    ]
    found = client.get("/api/v1/clients/lookup/", {"phone": "+33 6 11 22 33 44"}).json()["results"]
    assert [c["id"] for c in found] == [org.client_a.pk]
    actions = TraceEvent.objects.filter(client_id=org.client_a.pk).values_list("action", flat=True)
    assert {"crm.contact.created", "crm.contact.updated"} <= set(actions)


def test_contacts_of_other_agencies_stay_hidden(org, api_as):
    hidden = ContactFactory(client=org.client_b)
    client = api_as(org.reception_a)
    assert client.get("/api/v1/contacts/").json()["results"] == []
    assert client.get(f"/api/v1/contacts/{hidden.pk}/").status_code == 404
    assert client.patch(f"/api/v1/contacts/{hidden.pk}/", {"role": "X"}, format="json").status_code == 404
    response = client.post("/api/v1/contacts/", {"client": org.client_b.pk, "last_name": "X"}, format="json")
    assert response.status_code == 404


def test_a_contact_needs_a_last_name(org, api_as):
    response = api_as(org.reception_a).post("/api/v1/contacts/", {"client": org.client_a.pk, "first_name": "Jo"},
                                            format="json")  # fmt: skip
    assert response.status_code == 400
    assert "last_name" in response.json()


def test_the_interaction_list_costs_the_same_queries_with_5_or_30_entries(org, queries_of_list):
    for _index in range(5):
        InteractionFactory(client=org.client_a, author=org.sales_a, team=org.sales_team_a)
    with_five = queries_of_list(org.reception_a, "/api/v1/interactions/")
    for _index in range(25):
        InteractionFactory(client=org.client_a, author=UserFactory(), team=org.reception_team_a)
    assert queries_of_list(org.reception_a, "/api/v1/interactions/") == with_five


def test_an_outbound_call_marked_inbound_answers_400_naming_direction(org, api_as):
    response = api_as(org.reception_a).post("/api/v1/interactions/", {"client": org.client_a.pk,
                                            "channel": "outbound_call", "direction": "inbound", "subject": "Rappel"},
                                            format="json")  # fmt: skip
    assert response.status_code == 400
    assert "direction" in response.json()


def test_finding_04_a_contact_edit_from_a_stale_version_answers_409(org, api_as):
    contact = ContactFactory(client=org.client_a, last_name="Moreau")
    first, second = api_as(org.reception_a), api_as(org.sales_a)
    path = f"/api/v1/contacts/{contact.pk}/"
    assert first.patch(path, {"role": "Gérante", "version": 1}, format="json").json()["version"] == 2

    stale = second.patch(path, {"role": "Comptable", "version": 1}, format="json")

    assert stale.status_code == 409
    assert stale.json()["version"] == 2
    contact.refresh_from_db()
    assert contact.role == "Gérante"


def test_finding_08_a_contacts_bad_phone_or_nul_answers_400_naming_the_field(org, api_as):
    client = api_as(org.reception_a)
    for body, field in (({"last_name": "Moreau", "phone": "abc"}, "phone"), ({"last_name": "Mo\x00reau"}, "last_name")):
        response = client.post("/api/v1/contacts/", {"client": org.client_a.pk, **body}, format="json")
        assert response.status_code == 400
        assert field in response.json()


def test_a_manager_exports_a_contacts_personal_data_and_the_export_is_traced(org, api_as):
    contact = ContactFactory(client=org.client_a, first_name="Jeanne", last_name="Moreau", email="j@moreau.fr")
    InteractionFactory(client=org.client_a, contact=contact, subject="Appel de Jeanne Moreau")

    response = api_as(org.manager_a).get(f"/api/v1/contacts/{contact.pk}/export/")

    assert response.status_code == 200
    exported = response.json()
    assert exported["contact"]["email"] == "j@moreau.fr"
    assert [i["subject"] for i in exported["interactions"]] == ["Appel de Jeanne Moreau"]
    assert TraceEvent.objects.filter(action="crm.contact.exported", object_id=str(contact.pk)).exists()


def test_only_managers_and_admins_export_or_erase_and_others_agencies_see_nothing(org, api_as):
    contact = ContactFactory(client=org.client_a, last_name="Moreau")
    export, erase = f"/api/v1/contacts/{contact.pk}/export/", f"/api/v1/contacts/{contact.pk}/erase/"
    assert api_as(org.reception_a).get(export).status_code == 403
    assert api_as(org.reception_a).post(erase).status_code == 403
    assert api_as(org.reception_b).get(export).status_code == 404
    assert api_as(org.reception_b).post(erase).status_code == 404
    assert api_as(org.admin).get(export).status_code == 200
    assert api_as(org.admin).post(erase).status_code == 200
    assert api_as(org.admin).get(export).status_code == 404  # erased: nothing left to export
