"""Issue 7, finding 9, on PostgreSQL: the application connects as a role that cannot change the trace.

`manage.py db_roles` creates that role in the test database (as the tables' owner, which the test
runner is), then the test connects as it and tries what an intruder in the application would try.
The role is cluster-wide in PostgreSQL, so each test database gets its own, dropped at the end.
"""

import secrets
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import ProgrammingError, connection, transaction

from trace.catalogue import declare
from trace.models import TraceChain, TraceEvent
from trace.services import trace_append, trace_verify

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="database roles and privileges are PostgreSQL's; SQLite has neither",
    ),
]

THING_HAPPENED = declare("test.thing.happened", "A test thing happened")

REFUSED_TO_THE_APPLICATION = [
    "UPDATE trace_traceevent SET action = 'forged'",
    "DELETE FROM trace_traceevent",
    "TRUNCATE trace_traceevent",
    "UPDATE trace_tracechain SET key = 'client:0'",
    "DELETE FROM trace_tracechain",
    "TRUNCATE trace_tracechain",
    "INSERT INTO django_migrations (app, name, applied) VALUES ('trace', '9999_forged', now())",
    "ALTER TABLE trace_traceevent DISABLE TRIGGER USER",
    "DROP TRIGGER trace_tracechain_guard ON trace_tracechain",
    "CREATE TABLE intruder (id int)",
]


@pytest.fixture
def application_role(transactional_db):
    """A fresh application role for this test database, granted by `db_roles`; dropped afterwards."""
    role = f"{connection.settings_dict['NAME']}_app"[:63]
    password = secrets.token_urlsafe(24)
    call_command("db_roles", role=role, password=password, verbosity=0)
    try:
        yield role, password
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{role}"')
            cursor.execute(f'DROP ROLE "{role}"')


@contextmanager
def connected_as(role: str, password: str):
    """Django's own connection, reopened as `role`: the ORM and services run as the application would."""
    owner = {"USER": connection.settings_dict["USER"], "PASSWORD": connection.settings_dict["PASSWORD"]}
    connection.close()
    connection.settings_dict.update(USER=role, PASSWORD=password)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(owner)


def _append(object_id: int) -> TraceEvent:
    return trace_append(actor=None, action=THING_HAPPENED, object_type="test", object_id=object_id, client_id=7)


def test_finding_09_the_application_role_appends_but_cannot_update_delete_or_truncate_the_trace(application_role):
    _append(1)  # as the owner
    with connected_as(*application_role):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == application_role[0]
        _append(2)  # the application's own work goes on: append (head locked and moved), then verify
        assert trace_verify().ok

        for statement in REFUSED_TO_THE_APPLICATION:
            refused = pytest.raises(ProgrammingError, match="permission denied|must be owner")
            with refused, transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement)

    assert list(TraceEvent.objects.order_by("position").values_list("position", "action")) == [
        (1, "test.thing.happened"),
        (2, "test.thing.happened"),
    ]
    assert TraceChain.objects.get(key="client:7").length == 2
    assert trace_verify().ok


def test_the_application_role_runs_the_whole_demo_and_owns_nothing(application_role):
    """Every table the application writes is granted: seeding the demo touches all of them."""
    with connected_as(*application_role):
        call_command("seed_demo", clients=5, interactions_per_client=2, verbosity=0)
        call_command("verify_trace", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE tableowner = %s", [application_role[0]])
        assert cursor.fetchone()[0] == 0
    assert TraceEvent.objects.exists()


@pytest.mark.parametrize(
    ("setup", "refusal"),
    [
        ([], "the owner"),
        (["CREATE ROLE {role} SUPERUSER"], "superuser"),
        (["CREATE ROLE {role}", "CREATE TABLE {role}_table (id int)", "ALTER TABLE {role}_table OWNER TO {role}"],
         "owns tables"),
    ],
    ids=["the-owner", "a-superuser", "an-owner-of-tables"],
)  # fmt: skip
def test_db_roles_refuses_a_role_that_could_change_the_trace(db, setup, refusal):
    # Created inside the test's transaction, so rolled back with it.
    role = connection.settings_dict["USER"] if not setup else "relais_refused_role"
    with connection.cursor() as cursor:
        for statement in setup:
            cursor.execute(statement.format(role=role))
    with pytest.raises(CommandError, match=refusal):
        call_command("db_roles", role=role, verbosity=0)
