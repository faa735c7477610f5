from axes.models import AccessAttempt
from django.conf import settings
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from tests.api.conftest import PASSWORD


def test_without_credentials_the_api_answers_401(org):
    response = APIClient().get("/api/v1/clients/")
    assert response.status_code == 401
    assert response.json()["detail"]
    assert response.headers["WWW-Authenticate"].startswith("Token")


def test_a_key_from_auth_token_opens_the_api(org):
    response = APIClient().post("/api/v1/auth/token/", {"username": "reception_a", "password": PASSWORD})
    assert response.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get(f"/api/v1/clients/{org.client_a.pk}/").json()["name"] == "Boulangerie Dupont"


def test_asking_twice_gives_the_same_key(org):
    first = APIClient().post("/api/v1/auth/token/", {"username": "reception_a", "password": PASSWORD}).json()
    second = APIClient().post("/api/v1/auth/token/", {"username": "reception_a", "password": PASSWORD}).json()
    assert first["token"] == second["token"]


def test_a_wrong_password_gets_no_key(org):
    response = APIClient().post("/api/v1/auth/token/", {"username": "reception_a", "password": "guess"})
    assert response.status_code == 400
    assert "token" not in response.json()
    assert response.json()["detail"]


def test_a_missing_password_is_named(org):
    response = APIClient().post("/api/v1/auth/token/", {"username": "reception_a"})
    assert response.status_code == 400
    assert "password" in response.json()


def test_a_switched_off_person_gets_no_key(org):
    org.reception_a.is_active = False
    org.reception_a.save(update_fields=["is_active"])
    response = APIClient().post("/api/v1/auth/token/", {"username": "reception_a", "password": PASSWORD})
    assert response.status_code == 400


def test_failed_sign_ins_are_counted_and_lock_the_account_out(org):
    client = APIClient()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post("/api/v1/auth/token/", {"username": "sales_a", "password": "guess"}).status_code == 400
    assert AccessAttempt.objects.get(username="sales_a").failures_since_start == settings.AXES_FAILURE_LIMIT - 1

    locked = client.post("/api/v1/auth/token/", {"username": "sales_a", "password": "guess"})
    assert locked.status_code == 429
    assert locked.json()["detail"]
    # Even the right password is refused while the lockout lasts.
    assert client.post("/api/v1/auth/token/", {"username": "sales_a", "password": PASSWORD}).status_code == 429
    # Someone else from the same address is not affected.
    assert client.post("/api/v1/auth/token/", {"username": "sales_a2", "password": PASSWORD}).status_code == 200


def test_asking_for_keys_too_fast_is_throttled(org, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"token": "2/min"})
    client = APIClient()
    for _attempt in range(2):
        assert client.post("/api/v1/auth/token/", {"username": "reception_a", "password": PASSWORD}).status_code == 200
    response = client.post("/api/v1/auth/token/", {"username": "reception_a", "password": PASSWORD})
    assert response.status_code == 429
    assert "Retry-After" in response.headers


def test_a_signed_in_browser_session_uses_the_api_too(org, page_as):
    browser = page_as(org.reception_a)
    response = browser.get("/api/v1/clients/")
    assert response.status_code == 200
    assert [c["name"] for c in response.json()["results"]] == ["Boulangerie Dupont"]


def test_a_session_write_needs_the_csrf_token(org):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(org.reception_a)
    response = browser.post("/api/v1/interactions/", {"client": org.client_a.pk, "channel": "inbound_call",
                                                      "direction": "inbound", "subject": "Call"})  # fmt: skip
    assert response.status_code == 403


def test_a_program_signed_in_with_a_key_gets_answers_in_the_persons_language(org, token_client):
    org.reception_a.language = "fr"
    org.reception_a.save(update_fields=["language"])
    client = token_client("reception_a")

    response = client.post("/api/v1/clients/", {"agency": org.agency_a.pk}, format="json")

    assert response.status_code == 400
    assert response["Content-Language"] == "fr"
    assert response.json()["name"] == ["Ce champ est obligatoire."]
