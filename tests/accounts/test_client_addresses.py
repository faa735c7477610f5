"""Finding 6: throttles and lock-out count by the client's real address, whatever X-Forwarded-For says.

Every counter keyed on an address reads it through TRUSTED_PROXY_COUNT (common/http.py): with no
proxy, the socket's address; behind N trusted proxies, the address the outermost one saw. A header a
client writes itself never moves it, and a lock-out holds one (username, address) pair only.
"""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import RequestFactory, override_settings
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from common.http import client_address

TOKEN = "/api/v1/auth/token/"
WEB_FORM = "/api/v1/intake/web-form/"
ATTACKER = "203.0.113.5"
PERSON = "198.51.100.9"
PROXY = "10.0.0.2"


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()  # the throttles' history lives in the cache, shared between tests
    yield
    cache.clear()


def throttle_rates(*, proxies: int | None = None, **rates: str):
    """The given throttle rates; with `proxies`, the settings production sets behind that many proxies."""
    rest = settings.REST_FRAMEWORK
    changed = {"DEFAULT_THROTTLE_RATES": {**rest["DEFAULT_THROTTLE_RATES"], **rates}}
    if proxies is None:
        return override_settings(REST_FRAMEWORK={**rest, **changed})
    return override_settings(TRUSTED_PROXY_COUNT=proxies, REST_FRAMEWORK={**rest, **changed, "NUM_PROXIES": proxies})


def post(path: str, data: dict, *, remote: str, forwarded: str | None = None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return APIClient().post(path, data, format="json", **headers)


def test_finding_06_a_forged_forwarded_for_does_not_bypass_the_token_throttle(db, monkeypatch):
    # DRF's scoped throttle copies its rates when its module loads: the rate is patched where it reads it.
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "token", "3/min")
    wrong = {"username": "nobody", "password": "wrong"}

    statuses = [post(TOKEN, wrong, remote=ATTACKER, forwarded=f"192.0.2.{n}").status_code for n in range(5)]

    assert statuses == [400, 400, 400, 429, 429]


def test_finding_06_a_forged_forwarded_for_does_not_bypass_the_web_form_throttle(db):
    with throttle_rates(intake="3/min"):  # the settings as they are
        statuses = [post(WEB_FORM, {}, remote=ATTACKER, forwarded=f"192.0.2.{n}").status_code for n in range(5)]

    assert statuses == [400, 400, 400, 429, 429]


def test_finding_06_behind_one_proxy_each_client_is_counted_by_the_address_the_proxy_saw(db):
    with throttle_rates(proxies=1, intake="2/min"):
        # The proxy appends the address it saw; whatever the client wrote before it is ignored.
        attacker = [post(WEB_FORM, {}, remote=PROXY, forwarded=f"192.0.2.{n}, {ATTACKER}").status_code
                    for n in range(3)]  # fmt: skip
        person = post(WEB_FORM, {}, remote=PROXY, forwarded=PERSON).status_code

    assert attacker == [400, 400, 429]
    assert person == 400  # another client behind the same proxy is not throttled for the attacker


@pytest.mark.parametrize(
    ("proxies", "attacker", "person"),
    [(0, {"remote": ATTACKER}, {"remote": PERSON}),
     (1, {"remote": PROXY, "forwarded": ATTACKER}, {"remote": PROXY, "forwarded": PERSON})],
    ids=["direct", "behind-one-proxy"],
)  # fmt: skip
def test_finding_06_five_wrong_passwords_from_one_address_do_not_lock_the_person_out_from_another(
    org, proxies, attacker, person
):
    username = org.reception_a.username
    with throttle_rates(proxies=proxies):
        guesses = [post(TOKEN, {"username": username, "password": f"guess-{n}"}, **attacker).status_code
                   for n in range(settings.AXES_FAILURE_LIMIT)]  # fmt: skip
        locked = post(TOKEN, {"username": username, "password": "pass-word-123"}, **attacker)
        elsewhere = post(TOKEN, {"username": username, "password": "pass-word-123"}, **person)

    assert guesses[:-1] == [400] * (settings.AXES_FAILURE_LIMIT - 1)
    assert locked.status_code == 429  # the pair (username, attacker's address) is locked out
    assert elsewhere.status_code == 200 and elsewhere.json()["token"]  # the person, from their address, is not


def test_the_lock_out_is_by_username_and_address_together_never_by_username_alone():
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_CLIENT_IP_CALLABLE == "common.http.client_address"
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == settings.TRUSTED_PROXY_COUNT


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [(0, None, "198.51.100.9"), (0, "192.0.2.1", "198.51.100.9"), (1, None, "198.51.100.9"),
     (1, "192.0.2.1", "192.0.2.1"), (1, "192.0.2.66, 192.0.2.1", "192.0.2.1"),
     (2, "192.0.2.66, 192.0.2.1, 10.0.0.1", "192.0.2.1"), (3, "192.0.2.1", "192.0.2.1")],
)  # fmt: skip
def test_the_client_address_is_the_one_the_outermost_trusted_proxy_saw(proxies, forwarded, expected):
    headers = {"REMOTE_ADDR": "198.51.100.9"}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        assert client_address(RequestFactory().get("/", **headers)) == expected
