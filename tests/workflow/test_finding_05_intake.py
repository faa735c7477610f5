"""Issue 7, finding 5: the public doors are no existence oracle and write into nobody's record.

The web form and the mail webhook answer the same whoever writes (status, body, and the work done:
the same queries), keep the message with a random reference, and an agent of the agency matches it.
"""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from crm.models import Client, Interaction
from trace.models import TraceEvent
from workflow import events
from workflow.models import Intake, IntakeStatus, Lead, ServiceRequest

WEB_FORM = "/api/v1/intake/web-form/"
EMAIL = "/api/v1/intake/email/"
SECRET = {"HTTP_X_INTAKE_SECRET": "test-intake-secret"}
REFERENCE = re.compile(r"^M-[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$")


@pytest.fixture(autouse=True)
def fresh_throttle_history():
    cache.clear()
    yield
    cache.clear()


def form(**overrides) -> dict:
    return {"name": "Someone", "email": "someone@example.org", "phone": "", "subject": "Hello", "message": "Call me",
            "kind": "lead", "agency": "lille", **overrides}  # fmt: skip


def record_of(client: Client) -> tuple:
    return (
        Interaction.objects.filter(client=client).count(),
        ServiceRequest.objects.filter(client=client).count(),
        Lead.objects.filter(client=client).count(),
        TraceEvent.objects.filter(client_id=client.pk).count(),
    )


def as_user(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.mark.parametrize("door", ["web", "email"])
def test_finding_05_the_answer_is_the_same_whether_the_address_belongs_to_a_client(org, wf, door):
    def post(address: str, phone: str = ""):
        if door == "web":
            body = form(email=address, phone=phone)
            with CaptureQueriesContext(connection) as queries:
                response = APIClient().post(WEB_FORM, body, format="json")
        else:
            body = {"from": address, "subject": "Hello", "text": "Call me", "kind": "lead"}
            with CaptureQueriesContext(connection) as queries:
                response = APIClient().post(EMAIL, body, format="json", **SECRET)
        return response, len(queries)

    known, known_queries = post(org.client_a.email, phone=org.client_a.phone if door == "web" else "")
    unknown, unknown_queries = post("nobody-here@example.org", phone="06 99 88 77 66" if door == "web" else "")

    assert known.status_code == unknown.status_code == 201
    assert known.json().keys() == unknown.json().keys() == {"reference", "kind"}
    assert known.json()["kind"] == unknown.json()["kind"] == "lead"
    # The same work whoever writes (the order of magnitude of the time taken): no lookup of clients.
    assert known_queries == unknown_queries


def test_finding_05_a_message_with_a_clients_email_and_phone_writes_nothing_into_its_record(org, wf):
    before = record_of(org.client_a)

    response = APIClient().post(
        WEB_FORM, form(email=org.client_a.email, phone=org.client_a.phone, kind="service_request",
                       category="billing", fields={"invoice_number": "F-1"}), format="json",
    )  # fmt: skip
    mail = APIClient().post(EMAIL, {"from": org.client_a.email, "subject": "x", "kind": "lead"}, format="json",
                            **SECRET)  # fmt: skip

    assert (response.status_code, mail.status_code) == (201, 201)
    assert record_of(org.client_a) == before
    assert not ServiceRequest.objects.exists() and not Lead.objects.exists()
    assert Client.objects.count() == 3
    assert Intake.objects.filter(status=IntakeStatus.PENDING).count() == 2


def test_finding_05_public_references_are_random_not_sequential(org, wf):
    references = [APIClient().post(WEB_FORM, form(), format="json").json()["reference"] for _ in range(8)]

    assert all(REFERENCE.match(reference) for reference in references), references
    assert len(set(references)) == 8
    # Ten letters and digits drawn at random: neighbours share no running number.
    assert len({reference[2:7] for reference in references}) == 8


def test_finding_05_a_mail_from_a_bare_address_even_a_known_clients_is_accepted(org, wf):
    for address in (org.client_a.email, "jean@example.com"):
        response = APIClient().post(EMAIL, {"from": address, "subject": "Question", "text": "Hi", "kind": "lead"},
                                    format="json", **SECRET)  # fmt: skip

        assert response.status_code == 201, response.content
    assert Intake.objects.count() == 2


def test_finding_05_an_agent_matches_the_message_to_a_client_once_and_it_is_traced(org, wf):
    APIClient().post(WEB_FORM, form(email=org.client_a.email), format="json")
    intake = Intake.objects.get()

    listed = as_user(org.reception_a).get("/api/v1/intakes/").json()["results"]
    response = as_user(org.reception_a).post(f"/api/v1/intakes/{intake.pk}/match/", {"client": org.client_a.pk},
                                            format="json")  # fmt: skip
    again = as_user(org.reception_a).post(f"/api/v1/intakes/{intake.pk}/match/", {"client": org.client_a.pk},
                                         format="json")  # fmt: skip

    assert [row["reference"] for row in listed] == [intake.reference]
    assert response.status_code == 201, response.content
    lead = Lead.objects.get(client=org.client_a)
    assert response.json()["item"] == lead.reference
    assert again.status_code == 409
    event = TraceEvent.objects.get(action=events.INTAKE_MATCHED.action)
    assert (event.client_id, event.actor_id) == (org.client_a.pk, org.reception_a.pk)
    assert "someone" not in str(event.payload).lower()


def test_finding_05_out_of_its_agency_a_message_and_a_client_are_404(org, wf):
    APIClient().post(WEB_FORM, form(), format="json")
    intake = Intake.objects.get()

    elsewhere = as_user(org.reception_b).get(f"/api/v1/intakes/{intake.pk}/")
    listed = as_user(org.reception_b).get("/api/v1/intakes/").json()["results"]
    other_client = as_user(org.reception_a).post(
        f"/api/v1/intakes/{intake.pk}/match/", {"client": org.client_c.pk}, format="json"
    )
    page = APIClient()
    page.force_login(org.reception_b)

    assert elsewhere.status_code == 404 and listed == []
    assert other_client.status_code == 404
    assert page.get(f"/work/intakes/{intake.pk}/").status_code == 404
    assert Intake.objects.get().status == IntakeStatus.PENDING


def test_finding_05_the_page_matches_a_message_as_a_new_prospect(org, wf):
    APIClient().post(WEB_FORM, form(company="Fleurs Moreau"), format="json")
    intake = Intake.objects.get()
    page = APIClient()
    page.force_login(org.reception_a)

    listed = page.get("/work/intakes/")
    shown = page.get(f"/work/intakes/{intake.pk}/")
    response = page.post(f"/work/intakes/{intake.pk}/", {"client": "new"})

    assert intake.reference in listed.content.decode()
    assert shown.status_code == 200 and "Call me" in shown.content.decode()
    assert response.status_code == 302
    client = Client.objects.get(name="Fleurs Moreau")
    assert Lead.objects.get().client == client
    assert Intake.objects.get().status == IntakeStatus.MATCHED
