"""What an attacker who owns the trace tables can do, for tests to show what is still detected.

Every change here runs inside the test's transaction, so turning the guards off is rolled back with it.
"""

from collections.abc import Callable
from typing import Any

from django.db import connection

from trace.hashing import UNKEYED_SCHEME, canonical_of, current_scheme, event_hash
from trace.models import TraceChain, TraceEvent
from trace.services import GENESIS_HASH

TRACE_TABLES = (TraceEvent._meta.db_table, TraceChain._meta.db_table)


def guards_off(cursor) -> None:
    """Turn off every trigger on the trace tables, as their owner may (PostgreSQL) or drop them (SQLite)."""
    if connection.vendor == "postgresql":
        for table in TRACE_TABLES:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        return
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (%s, %s)", list(TRACE_TABLES))
    for (name,) in cursor.fetchall():
        cursor.execute(f"DROP TRIGGER {name}")


def sha256_without_key(canonical: str, prev_hash: str, _scheme: str) -> str:
    """What someone without the key computes: the unkeyed scheme, whatever the event says."""
    return event_hash(canonical, prev_hash, UNKEYED_SCHEME)


def rewrite_chain(
    chain: str,
    *,
    payloads: dict[int, dict[str, Any]],
    scheme: str | None = None,
    hasher: Callable[[str, str, str], str] = event_hash,
    up_to: int | None = None,
) -> None:
    """Change some events' payloads (by position), then recompute every hash from the first changed
    event to the chain's end, and its head: what a rewrite needs for the links to hold.

    `scheme`: the scheme each rewritten event is labelled with (default: the current keyed one);
    `hasher`: how each hash is computed (default: properly, as someone holding the key would);
    `up_to`: stop after this position, leaving the events after it (and the head) as they were.
    """
    scheme = scheme or current_scheme()
    prev_hash = GENESIS_HASH
    with connection.cursor() as cursor:
        guards_off(cursor)
    first_changed = min(payloads)
    events = TraceEvent.objects.filter(chain=chain).order_by("position")
    if up_to is not None:
        events = events.filter(position__lte=up_to)
    for event in events:
        if event.position < first_changed:
            prev_hash = event.hash
            continue
        payload = payloads.get(event.position, event.payload)
        canonical = canonical_of(event, payload=payload)
        new_hash = hasher(canonical, prev_hash, scheme)
        TraceEvent.objects.filter(pk=event.pk).update(
            payload=payload, prev_hash=prev_hash, hash=new_hash, hash_scheme=scheme
        )
        prev_hash = new_hash
    if up_to is None:
        TraceChain.objects.filter(key=chain).update(last_hash=prev_hash)


def truncate_trace() -> None:
    """Empty the events and the heads: TRUNCATE on PostgreSQL, DELETE on SQLite (which has no TRUNCATE)."""
    with connection.cursor() as cursor:
        guards_off(cursor)
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(TRACE_TABLES)}")
        else:
            for table in TRACE_TABLES:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - a model's table
