"""Channel intake: the public web form and the mail gateway's webhook route work like a reception agent."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from crm.models import Client, Interaction
from trace.models import TraceEvent
from workflow.models import Intake, Lead, ServiceRequest

WEB_FORM = "/api/v1/intake/web-form/"
EMAIL = "/api/v1/intake/email/"
SECRET = {"HTTP_X_INTAKE_SECRET": "test-intake-secret"}


@pytest.fixture(autouse=True)
def fresh_throttle_history():
    # Throttles count requests in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


def web_form(**overrides) -> dict:
    return {
        "name": "Claire Moreau", "email": "claire@fleurs-moreau.fr", "phone": "06 11 22 33 44",
        "company": "Fleurs Moreau", "subject": "Invoice twice", "message": "I was billed twice in March.",
        "kind": "service_request", "category": "billing", "fields": {"invoice_number": "F-77"}, "agency": "lille",
        **overrides,
    }  # fmt: skip


def inbound_mail(**overrides) -> dict:
    return {"from": "contact@boulangerie-dupont.fr", "from_name": "Jean Dupont", "to": "ventes@relais.example",
            "subject": "More lines", "text": "We open a second shop and need four more lines.", "kind": "lead",
            **overrides}  # fmt: skip


def match(user, intake_id: int, client=None):
    api = APIClient()
    api.force_authenticate(user)
    return api.post(f"/api/v1/intakes/{intake_id}/match/", {"client": client}, format="json")


def test_the_web_form_keeps_the_message_and_a_match_files_a_new_client_routed_to_billing(org, wf):
    response = APIClient().post(WEB_FORM, web_form(), format="json")

    assert response.status_code == 201, response.content
    intake = Intake.objects.get()
    assert response.json() == {"reference": intake.reference, "kind": "service_request"}
    assert not ServiceRequest.objects.exists() and Client.objects.count() == 3

    matched = match(org.reception_a, intake.pk)

    assert matched.status_code == 201, matched.content
    request = ServiceRequest.objects.get()
    assert matched.json()["item"] == request.reference
    client = request.client
    assert (client.name, client.agency, client.status) == ("Fleurs Moreau", org.agency_a, "prospect")
    assert client.contacts.get().email == "claire@fleurs-moreau.fr"
    assert (request.team, request.origin_channel, request.sender) == (org.billing_team_north, "web", None)
    assert request.fields == {"invoice_number": "F-77"}
    interaction = Interaction.objects.get(client=client)
    assert (interaction.channel, interaction.direction, interaction.subject) == ("web", "inbound", "Invoice twice")
    assert interaction.notes == "I was billed twice in March."
    payloads = str(list(TraceEvent.objects.values_list("payload", flat=True)))
    assert "Moreau" not in payloads and "claire@" not in payloads and "billed" not in payloads


def test_an_agent_matches_a_known_phone_to_the_existing_client_and_its_routing(org, wf):
    APIClient().post(WEB_FORM, web_form(email="", phone="+33 3 20 12 34 56", agency="lille"), format="json")
    intake = Intake.objects.get()
    api = APIClient()
    api.force_authenticate(org.reception_a)

    suggestions = api.get(f"/api/v1/intakes/{intake.pk}/").json()["suggestions"]
    response = match(org.reception_a, intake.pk, client=org.client_a.pk)

    assert suggestions == [{"id": org.client_a.pk, "name": org.client_a.name}]
    assert response.status_code == 201, response.content
    assert ServiceRequest.objects.get().client == org.client_a
    assert Client.objects.count() == 3


def test_without_an_agency_the_message_waits_for_the_first_agency_by_code(org, wf):
    response = APIClient().post(WEB_FORM, web_form(agency=""), format="json")

    assert response.status_code == 201, response.content
    assert Intake.objects.get().agency == org.agency_b  # "amiens" < "lille" < "marseille"


def test_an_inbound_mail_matched_to_a_client_raises_a_lead_with_its_account_owner(org, wf):
    response = APIClient().post(EMAIL, inbound_mail(**{"from": org.client_a.email.upper()}), format="json", **SECRET)
    intake = Intake.objects.get()
    intake.agency = org.agency_a
    intake.save()

    matched = match(org.reception_a, intake.pk, client=org.client_a.pk)

    assert response.status_code == 201 and matched.status_code == 201, matched.content
    lead = Lead.objects.get()
    assert (lead.client, lead.assignee, lead.origin_channel) == (org.client_a, org.sales_a, "email")
    assert Interaction.objects.get(client=org.client_a).channel == "email"
    assert Client.objects.count() == 3


def test_a_missing_category_field_is_named_and_nothing_is_created(org, wf):
    response = APIClient().post(WEB_FORM, web_form(fields={}), format="json")

    assert response.status_code == 400
    assert "invoice_number" in response.json()["fields"]
    assert (Client.objects.count(), Intake.objects.count(), ServiceRequest.objects.count()) == (3, 0, 0)


def test_a_request_without_a_category_is_refused_naming_it(org, wf):
    response = APIClient().post(EMAIL, inbound_mail(kind="service_request"), format="json", **SECRET)

    assert response.status_code == 400
    assert "category" in response.json()
    assert Client.objects.count() == 3


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        (WEB_FORM, web_form(email="not-an-address"), "email"),
        (WEB_FORM, web_form(subject="x" * 201), "subject"),
        (WEB_FORM, web_form(email="", phone=""), "email"),
        (EMAIL, inbound_mail(**{"from": "nobody"}), "from"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(org, wf, url, body, field):
    response = APIClient().post(url, body, format="json", **SECRET)

    assert response.status_code == 400
    assert field in response.json()
    assert not Intake.objects.exists()


@pytest.mark.parametrize("headers", [{}, {"HTTP_X_INTAKE_SECRET": "guess"}])
def test_the_mail_webhook_refuses_a_wrong_or_missing_secret(org, wf, headers):
    response = APIClient().post(EMAIL, inbound_mail(), format="json", **headers)

    assert response.status_code == 403
    assert not Intake.objects.exists()


@override_settings(INTAKE_EMAIL_SECRET="")
def test_the_mail_webhook_is_off_until_a_secret_is_configured(org, wf):
    response = APIClient().post(EMAIL, inbound_mail(), format="json", **SECRET)

    assert response.status_code == 503
    assert not Intake.objects.exists()


def test_the_web_form_is_throttled(org, wf):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "intake": "2/min"}
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}):
        cache.clear()
        client = APIClient()
        assert [client.post(WEB_FORM, web_form(), format="json").status_code for _ in range(2)] == [201, 201]
        response = client.post(WEB_FORM, web_form(), format="json")

    assert response.status_code == 429
    assert Intake.objects.count() == 2


def test_the_intake_endpoints_are_in_the_api_schema(org):
    paths = APIClient().get("/api/schema/?format=json").json()["paths"]

    assert "/api/v1/intake/web-form/" in paths and "/api/v1/intake/email/" in paths
