from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from accounts.models import User
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


# --- Issue 7, finding 8: odd credentials are a 400, never a 500 -------------------------------------------


@pytest.mark.parametrize(
    "body, field",
    [
        ({"username": "u" * 300, "password": "whatever"}, "username"),
        ({"username": "reception\x00_a", "password": PASSWORD}, "username"),
        ({"username": "reception_a", "password": "pass\x00word"}, "password"),
        ({"username": "reception_a", "password": "p" * 5000}, "password"),
    ],
)
def test_finding_08_long_username_or_nul_bytes_at_token_are_a_400_naming_the_field(org, body, field):
    response = APIClient().post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not AccessAttempt.objects.filter(username__startswith="uuuu").exists()


# --- Issue 7, finding 13: credentials that expire --------------------------------------------------------


def _key(username: str = "reception_a") -> dict:
    response = APIClient().post("/api/v1/auth/token/", {"username": username, "password": PASSWORD})
    assert response.status_code == 200
    return response.json()


def _with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_finding_13_a_key_expires_after_the_configured_hours_and_asking_again_gives_a_new_one(org, settings):
    settings.API_TOKEN_TTL_HOURS = 24
    answer = _key()
    issued = Token.objects.get(key=answer["token"]).created
    assert answer["expires_at"].startswith(str((issued + timedelta(hours=24)).year))
    assert _with(answer["token"]).get("/api/v1/regions/").status_code == 200

    Token.objects.filter(key=answer["token"]).update(created=timezone.now() - timedelta(hours=24, seconds=1))
    refused = _with(answer["token"]).get("/api/v1/regions/")
    assert refused.status_code == 401
    assert "expired" in refused.json()["detail"]

    renewed = _key()
    assert renewed["token"] != answer["token"]
    assert _with(renewed["token"]).get("/api/v1/regions/").status_code == 200


def test_finding_13_a_password_change_revokes_the_key(org):
    key = _key()["token"]
    person = User.objects.get(username="reception_a")
    person.set_password("An0ther-long-passphrase")
    person.save()
    assert _with(key).get("/api/v1/regions/").status_code == 401
    fresh = APIClient().post("/api/v1/auth/token/", {"username": "reception_a", "password": "An0ther-long-passphrase"})
    assert fresh.json()["token"] != key
    assert _with(fresh.json()["token"]).get("/api/v1/regions/").status_code == 200


def test_finding_13_switching_someone_off_deletes_their_key(org, api_as):
    key = _key("sales_a2")["token"]
    assert api_as(org.admin).post(f"/api/v1/users/{org.sales_a2.pk}/deactivate/", {}, format="json").status_code == 200
    assert not Token.objects.filter(key=key).exists()
    assert _with(key).get("/api/v1/regions/").status_code == 401


def test_finding_13_sessions_end_after_the_idle_setting_and_slide_with_use(org, client, settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    client.force_login(org.reception_a)
    first = client.get("/api/v1/regions/")
    assert first.status_code == 200
    session = Session.objects.get()
    assert session.expire_date <= timezone.now() + timedelta(hours=8, seconds=5)
    assert session.expire_date >= timezone.now() + timedelta(hours=8) - timedelta(
        seconds=settings.SESSION_REFRESH_SECONDS + 5
    )

    # Within the refresh interval, a request does not write the session again (no SQLite write per page).
    expiry = session.expire_date
    client.get("/api/v1/regions/")
    assert Session.objects.get().expire_date == expiry

    # Idle past the limit: signed out.
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/regions/").status_code in (401, 403)
