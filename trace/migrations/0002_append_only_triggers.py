"""The trace table refuses UPDATE and DELETE at the database level, on SQLite and PostgreSQL.

TRUNCATE is left alone on PostgreSQL: it needs table-owner rights (which the application role should
not have in production) and the test runner uses it to reset the database between tests.
"""

from django.db import migrations

SQLITE_UP = [
    """CREATE TRIGGER trace_traceevent_no_update BEFORE UPDATE ON trace_traceevent
       BEGIN SELECT RAISE(ABORT, 'trace_traceevent is append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER trace_traceevent_no_delete BEFORE DELETE ON trace_traceevent
       BEGIN SELECT RAISE(ABORT, 'trace_traceevent is append-only: DELETE refused'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS trace_traceevent_no_update;",
    "DROP TRIGGER IF EXISTS trace_traceevent_no_delete;",
]
POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION trace_traceevent_refuse_change() RETURNS trigger AS $$
       BEGIN
         RAISE EXCEPTION 'trace_traceevent is append-only: % refused', TG_OP;
       END;
       $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER trace_traceevent_no_change BEFORE UPDATE OR DELETE ON trace_traceevent
       FOR EACH ROW EXECUTE FUNCTION trace_traceevent_refuse_change();""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS trace_traceevent_no_change ON trace_traceevent;",
    "DROP FUNCTION IF EXISTS trace_traceevent_refuse_change();",
]


def _run(statements_by_vendor: dict[str, list[str]]):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("trace", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        ),
    ]
