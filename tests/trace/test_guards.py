"""The trace's triggers are all in place after every migration.

On SQLite, a migration that alters a trace table rebuilds it and silently drops its triggers; this
test is what notices (migration trace/0003 says how to put them back).
"""

import pytest
from django.db import connection

from tests.trace.tampering import TRACE_TABLES

pytestmark = pytest.mark.django_db

EXPECTED = {
    "sqlite": {
        ("trace_traceevent", "trace_traceevent_no_update"),
        ("trace_traceevent", "trace_traceevent_no_delete"),
        ("trace_traceevent", "trace_traceevent_keyed_only"),
        ("trace_traceevent", "trace_traceevent_follows_chain"),
        ("trace_tracechain", "trace_tracechain_no_delete"),
        ("trace_tracechain", "trace_tracechain_starts_empty"),
        ("trace_tracechain", "trace_tracechain_moves_forward"),
    },
    "postgresql": {
        ("trace_traceevent", "trace_traceevent_no_change"),
        ("trace_traceevent", "trace_traceevent_append_check"),
        ("trace_traceevent", "trace_traceevent_no_truncate"),
        ("trace_tracechain", "trace_tracechain_guard"),
        ("trace_tracechain", "trace_tracechain_no_truncate"),
    },
}


def _triggers() -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                " WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND c.relname = ANY(%s)",
                [list(TRACE_TABLES)],
            )
        else:
            cursor.execute(
                "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (%s, %s)",
                list(TRACE_TABLES),
            )
        return set(cursor.fetchall())


def test_every_trace_trigger_is_in_place_and_enabled():
    assert _triggers() == EXPECTED[connection.vendor]
