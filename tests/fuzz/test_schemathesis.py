"""Fuzzing the API from its OpenAPI schema (issue 7, Done 7.3): schemathesis, in process, as several roles.

Every operation of /api/schema/ is called with generated input (valid and invalid) as anonymous,
reception, a salesperson, a manager and the admin, on a seeded database (tests/permissions/world.py).
Each answer must be no 5xx, a status code the schema documents, a body that matches the schema and a
declared content type. After each role's run, what that role may not set is as it was.

Marked `fuzz`: it runs when RELAIS_FUZZ=1 (CI's PostgreSQL pass; `make fuzz`), a few minutes at
FUZZ_EXAMPLES examples per operation and role.
"""

import os
from contextlib import contextmanager

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import Team, User
from config.wsgi import application
from crm.models import Client
from tests.permissions.urls import COLLECTION_KIND, PARAMETER_KIND
from tests.permissions.world import build_world
from tests.workflow.conftest import wf  # noqa: F401 - the workflow's categories and rules
from workflow.models import Category, RoutingRule

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
ROLES = ("anonymous", "reception", "sales", "manager", "admin")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
PASSWORD = "pass-word-123"  # tests.factories.UserFactory's
# Throttles would answer 429 long before the examples run out; the mail webhook needs its secret.
UNTHROTTLED = {"anon": None, "user": None, "token": None, "intake": None, "intake_email": None}


def _schema():
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


def protected(role: str, seeded_clients: int) -> dict:
    """What this role may not change, as it stands: client owners, people's powers, teams, settings."""
    state = {
        "superusers": sorted(User.objects.filter(is_superuser=True).values_list("pk", flat=True)),
        "staff": sorted(User.objects.filter(is_staff=True).values_list("pk", flat=True)),
    }
    if role != "admin":
        state["teams"] = sorted(Team.objects.values_list("pk", "kind", "agency_id", "region_id"))
        state["users"] = sorted(User.objects.values_list("pk", "username", "is_active"))
        state["categories"] = sorted(Category.objects.values_list("pk", "code", "response_hours", "resolution_hours"))
        state["rules"] = sorted(RoutingRule.objects.values_list("pk", "order", "target_type"))
    if role not in ("admin", "manager"):
        # Only a manager of the agency or an admin names an account owner (finding 1): the clients that
        # were there keep theirs, and those the role created have none.
        state["owners"] = dict(Client.objects.filter(pk__lte=seeded_clients).values_list("pk", "account_owner_id"))
        state["new clients with an owner"] = list(
            Client.objects.filter(pk__gt=seeded_clients, account_owner__isnull=False).values_list("pk", flat=True)
        )
    return state


def _headers(world, role: str) -> dict:
    headers = {"X-Intake-Secret": "test-intake-secret"}
    person = world.people[role]
    if person is not None:
        answer = APIClient().post("/api/v1/auth/token/", {"username": person.username, "password": PASSWORD})
        assert answer.status_code == 200, answer.content
        headers["Authorization"] = f"Token {answer.json()['token']}"
    return headers


@contextmanager
def connections_kept_open():
    """As Django's test client does: a request must not close the connection holding the test's transaction.

    schemathesis calls the WSGI application itself, so Django's request signals would close it on
    PostgreSQL (SQLite's in-memory database is never closed).
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _aim_at_seeded_objects(case, world) -> None:
    """Three ids in four are a seeded object's (at Lille, Amiens or Marseille), so the calls reach real rows."""
    for name, value in (case.path_parameters or {}).items():
        kind = PARAMETER_KIND.get(name) or COLLECTION_KIND.get(case.path.split("/")[3])
        seeded = list(world.ids.get(kind, {}).values())
        if seeded and isinstance(value, int) and value % 4:
            case.path_parameters[name] = seeded[value % len(seeded)]


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_answers_within_its_schema(org, wf, role):  # noqa: F811
    world = build_world(org, wf)
    for person in world.people.values():
        if person is not None:
            person.set_password(PASSWORD)
            person.save(update_fields=["password"])
    cache.clear()
    headers = _headers(world, role)
    seeded_clients = Client.objects.order_by("-pk").values_list("pk", flat=True).first()
    before = protected(role, seeded_clients)
    failures: list[str] = []
    operations = 0
    calls = []
    rates = {"DEFAULT_THROTTLE_RATES": UNTHROTTLED}
    with override_settings(REST_FRAMEWORK={**django_settings.REST_FRAMEWORK, **rates}), connections_kept_open():
        for result in _schema().get_all_operations():
            operation = result.ok()
            operations += 1

            @given(case=operation.as_strategy())
            @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))  # fmt: skip
            def call(case):
                _aim_at_seeded_objects(case, world)
                if role == "anonymous" or case.path != "/api/v1/auth/token/":
                    case.headers = {**(case.headers or {}), **headers}
                response = case.call()
                calls.append(response.status_code)
                case.validate_response(response, checks=CHECKS)

            try:
                call()
            except KeyboardInterrupt:
                raise
            except BaseException as error:  # noqa: BLE001 - every operation's failure is listed, not only the first
                failures.append(f"{operation.method.upper()} {operation.path}: {str(error)[:1500]}")

    assert operations > 50 and len(calls) >= operations
    print(f"{role}: {operations} operations, {len(calls)} calls, {sum(c >= 500 for c in calls)} answered 5xx")
    assert not failures, f"{role}: {len(failures)} operations out of the schema\n" + "\n\n".join(failures)
    after = protected(role, seeded_clients)
    assert after == before, f"{role} changed what it may not set: {[k for k in before if before[k] != after[k]]}"
