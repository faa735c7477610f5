import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from tests.trace.tampering import guards_off
from trace.catalogue import UndeclaredEvent, declare
from trace.models import TraceEvent
from trace.services import GENESIS_HASH, client_chain, trace_append, trace_verify

# The trace app declares no event of its own: these tests declare one, as an app's events.py would.
THING_HAPPENED = declare("test.thing.happened", "A test thing happened")


def _events(n: int, client_id: int = 1):
    return [
        trace_append(
            actor=None,
            action=THING_HAPPENED,
            object_type="test",
            object_id=i,
            client_id=client_id,
            payload={"step": i},
        )  # fmt: skip
        for i in range(n)
    ]


@pytest.mark.django_db
def test_events_chain_per_client():
    first, second = _events(2, client_id=7)
    other = _events(1, client_id=8)[0]
    assert (first.chain, first.position, first.prev_hash) == (client_chain(7), 1, GENESIS_HASH)
    assert (second.position, second.prev_hash) == (2, first.hash)
    assert (other.position, other.prev_hash) == (1, GENESIS_HASH)
    assert trace_verify().ok


@pytest.mark.django_db
def test_an_event_needs_a_chain():
    with pytest.raises(ValueError, match="chain"):
        trace_append(actor=None, action=THING_HAPPENED, object_type="t", object_id=1)


@pytest.mark.django_db
def test_an_action_nobody_declared_is_refused_and_nothing_is_written():
    with pytest.raises(UndeclaredEvent, match="test.thing.vanished"):
        trace_append(actor=None, action="test.thing.vanished", object_type="t", object_id=1, client_id=7)
    assert not TraceEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    ["UPDATE trace_traceevent SET action = 'forged' WHERE id = %s", "DELETE FROM trace_traceevent WHERE id = %s"],
)
def test_the_database_refuses_to_change_or_remove_a_trace_row(statement):
    event = _events(1)[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [event.pk])
    assert TraceEvent.objects.get(pk=event.pk).action == "test.thing.happened"


@pytest.mark.django_db
def test_orm_update_and_delete_are_refused_too():
    event = _events(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        TraceEvent.objects.filter(pk=event.pk).update(payload={"step": 99})
    with pytest.raises(DatabaseError), transaction.atomic():
        TraceEvent.objects.filter(pk=event.pk).delete()


def _drop_triggers(cursor) -> None:
    guards_off(cursor)


@pytest.mark.django_db
def test_verify_names_the_exact_event_whose_payload_was_altered_behind_the_triggers():
    events = _events(4)
    tampered = events[2]
    with connection.cursor() as cursor:
        _drop_triggers(cursor)  # rolled back with the test's transaction
        payload = '{"step": 42}'
        cursor.execute("UPDATE trace_traceevent SET payload = %s WHERE id = %s", [payload, tampered.pk])
    result = trace_verify()
    assert not result.ok
    assert result.broken.event_id == tampered.pk
    assert "hash" in result.broken.reason
    with pytest.raises(CommandError, match=f"event {tampered.pk}"):
        call_command("verify_trace")


@pytest.mark.django_db
def test_verify_notices_a_removed_event():
    events = _events(3)
    with connection.cursor() as cursor:
        _drop_triggers(cursor)
        cursor.execute("DELETE FROM trace_traceevent WHERE id = %s", [events[1].pk])
    result = trace_verify()
    assert result.broken.event_id == events[2].pk
    assert "missing" in result.broken.reason


@pytest.mark.django_db
def test_verify_notices_a_removed_last_event():
    events = _events(2)
    with connection.cursor() as cursor:
        _drop_triggers(cursor)
        cursor.execute("DELETE FROM trace_traceevent WHERE id = %s", [events[1].pk])
    result = trace_verify()
    assert not result.ok and result.broken.position == 2


@pytest.mark.django_db
def test_verify_command_reports_an_intact_trace(capsys):
    _events(3)
    call_command("verify_trace")
    assert "Trace intact: 3 events in 1 chains" in capsys.readouterr().out
