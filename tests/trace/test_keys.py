"""The trace key: its own secret, rotated without breaking old events, and the unkeyed past sealed."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from tests.trace.tampering import rewrite_chain, sha256_without_key
from trace.catalogue import declare
from trace.events import CHAIN_SEALED
from trace.hashing import UNKEYED_SCHEME, current_scheme, event_hash, key_id
from trace.models import TraceChain, TraceEvent
from trace.services import client_chain, org_chain, trace_append, trace_seal_unkeyed_chains, trace_verify

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent.parent
THING_HAPPENED = declare("test.thing.happened", "A test thing happened")
OLD_KEY = "old-trace-key-" + "a" * 32
NEW_KEY = "new-trace-key-" + "b" * 32


def _append(n: int, client_id: int = 7) -> list[TraceEvent]:
    return [
        trace_append(actor=None, action=THING_HAPPENED, object_type="test", object_id=i, client_id=client_id)
        for i in range(n)
    ]


def test_events_are_keyed_with_the_trace_key_not_the_secret_key(settings):
    assert settings.TRACE_HMAC_KEY != settings.SECRET_KEY
    event = _append(1)[0]
    assert event.hash_scheme == f"hmac-sha256:{key_id(settings.TRACE_HMAC_KEY)}"
    with override_settings(SECRET_KEY="another-secret-key-" + "c" * 40):
        assert trace_verify().ok  # rotating Django's secret key does not touch the trace


def test_a_rotated_key_still_verifies_the_events_it_hashed_while_it_is_listed_as_retired():
    with override_settings(TRACE_HMAC_KEY=OLD_KEY):
        _append(2)
    with override_settings(TRACE_HMAC_KEY=NEW_KEY, TRACE_HMAC_RETIRED_KEYS=[OLD_KEY]):
        _append(2)
        assert (
            list(TraceEvent.objects.order_by("position").values_list("hash_scheme", flat=True))
            == [f"hmac-sha256:{key_id(OLD_KEY)}"] * 2 + [f"hmac-sha256:{key_id(NEW_KEY)}"] * 2
        )
        assert trace_verify().ok
    with override_settings(TRACE_HMAC_KEY=NEW_KEY, TRACE_HMAC_RETIRED_KEYS=[]):
        broken = trace_verify().broken
        assert (broken.chain, broken.position) == (client_chain(7), 1)
        assert f"hashed with the key {key_id(OLD_KEY)}, which this server does not hold" in broken.reason


def test_an_anchor_signed_before_a_rotation_is_checked_with_the_retired_key(tmp_path):
    anchor = tmp_path / "anchor.json"
    with override_settings(TRACE_HMAC_KEY=OLD_KEY):
        _append(2)
        call_command("trace_anchor", output=anchor)
    refused = pytest.raises(CommandError, match=f"signed with the key {key_id(OLD_KEY)}, which this server does not")
    with override_settings(TRACE_HMAC_KEY=NEW_KEY, TRACE_HMAC_RETIRED_KEYS=[]), refused:
        call_command("verify_trace", anchor=anchor)
    with override_settings(TRACE_HMAC_KEY=NEW_KEY, TRACE_HMAC_RETIRED_KEYS=[OLD_KEY]):
        _append(1)
        call_command("verify_trace", anchor=anchor)


def test_the_key_id_names_a_key_without_revealing_it():
    assert key_id(OLD_KEY) == key_id(OLD_KEY) != key_id(NEW_KEY)
    assert len(key_id(OLD_KEY)) == 16 and key_id(OLD_KEY) not in OLD_KEY


def _written_before_keys(chain: str) -> None:
    """Rewrite a chain as the first version of the trace wrote it: plain SHA-256, labelled so."""
    first = TraceEvent.objects.get(chain=chain, position=1)
    rewrite_chain(chain, payloads={1: first.payload}, scheme=UNKEYED_SCHEME, hasher=event_hash)


def test_chains_written_before_keys_fail_until_sealed_then_verify_and_stay_bound():
    _append(3)
    trace_append(actor=None, action=THING_HAPPENED, object_type="test", object_id=1, chain=org_chain("national"))
    _written_before_keys(client_chain(7))
    _written_before_keys(org_chain("national"))
    assert trace_verify().broken.reason == "the chain ends with events hashed without the key"

    assert trace_seal_unkeyed_chains() == 2
    assert trace_seal_unkeyed_chains() == 0  # a second run finds nothing left to seal
    assert trace_verify().ok
    seal = TraceEvent.objects.get(chain=client_chain(7), position=4)
    assert (seal.action, seal.hash_scheme, seal.client_id) == (CHAIN_SEALED.action, current_scheme(), 7)
    assert seal.payload == {"unkeyed_events": 3, "scheme": UNKEYED_SCHEME}
    assert TraceChain.objects.get(key=client_chain(7)).length == 4

    # The sealed past is bound: recomputing it with plain SHA-256 breaks the seal's link to it.
    rewrite_chain(client_chain(7), payloads={2: {"forged": True}}, scheme=UNKEYED_SCHEME,
                  hasher=sha256_without_key, up_to=3)  # fmt: skip
    broken = trace_verify().broken
    assert (broken.chain, broken.position, broken.reason) == (
        client_chain(7), 4, "prev_hash does not match the previous event's hash"
    )  # fmt: skip


def test_an_event_appended_after_unkeyed_ones_seals_them_too():
    _append(2)
    _written_before_keys(client_chain(7))
    _append(1)
    assert trace_verify().ok
    assert trace_seal_unkeyed_chains() == 0


def test_a_demo_database_from_before_keys_is_sealed_by_the_migration(tmp_path):
    """The upgrade a newcomer's demo database goes through: migration trace/0003 on unkeyed chains."""
    script = """
import hashlib, json
from datetime import UTC, datetime
import django
django.setup()
from django.core.management import call_command
from django.db import connection

call_command("migrate", verbosity=0)
call_command("migrate", "trace", "0002", verbosity=0)  # the database as it was before keys
previous = "0" * 64
with connection.cursor() as cursor:
    for position in (1, 2, 3):
        created_at = datetime(2026, 1, position, tzinfo=UTC)
        canonical = json.dumps({"chain": "client:5", "position": position, "created_at": created_at.isoformat(
            timespec="microseconds"), "actor": None, "action": "crm.client.created", "object_type": "crm.client",
            "object_id": "5", "client": 5, "payload": {}}, sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256(f"{previous}|{canonical}".encode()).hexdigest()
        cursor.execute("INSERT INTO trace_traceevent (chain, position, created_at, action, object_type, object_id,"
                       " client_id, payload, prev_hash, hash) VALUES ('client:5', %s, %s, 'crm.client.created',"
                       " 'crm.client', '5', 5, '{}', %s, %s)", [position, created_at, previous, digest])
        previous = digest
    cursor.execute("INSERT INTO trace_tracechain (key, length, last_hash) VALUES ('client:5', 3, %s)", [previous])
call_command("migrate", verbosity=0)
call_command("verify_trace")
with connection.cursor() as cursor:
    cursor.execute("SELECT position, action, hash_scheme FROM trace_traceevent ORDER BY position")
    print(json.dumps(cursor.fetchall()))
"""
    environment = {name: value for name, value in os.environ.items() if not name.startswith(("DATABASE_", "DJANGO_"))}
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DJANGO_READ_DOT_ENV_FILE="false",
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo-before-keys.sqlite3'}",
        TRACE_HMAC_KEY=NEW_KEY,
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=BASE_DIR, env=environment, capture_output=True,
                            text=True, timeout=300)  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert "Trace intact: 4 events in 1 chains" in result.stdout
    positions = result.stdout.strip().splitlines()[-1]
    sealed_with = f"hmac-sha256:{key_id(NEW_KEY)}"
    assert positions == (
        f'[[1, "crm.client.created", "sha256"], [2, "crm.client.created", "sha256"], '
        f'[3, "crm.client.created", "sha256"], [4, "{CHAIN_SEALED.action}", "{sealed_with}"]]'
    )
