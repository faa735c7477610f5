"""Issue 7, finding 9: the trace could be recomputed by whoever owns the table.

On a copy of the database, a tampered chain recomputed end to end passed `verify_trace`, and so did
TRUNCATE plus cleared heads (0 events). Each test plays what that owner can do (triggers off, rows
rewritten), and shows that it is now caught: by the key, or by an anchor exported before and kept
elsewhere. The privileges of the application role are in test_database_roles.py.
"""

import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from tests.trace.tampering import guards_off, rewrite_chain, sha256_without_key, truncate_trace
from trace.catalogue import declare
from trace.hashing import UNKEYED_SCHEME
from trace.models import TraceChain, TraceEvent
from trace.services import client_chain, org_chain, trace_append, trace_verify

pytestmark = pytest.mark.django_db

THING_HAPPENED = declare("test.thing.happened", "A test thing happened")
CLIENT = client_chain(7)
ORGANISATION = org_chain("agency:3")


def _history() -> None:
    """Four events on a client's chain and two on an organisation's."""
    for step in range(4):
        trace_append(actor=None, action=THING_HAPPENED, object_type="test", object_id=step, client_id=7,
                     payload={"step": step})  # fmt: skip
    for step in range(2):
        trace_append(actor=None, action=THING_HAPPENED, object_type="test", object_id=step, chain=ORGANISATION)


@pytest.fixture
def anchor_file(tmp_path):
    """The anchor an operator exported before anything was tampered with, kept outside the database."""
    _history()
    path = tmp_path / "anchor.json"
    call_command("trace_anchor", output=path)
    return path


def _verify(**options) -> str:
    with pytest.raises(CommandError) as failure:
        call_command("verify_trace", **options)
    return str(failure.value)


def test_finding_09_a_tampered_chain_recomputed_with_plain_sha256_fails_verify():
    _history()
    # Someone without the key changes one payload and recomputes every hash after it, with the
    # scheme label the events carry.
    rewrite_chain(CLIENT, payloads={2: {"step": 99}}, hasher=sha256_without_key)

    result = trace_verify()
    assert not result.ok
    assert (result.broken.chain, result.broken.position) == (CLIENT, 2)
    assert result.broken.reason == "content does not match its hash"
    assert f"chain {CLIENT}, position 2" in _verify()


def test_finding_09_a_chain_relabelled_as_unkeyed_and_recomputed_fails_verify():
    _history()
    # The same, but the whole chain relabelled as written before keys existed (position 1 unchanged).
    rewrite_chain(CLIENT, payloads={1: {"step": 0}, 2: {"step": 99}}, scheme=UNKEYED_SCHEME, hasher=sha256_without_key)

    result = trace_verify()
    assert (result.broken.chain, result.broken.reason) == (CLIENT, "the chain ends with events hashed without the key")


def test_finding_09_unkeyed_events_after_keyed_ones_fail_verify():
    _history()
    # The first three events stay keyed as they were; the last is changed, relabelled and recomputed.
    rewrite_chain(CLIENT, payloads={4: {"step": 99}}, scheme=UNKEYED_SCHEME, hasher=sha256_without_key)

    result = trace_verify()
    assert (result.broken.chain, result.broken.position) == (CLIENT, 4)
    assert "without the key after keyed events" in result.broken.reason


def test_finding_09_a_chain_recomputed_with_the_key_passes_alone_but_not_against_the_anchor(anchor_file):
    # Someone holding the key as well as the table recomputes the chain properly: the trace alone
    # cannot tell, the anchor kept elsewhere can.
    rewrite_chain(CLIENT, payloads={2: {"step": 99}})
    assert trace_verify().ok

    message = _verify(anchor=anchor_file)
    assert f"Chain {CLIENT} disagrees with the anchor at position 4" in message
    assert ORGANISATION not in message


def test_finding_09_a_truncated_trace_with_cleared_heads_fails_against_the_anchor(anchor_file):
    truncate_trace()
    assert trace_verify().ok and trace_verify().events_checked == 0  # what the finding saw

    message = _verify(anchor=anchor_file)
    assert f"Chain {CLIENT} disagrees with the anchor at position 1: the anchor of" in message
    assert "counts 4 events; 0 remain" in message
    assert f"Chain {ORGANISATION} disagrees with the anchor at position 1" in message
    assert "counts 2 events; 0 remain" in message


def test_finding_09_a_chain_whose_last_events_and_head_were_cut_back_fails_against_the_anchor(anchor_file):
    last_two = TraceEvent.objects.filter(chain=CLIENT, position__gte=3)
    kept = TraceEvent.objects.get(chain=CLIENT, position=2)
    with connection.cursor() as cursor:
        guards_off(cursor)
    last_two.delete()
    TraceChain.objects.filter(key=CLIENT).update(length=2, last_hash=kept.hash)
    assert trace_verify().ok

    assert f"Chain {CLIENT} disagrees with the anchor at position 3" in _verify(anchor=anchor_file)


def test_no_anchor_is_written_for_a_broken_trace(tmp_path):
    _history()
    rewrite_chain(CLIENT, payloads={2: {"step": 99}}, hasher=sha256_without_key)
    with pytest.raises(CommandError, match=rf"No anchor written: the trace is broken at event \d+ \(chain {CLIENT}"):
        call_command("trace_anchor", output=tmp_path / "anchor.json")
    assert not (tmp_path / "anchor.json").exists()


def test_finding_09_events_appended_after_the_anchor_are_fine(anchor_file, capsys):
    trace_append(actor=None, action=THING_HAPPENED, object_type="test", object_id=9, client_id=7)
    trace_append(actor=None, action=THING_HAPPENED, object_type="test", object_id=1, client_id=8)

    call_command("verify_trace", anchor=anchor_file)
    assert "Trace intact: 8 events in 3 chains, matching the 2 chains of the anchor of" in capsys.readouterr().out


def test_finding_09_an_anchor_edited_to_match_a_forged_trace_is_refused(anchor_file):
    rewrite_chain(CLIENT, payloads={2: {"step": 99}})
    document = json.loads(anchor_file.read_text())
    forged = TraceChain.objects.get(key=CLIENT).last_hash
    for head in document["chains"]:
        if head["chain"] == CLIENT:
            head["last_hash"] = forged
    anchor_file.write_text(json.dumps(document))

    assert "signature does not match its content" in _verify(anchor=anchor_file)


@pytest.mark.parametrize(
    ("statement", "refusal"),
    [
        ("UPDATE trace_tracechain SET length = 0, last_hash = ''", "moves forward"),
        ("UPDATE trace_tracechain SET length = length + 1", "moves forward"),
        ("DELETE FROM trace_tracechain", "never removed"),
        ("INSERT INTO trace_tracechain (key, length, last_hash) VALUES ('client:99', 3, 'x')", "starts empty"),
    ],
    ids=["cleared", "pushed-ahead", "deleted", "created-full"],
)
def test_finding_09_the_database_refuses_edits_of_chain_heads(statement, refusal):
    _history()
    heads = list(TraceChain.objects.order_by("key").values_list("key", "length", "last_hash"))
    with pytest.raises(DatabaseError, match=refusal), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert list(TraceChain.objects.order_by("key").values_list("key", "length", "last_hash")) == heads
    assert trace_verify().ok


@pytest.mark.postgres
@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="SQLite has no TRUNCATE: its DELETE trigger refuses `DELETE FROM` the whole table (test_trace.py)",
)
def test_finding_09_truncate_is_refused_even_to_the_tables_owner():
    _history()
    for table in ("trace_traceevent", "trace_tracechain"):
        refused = pytest.raises(DatabaseError, match="TRUNCATE refused")
        with refused, transaction.atomic(), connection.cursor() as cursor:
            # The test runner's flush allowance (config/settings/test.py) does not apply here.
            cursor.execute("SET LOCAL relais.trace_flush = ''")
            cursor.execute(f"TRUNCATE {table}")
    assert TraceEvent.objects.count() == 6


def test_finding_09_an_event_that_does_not_follow_its_chain_is_refused():
    _history()
    last = TraceEvent.objects.get(chain=CLIENT, position=4)
    values = {field: getattr(last, field) for field in ("chain", "created_at", "action", "object_type", "object_id")}
    with pytest.raises(DatabaseError, match="follows its chain"), transaction.atomic():
        # At the next position, but not after the chain's last event: its prev_hash names another one.
        TraceEvent.objects.create(**values, position=5, prev_hash="f" * 64, hash="e" * 64,
                                  hash_scheme=last.hash_scheme, payload={})  # fmt: skip
    with pytest.raises(DatabaseError, match="hashed with the trace key"), transaction.atomic():
        TraceEvent.objects.create(**values, position=5, prev_hash=last.hash, hash="e" * 64,
                                  hash_scheme=UNKEYED_SCHEME, payload={})  # fmt: skip
