"""Keyed hashes, and the database guarding the chain heads and refusing TRUNCATE (docs/trace.md).

1. Every event records its hash scheme. Events already written were hashed with plain SHA-256: they
   are marked `sha256`; every new event is `hmac-sha256:<key id>`.
2. Triggers, on PostgreSQL and SQLite:
   - events: UPDATE and DELETE refused (as in 0002); an INSERT must be keyed and follow its chain's
     last event (position and prev_hash);
   - heads: a head starts empty, is never deleted, and an UPDATE moves it exactly one event forward,
     to the event just appended after it;
   - PostgreSQL also refuses TRUNCATE of both tables. The one exception is the test runner's flush
     between transactional tests: it runs as the tables' owner with `relais.trace_flush = 'allowed'`
     set for its session (config/settings/test.py). Any role may set such a variable, so the trigger
     also requires the caller to be (a member of) the owner, who could drop the trigger anyway; the
     application role has no TRUNCATE privilege at all (`manage.py db_roles`).
   SQLite rebuilds a table to add a column, which drops its triggers: 0002's are dropped first and
   created again here. A later migration that alters these tables on SQLite must do the same
   (tests/trace/test_guards.py fails if a trigger is missing).
3. Every chain holding unkeyed events is sealed: one keyed `trace.chain.sealed` event is appended
   after them, under the key configured when this runs (`trace.services.trace_seal_unkeyed_chains`).
"""

from django.db import migrations, models

GENESIS = "0" * 64

SQLITE_DROP_0002 = [
    "DROP TRIGGER IF EXISTS trace_traceevent_no_update;",
    "DROP TRIGGER IF EXISTS trace_traceevent_no_delete;",
]
# 0002's triggers, as they were.
SQLITE_0002 = [
    """CREATE TRIGGER trace_traceevent_no_update BEFORE UPDATE ON trace_traceevent
       BEGIN SELECT RAISE(ABORT, 'trace_traceevent is append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER trace_traceevent_no_delete BEFORE DELETE ON trace_traceevent
       BEGIN SELECT RAISE(ABORT, 'trace_traceevent is append-only: DELETE refused'); END;""",
]
SQLITE_UP = [
    *SQLITE_0002,
    """CREATE TRIGGER trace_traceevent_keyed_only BEFORE INSERT ON trace_traceevent
       WHEN NEW.hash_scheme NOT LIKE 'hmac-sha256:%'
       BEGIN SELECT RAISE(ABORT, 'trace_traceevent: a new event is hashed with the trace key'); END;""",
    f"""CREATE TRIGGER trace_traceevent_follows_chain BEFORE INSERT ON trace_traceevent
       WHEN (NEW.position = 1 AND NEW.prev_hash <> '{GENESIS}')
         OR (NEW.position <> 1 AND NOT EXISTS (
               SELECT 1 FROM trace_traceevent AS previous
               WHERE previous.chain = NEW.chain AND previous.position = NEW.position - 1
                 AND previous.hash = NEW.prev_hash))
       BEGIN SELECT RAISE(ABORT, 'trace_traceevent: a new event follows its chain''s last event'); END;""",
    """CREATE TRIGGER trace_tracechain_no_delete BEFORE DELETE ON trace_tracechain
       BEGIN SELECT RAISE(ABORT, 'trace_tracechain: a chain head is never removed (DELETE refused)'); END;""",
    """CREATE TRIGGER trace_tracechain_starts_empty BEFORE INSERT ON trace_tracechain
       WHEN NEW.length <> 0 OR NEW.last_hash <> ''
       BEGIN SELECT RAISE(ABORT, 'trace_tracechain: a new chain head starts empty'); END;""",
    f"""CREATE TRIGGER trace_tracechain_moves_forward BEFORE UPDATE ON trace_tracechain
       WHEN NEW.id <> OLD.id OR NEW.key <> OLD.key OR NEW.length <> OLD.length + 1
         OR NOT EXISTS (
               SELECT 1 FROM trace_traceevent AS appended
               WHERE appended.chain = NEW.key AND appended.position = NEW.length
                 AND appended.hash = NEW.last_hash
                 AND appended.prev_hash = CASE WHEN OLD.length = 0 THEN '{GENESIS}' ELSE OLD.last_hash END)
       BEGIN SELECT RAISE(ABORT,
         'trace_tracechain: a chain head moves forward by one appended event at a time (UPDATE refused)'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS trace_traceevent_keyed_only;",
    "DROP TRIGGER IF EXISTS trace_traceevent_follows_chain;",
    "DROP TRIGGER IF EXISTS trace_tracechain_no_delete;",
    "DROP TRIGGER IF EXISTS trace_tracechain_starts_empty;",
    "DROP TRIGGER IF EXISTS trace_tracechain_moves_forward;",
]

POSTGRES_UP = [
    f"""CREATE OR REPLACE FUNCTION trace_traceevent_check_append() RETURNS trigger AS $$
       BEGIN
         IF NEW.hash_scheme NOT LIKE 'hmac-sha256:%' THEN
           RAISE EXCEPTION 'trace_traceevent: a new event is hashed with the trace key (scheme % refused)',
             NEW.hash_scheme;
         END IF;
         IF (NEW.position = 1 AND NEW.prev_hash <> '{GENESIS}')
            OR (NEW.position <> 1 AND NOT EXISTS (
                  SELECT 1 FROM trace_traceevent AS previous
                  WHERE previous.chain = NEW.chain AND previous.position = NEW.position - 1
                    AND previous.hash = NEW.prev_hash)) THEN
           RAISE EXCEPTION 'trace_traceevent: a new event follows its chain''s last event (% at %)',
             NEW.chain, NEW.position;
         END IF;
         RETURN NEW;
       END;
       $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER trace_traceevent_append_check BEFORE INSERT ON trace_traceevent
       FOR EACH ROW EXECUTE FUNCTION trace_traceevent_check_append();""",
    f"""CREATE OR REPLACE FUNCTION trace_tracechain_check_change() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'DELETE' THEN
           RAISE EXCEPTION 'trace_tracechain: a chain head is never removed (DELETE refused)';
         END IF;
         IF TG_OP = 'INSERT' THEN
           IF NEW.length <> 0 OR NEW.last_hash <> '' THEN
             RAISE EXCEPTION 'trace_tracechain: a new chain head starts empty';
           END IF;
           RETURN NEW;
         END IF;
         IF NEW.id <> OLD.id OR NEW.key <> OLD.key OR NEW.length <> OLD.length + 1
            OR NOT EXISTS (
                 SELECT 1 FROM trace_traceevent AS appended
                 WHERE appended.chain = NEW.key AND appended.position = NEW.length
                   AND appended.hash = NEW.last_hash
                   AND appended.prev_hash = CASE WHEN OLD.length = 0 THEN '{GENESIS}' ELSE OLD.last_hash END) THEN
           RAISE EXCEPTION
             'trace_tracechain: a chain head moves forward by one appended event at a time (UPDATE of % refused)',
             OLD.key;
         END IF;
         RETURN NEW;
       END;
       $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER trace_tracechain_guard BEFORE INSERT OR UPDATE OR DELETE ON trace_tracechain
       FOR EACH ROW EXECUTE FUNCTION trace_tracechain_check_change();""",
    """CREATE OR REPLACE FUNCTION trace_refuse_truncate() RETURNS trigger AS $$
       BEGIN
         IF current_setting('relais.trace_flush', true) = 'allowed'
            AND pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
           RETURN NULL;
         END IF;
         RAISE EXCEPTION '% is append-only: TRUNCATE refused', TG_TABLE_NAME;
       END;
       $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER trace_traceevent_no_truncate BEFORE TRUNCATE ON trace_traceevent
       FOR EACH STATEMENT EXECUTE FUNCTION trace_refuse_truncate();""",
    """CREATE TRIGGER trace_tracechain_no_truncate BEFORE TRUNCATE ON trace_tracechain
       FOR EACH STATEMENT EXECUTE FUNCTION trace_refuse_truncate();""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS trace_tracechain_no_truncate ON trace_tracechain;",
    "DROP TRIGGER IF EXISTS trace_traceevent_no_truncate ON trace_traceevent;",
    "DROP FUNCTION IF EXISTS trace_refuse_truncate();",
    "DROP TRIGGER IF EXISTS trace_tracechain_guard ON trace_tracechain;",
    "DROP FUNCTION IF EXISTS trace_tracechain_check_change();",
    "DROP TRIGGER IF EXISTS trace_traceevent_append_check ON trace_traceevent;",
    "DROP FUNCTION IF EXISTS trace_traceevent_check_append();",
]


def _run(statements_by_vendor: dict[str, list[str]]):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


def seal_unkeyed_chains(apps, schema_editor):
    from trace.services import trace_seal_unkeyed_chains

    # On the migration's own connection: `migrate --database owner` runs as the tables' owner, while
    # the default connection is the application role, which may not exist yet.
    trace_seal_unkeyed_chains(
        event_model=apps.get_model("trace", "TraceEvent"),
        chain_model=apps.get_model("trace", "TraceChain"),
        using=schema_editor.connection.alias,
    )


class Migration(migrations.Migration):
    dependencies = [("trace", "0002_append_only_triggers")]

    operations = [
        # SQLite: 0002's triggers would vanish with the rebuilt table; they come back below.
        migrations.RunPython(_run({"sqlite": SQLITE_DROP_0002}), _run({"sqlite": SQLITE_DROP_0002 + SQLITE_0002})),
        migrations.AddField(
            model_name="traceevent",
            name="hash_scheme",
            field=models.CharField(default="sha256", max_length=40, verbose_name="hash scheme"),
            preserve_default=False,
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN + SQLITE_DROP_0002, "postgresql": POSTGRES_DOWN}),
        ),
        migrations.RunPython(seal_unkeyed_chains, migrations.RunPython.noop),
    ]
