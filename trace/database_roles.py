"""The PostgreSQL application role: what the serving processes may do to the tables (docs/trace.md).

The tables belong to the role that runs the migrations (the owner). The web, worker and beat connect
as an application role that owns nothing, and is granted exactly:

- every ordinary table: SELECT, INSERT, UPDATE, DELETE;
- the trace's events: SELECT and INSERT only, so UPDATE, DELETE and TRUNCATE are refused by privilege
  before any trigger runs;
- the chain heads: SELECT, INSERT, and UPDATE of `length` and `last_hash` only (appending moves a head;
  the trigger of migration trace/0003 lets it move only one appended event forward); no DELETE, no
  TRUNCATE;
- `django_migrations`: SELECT only (the application reads which migrations ran, never records one);
- USAGE and SELECT on the sequences; USAGE on the schema, never CREATE.

Applying the grants is idempotent: every table's privileges for the role are revoked, then granted
again, so running it after each `migrate` also covers the tables that migration created.
"""

from dataclasses import dataclass

from django.db.backends.base.base import BaseDatabaseWrapper

from trace.models import TraceChain, TraceEvent

ORDINARY = "SELECT, INSERT, UPDATE, DELETE"


class RoleRefused(Exception):
    """The role cannot serve as the application role (it is the owner, a superuser, or owns tables)."""


@dataclass(frozen=True)
class Grants:
    role: str
    created: bool
    statements: tuple[str, ...]


def _table_grants(table: str) -> list[str]:
    """What the application role may do to one table: the privilege lists of its GRANT statements."""
    if table == TraceEvent._meta.db_table:
        return ["SELECT, INSERT"]
    if table == TraceChain._meta.db_table:
        return ["SELECT, INSERT", "UPDATE (length, last_hash)"]
    if table == "django_migrations":
        return ["SELECT"]
    return [ORDINARY]


def grant_application_role(*, connection: BaseDatabaseWrapper, role: str, password: str | None) -> Grants:
    """Create `role` if missing (LOGIN, no other attribute), set its password if given, and grant it
    exactly what the application needs on the tables of the current schema.

    `connection` is the owner's. Refuses (RoleRefused) a role that is the connection's own, a
    superuser, or the owner of any table in the schema: such a role could change the trace.
    """
    quote = connection.ops.quote_name
    statements: list[str] = []

    def run(cursor, statement: str, params: list | None = None) -> None:
        cursor.execute(statement, params)
        statements.append(statement)

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_database(), current_schema()")
        owner, database, schema = cursor.fetchone()
        if role == owner:
            raise RoleRefused(f"{role} is the role these grants run as (the owner): the application needs another.")
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
        found = cursor.fetchone()
        if found and found[0]:
            raise RoleRefused(f"{role} is a superuser: it could change the trace whatever is granted.")
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tableowner = %s ORDER BY tablename",
            [schema, role],
        )
        owned = [name for (name,) in cursor.fetchall()]
        if owned:
            raise RoleRefused(f"{role} owns tables ({', '.join(owned[:5])}): run the migrations as the owner instead.")
        if not found:
            run(cursor, f"CREATE ROLE {quote(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION")
        if password:
            # Parameters are bound client-side, so the password reaches the server quoted, never logged here.
            cursor.execute(f"ALTER ROLE {quote(role)} PASSWORD %s", [password])
            statements.append(f"ALTER ROLE {quote(role)} PASSWORD '…'")
        run(cursor, f"GRANT CONNECT ON DATABASE {quote(database)} TO {quote(role)}")
        run(cursor, f"GRANT USAGE ON SCHEMA {quote(schema)} TO {quote(role)}")
        run(cursor, f"REVOKE CREATE ON SCHEMA {quote(schema)} FROM {quote(role)}")
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [schema])
        for (table,) in cursor.fetchall():
            run(cursor, f"REVOKE ALL ON TABLE {quote(table)} FROM {quote(role)}")
            for privileges in _table_grants(table):
                run(cursor, f"GRANT {privileges} ON TABLE {quote(table)} TO {quote(role)}")
        run(cursor, f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {quote(schema)} TO {quote(role)}")
    return Grants(role=role, created=not found, statements=tuple(statements))
