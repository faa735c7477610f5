import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
from tests.workflow.conftest import wf  # noqa: F401 - the workflow settings, for the workflow API's tests

PASSWORD = "pass-word-123"  # what tests.factories.UserFactory gives everyone


@pytest.fixture(autouse=True)
def fresh_throttle_history():
    # Throttles count requests in the cache, which outlives a test: start each one with a clean slate.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def token_client():
    """An API client signed in the way a program is: a key from auth/token/, sent on every request.

    Unlike `api_as`, each request loads the person afresh, as in production, so a change of rights
    shows on the next request.
    """

    def sign_in(username: str, password: str = PASSWORD) -> APIClient:
        response = APIClient().post("/api/v1/auth/token/", {"username": username, "password": password})
        assert response.status_code == 200, response.content
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
        return client

    return sign_in


@pytest.fixture
def queries_of_list():
    """How many SQL queries one GET of a list costs: compared at two data sizes, it shows an N+1."""

    def count(user: User, path: str) -> int:
        client = APIClient()
        # A fresh user row, as each real request loads: no rights memoised from an earlier call.
        client.force_authenticate(User.objects.get(pk=user.pk))
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, response.content
        assert response.json()["results"]
        return len(captured)

    return count
