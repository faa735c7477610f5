"""Personal data (issue 7, done 7.7): a contact person's data is exported whole, and once erased the
person appears nowhere — pages, API, search columns, timeline, exports — while the trace verifies."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.rights import SYSTEM
from common.errors import NotFound, PermissionDenied
from crm.models import Contact, Interaction
from crm.privacy import contact_erase, contact_export
from crm.services import contact_create, contact_update, interaction_log
from trace.models import TraceEvent
from trace.services import trace_verify

PERSON = {"first_name": "Jeanne", "last_name": "Moreau-Petit", "phone": "06 11 22 33 44",
          "email": "jeanne.moreau@example.fr", "role": "Gérante"}  # fmt: skip
TRACES_OF_HER = ("Jeanne", "Moreau", "0611223344", "+33611223344", "06 11 22 33 44", "jeanne.moreau@example.fr")


@pytest.fixture
def jeanne(org):
    contact = contact_create(actor=org.reception_a, client_id=org.client_a.pk, **PERSON)
    contact_update(actor=org.reception_a, contact_id=contact.pk, role="Directrice")
    interaction_log(actor=org.reception_a, client_id=org.client_a.pk, contact_id=contact.pk, channel="inbound_call",
                    direction="inbound", subject="Appel de Jeanne Moreau-Petit",
                    notes="Rappeler Mme Moreau-Petit au 06 11 22 33 44 ou jeanne.moreau@example.fr")  # fmt: skip
    interaction_log(actor=org.reception_a, client_id=org.client_a.pk, channel="visit", direction="inbound",
                    subject="Passage en agence", notes="Le gérant a dit que Moreau-Petit part en congé.")  # fmt: skip
    return contact


def _nothing_of_her_in(text: str) -> None:
    for trace in TRACES_OF_HER:
        assert trace not in text, trace


def test_the_export_holds_the_contact_their_contacts_logged_and_the_trace_about_them(org, jeanne):
    exported = contact_export(actor=org.manager_a, contact_id=jeanne.pk)

    assert exported["contact"] == {"id": jeanne.pk, "first_name": "Jeanne", "last_name": "Moreau-Petit",
                                   "role": "Directrice", "phone": "+33611223344",
                                   "email": "jeanne.moreau@example.fr", "is_primary": False}  # fmt: skip
    assert exported["client"] == {"id": org.client_a.pk, "name": "Boulangerie Dupont", "agency": "Lille"}
    assert [i["subject"] for i in exported["interactions"]] == ["Appel de Jeanne Moreau-Petit"]
    assert [e["action"] for e in exported["trace"]] == ["crm.contact.created", "crm.contact.updated"]
    json.dumps(exported)  # JSON as it is


def test_personal_data_is_handled_by_managers_and_admins_only(org, jeanne):
    with pytest.raises(PermissionDenied):
        contact_export(actor=org.reception_a, contact_id=jeanne.pk)
    with pytest.raises(PermissionDenied):
        contact_erase(actor=org.sales_a, contact_id=jeanne.pk)
    with pytest.raises(NotFound):
        contact_export(actor=org.reception_b, contact_id=jeanne.pk)
    assert contact_export(actor=org.admin, contact_id=jeanne.pk)["contact"]["id"] == jeanne.pk


def test_trace_payloads_of_the_client_record_hold_no_personal_data(org, jeanne):
    payloads = json.dumps(list(TraceEvent.objects.filter(client_id=org.client_a.pk).values_list("payload", flat=True)))
    _nothing_of_her_in(payloads)


def test_an_erased_contact_appears_nowhere_and_the_trace_still_verifies(org, jeanne, page_as, api_as):
    struck = contact_erase(actor=org.manager_a, contact_id=jeanne.pk)

    assert struck == 2
    assert not Contact.objects.filter(pk=jeanne.pk).exists()
    org.client_a.refresh_from_db()
    _nothing_of_her_in(" ".join((org.client_a.search_names, org.client_a.search_phones, org.client_a.search_emails)))
    texts = " ".join(f"{i.subject} {i.notes}" for i in Interaction.objects.filter(client=org.client_a))
    _nothing_of_her_in(texts)
    assert "Rappeler Mme *** au *** ou ***" in texts
    assert Interaction.objects.filter(client=org.client_a).count() == 2  # the calls stay on the timeline

    pages = page_as(org.manager_a)
    _nothing_of_her_in(pages.get(reverse("crm:client_detail", args=[org.client_a.pk])).content.decode())
    _nothing_of_her_in(pages.get(reverse("crm:console"), {"q": "moreau petit"}).content.decode())
    api = api_as(org.manager_a)
    for path in ("/api/v1/contacts/", f"/api/v1/clients/{org.client_a.pk}/", f"/api/v1/clients/{org.client_a.pk}/timeline/",
                 "/api/v1/interactions/", f"/api/v1/trace/?client={org.client_a.pk}"):  # fmt: skip
        response = api.get(path)
        assert response.status_code == 200, path
        _nothing_of_her_in(response.content.decode())
    assert api.get("/api/v1/clients/lookup/", {"phone": "06 11 22 33 44"}).json()["results"] == []
    assert api.get(f"/api/v1/contacts/{jeanne.pk}/export/").status_code == 404

    erased = TraceEvent.objects.get(action="crm.contact.erased")
    assert erased.payload == {"contact": jeanne.pk, "texts_struck": 2}
    assert trace_verify().ok


def test_the_commands_export_and_erase_as_the_organisation(org, jeanne, tmp_path):
    output = tmp_path / "jeanne.json"
    call_command("contact_export", str(jeanne.pk), "--output", str(output), stdout=StringIO())
    assert json.loads(output.read_text())["contact"]["last_name"] == "Moreau-Petit"

    out = StringIO()
    call_command("contact_erase", str(jeanne.pk), "--yes", stdout=out)
    assert not Contact.objects.filter(pk=jeanne.pk).exists()
    assert TraceEvent.objects.get(action="crm.contact.erased").actor_id is None
    assert trace_verify().ok


def test_the_organisation_erases_through_the_service_as_system(org, jeanne):
    contact_erase(actor=SYSTEM, contact_id=jeanne.pk)
    assert not Contact.objects.filter(pk=jeanne.pk).exists()


def test_a_manager_exports_and_erases_from_the_contact_page(org, jeanne, page_as):
    edit = reverse("crm:contact_edit", args=[org.client_a.pk, jeanne.pk])
    export = reverse("crm:contact_export", args=[org.client_a.pk, jeanne.pk])
    erase = reverse("crm:contact_erase", args=[org.client_a.pk, jeanne.pk])
    assert export not in page_as(org.reception_a).get(edit).content.decode()
    assert page_as(org.reception_a).get(export).status_code == 403
    assert page_as(org.reception_a).post(erase, {"confirm": "true"}).status_code == 403
    assert page_as(org.reception_b).get(export).status_code == 404

    manager = page_as(org.manager_a)
    assert export in manager.get(edit).content.decode()
    downloaded = manager.get(export)
    assert downloaded.status_code == 200
    assert json.loads(downloaded.content)["contact"]["last_name"] == "Moreau-Petit"
    assert manager.post(erase).url == edit  # not confirmed: back to the contact, nothing erased
    assert Contact.objects.filter(pk=jeanne.pk).exists()

    done = manager.post(erase, {"confirm": "true"})

    assert done.url == reverse("crm:client_detail", args=[org.client_a.pk])
    assert not Contact.objects.filter(pk=jeanne.pk).exists()
    _nothing_of_her_in(manager.get(done.url).content.decode())
