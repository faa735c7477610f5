"""Writing to the trace, and verifying it. Every service that changes something that matters calls `trace_append`."""

from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.db.models import Max
from django.utils import timezone

from trace.anchors import Anchor, anchor_document
from trace.catalogue import EventType, event_type
from trace.events import CHAIN_SEALED
from trace.hashing import (
    UNKEYED_SCHEME,
    UnknownKey,
    canonical_event,
    canonical_of,
    current_scheme,
    event_hash,
    hashes_match,
    is_keyed,
    normalise_payload,
)
from trace.models import TraceChain, TraceEvent

GENESIS_HASH = "0" * 64
CLIENT_CHAIN_PREFIX = "client:"


def client_chain(client_id: int) -> str:
    return f"{CLIENT_CHAIN_PREFIX}{client_id}"


def org_chain(unit: str) -> str:
    """`unit` names an organisation unit: `national`, `region:3`, `agency:12`."""
    return f"org:{unit}"


@transaction.atomic
def trace_append(
    *,
    actor: Any,
    action: str | EventType,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    client_id: int | None = None,
    chain: str | None = None,
    payload: dict[str, Any] | None = None,
) -> TraceEvent:
    """Append one event to its chain (the client's, else `chain`) and return it.

    Payloads carry ids and codes, never free text about a person, so that erasing a person's data
    never needs to touch (and so break) a chain. The action must be declared in the catalogue of
    events (`trace.catalogue`): an undeclared one raises `UndeclaredEvent` and nothing is written.
    The event is hashed with the trace key (`trace.hashing.current_scheme`).
    """
    action = event_type(action).action
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    chain = chain or (client_chain(client_id) if client_id else None)
    if not chain:
        raise ValueError("A trace event needs a client or an explicit chain.")
    return _append(
        events=TraceEvent.objects,
        heads=TraceChain.objects,
        chain=chain,
        actor_id=getattr(actor, "pk", actor),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        client_id=client_id,
        payload=normalise_payload(payload or {}),
    )


def _append(
    *,
    events: models.Manager,
    heads: models.Manager,
    chain: str,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    client_id: int | None,
    payload: dict[str, Any],
) -> Any:
    """The write itself, through the managers given (the real models', or a migration's historical
    models' on the migration's connection).

    Called inside a transaction. The database checks what this does: the event must follow the
    chain's last one, and the head may only move to it (migration 0003's triggers).
    """
    # Lock the chain head (creating it on the chain's first event): concurrent appends to one chain
    # are serialised here.
    head, _ = heads.select_for_update().get_or_create(key=chain)
    created_at = timezone.now()
    position = head.length + 1
    prev_hash = head.last_hash or GENESIS_HASH
    scheme = current_scheme()
    canonical = canonical_event(
        chain=chain,
        position=position,
        created_at=created_at,
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        client_id=client_id,
        payload=payload,
    )
    event = events.create(
        chain=chain,
        position=position,
        created_at=created_at,
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        client_id=client_id,
        payload=payload,
        prev_hash=prev_hash,
        hash=event_hash(canonical, prev_hash, scheme),
        hash_scheme=scheme,
    )
    heads.filter(pk=head.pk).update(length=position, last_hash=event.hash)
    return event


def trace_seal_unkeyed_chains(
    *,
    event_model: type[models.Model] = TraceEvent,
    chain_model: type[models.Model] = TraceChain,
    using: str = DEFAULT_DB_ALIAS,
) -> int:
    """Append a keyed `trace.chain.sealed` event to every chain that ends with unkeyed events.

    Events hashed before the trace was keyed cannot be re-hashed (they are immutable, and their
    hashes are what later events point at); the keyed seal after them binds them instead, through its
    `prev_hash`. Returns how many chains were sealed; a second run finds none. Migration 0003 runs it
    with its historical models on its own connection (the tables' owner), with the key of that moment.
    """
    events = event_model.objects.db_manager(using)
    heads = chain_model.objects.db_manager(using)
    ends = (
        events.values("chain")
        .annotate(last=Max("position"))
        .filter(chain__in=events.filter(hash_scheme=UNKEYED_SCHEME).values("chain"))
    )
    sealed = 0
    for end in ends.order_by("chain"):
        with transaction.atomic(using=using):
            last = events.get(chain=end["chain"], position=end["last"])
            if is_keyed(last.hash_scheme):
                continue
            head = heads.get(key=end["chain"])
            _append(
                events=events,
                heads=heads,
                chain=head.key,
                actor_id=None,
                action=CHAIN_SEALED.action,
                object_type="trace.tracechain",
                object_id=str(head.pk),
                client_id=_client_of(head.key),
                payload={"unkeyed_events": end["last"], "scheme": UNKEYED_SCHEME},
            )
            sealed += 1
    return sealed


def _client_of(chain: str) -> int | None:
    """The client a chain belongs to (its events carry the client's id), or None for an org chain."""
    if chain.startswith(CLIENT_CHAIN_PREFIX):
        return int(chain.removeprefix(CLIENT_CHAIN_PREFIX))
    return None


@dataclass(frozen=True)
class BrokenLink:
    event_id: int
    chain: str
    position: int
    reason: str


@dataclass(frozen=True)
class VerifyResult:
    events_checked: int
    chains_checked: int
    broken: BrokenLink | None
    # Where the trace disagrees with the anchor it was checked against, every chain named.
    anchor_problems: tuple[BrokenLink, ...] = ()
    # Each chain's last event as verified: `chain -> (position, hash)`, what an anchor records.
    heads: dict[str, tuple[int, str]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.broken is None and not self.anchor_problems


@dataclass
class _ChainSoFar:
    position: int = 0
    hash: str = GENESIS_HASH
    keyed: bool = False


def trace_verify(*, chain: str | None = None, anchor: Anchor | None = None, batch_size: int = 2000) -> VerifyResult:
    """Recompute every chain (or one) and name the first broken event, in id order.

    An event is broken when its hash does not match its content under its scheme's key, when it does
    not point at the previous event's hash, when positions skip (an event was removed), or when it is
    unkeyed yet follows a keyed event. A chain is broken when it ends with unkeyed events (nothing
    keyed binds them), or when its head counts more events than remain (its last ones were removed).

    What this cannot see alone: a chain rewritten by someone who holds the key, or whole chains
    removed together with their heads. `anchor` (an export of the heads kept elsewhere, see
    `trace.anchors`) catches both: every anchored chain must still hold its anchored event at its
    anchored position; each one that does not is listed in `anchor_problems`.
    """
    heads = TraceChain.objects.all() if not chain else TraceChain.objects.filter(key=chain)
    # Heads are read before the events: appends only add events, so every event a head counted is
    # among those read below, and a head ahead of its chain's events means that events were removed.
    counted = dict(heads.values_list("key", "length"))
    events = TraceEvent.objects.order_by("id")
    if chain:
        events = events.filter(chain=chain)
    anchored = anchor.heads_for(chain) if anchor else {}
    seen: dict[str, _ChainSoFar] = {}
    anchor_problems: list[BrokenLink] = []
    checked = 0
    first_broken: BrokenLink | None = None
    for event in events.iterator(chunk_size=batch_size):
        checked += 1
        so_far = seen.setdefault(event.chain, _ChainSoFar())
        reason = _link_problem(event, so_far)
        if reason:
            first_broken = BrokenLink(event.pk, event.chain, event.position, reason)
            break
        so_far.position, so_far.hash = event.position, event.hash
        so_far.keyed = so_far.keyed or is_keyed(event.hash_scheme)
        head = anchored.get(event.chain)
        if head and head.length == event.position and not hashes_match(head.last_hash, event.hash):
            anchor_problems.append(
                BrokenLink(event.pk, event.chain, event.position, f"differs from the anchor of {anchor.exported_at}")
            )
    else:
        first_broken = _chain_end_problem(seen, counted)
        for key, head in sorted(anchored.items()):
            remaining = seen[key].position if key in seen else 0
            if remaining < head.length:
                reason = f"the anchor of {anchor.exported_at} counts {head.length} events; {remaining} remain"
                anchor_problems.append(BrokenLink(0, key, remaining + 1, reason))
    return VerifyResult(
        events_checked=checked,
        chains_checked=len(seen),
        broken=first_broken,
        anchor_problems=tuple(anchor_problems),
        heads={key: (so_far.position, so_far.hash) for key, so_far in seen.items()},
    )


def _link_problem(event: TraceEvent, so_far: _ChainSoFar) -> str:
    """Why `event` does not follow `so_far` (its chain's events before it), or "" when it does."""
    if event.position != so_far.position + 1:
        return f"position {event.position} follows {so_far.position}: an event is missing"
    if event.prev_hash != so_far.hash:
        return "prev_hash does not match the previous event's hash"
    if so_far.keyed and not is_keyed(event.hash_scheme):
        return "hashed without the key after keyed events: rewritten by someone without the key"
    canonical = canonical_of(event)
    try:
        expected = event_hash(canonical, event.prev_hash, event.hash_scheme)
    except UnknownKey as unknown:
        return f"hashed with {unknown}"
    except ValueError as problem:  # a scheme nobody knows
        return str(problem)
    if not hashes_match(expected, event.hash):
        return "content does not match its hash"
    return ""


def _chain_end_problem(seen: dict[str, _ChainSoFar], counted: dict[str, int]) -> BrokenLink | None:
    """The first chain (by name) whose end is wrong: unkeyed, or short of what its head counts."""
    for key in sorted(seen.keys() | counted.keys()):
        so_far = seen.get(key, _ChainSoFar())
        if key in seen and not so_far.keyed:
            return BrokenLink(0, key, so_far.position, "the chain ends with events hashed without the key")
        if counted.get(key, 0) > so_far.position:
            return BrokenLink(0, key, so_far.position + 1, "the chain's last events are missing")
    return None


class TraceBroken(Exception):
    """The trace failed verification, so it must not be anchored: an anchor would bless the damage."""

    def __init__(self, result: VerifyResult) -> None:
        super().__init__(result.broken)
        self.result = result


def trace_anchor_export() -> dict[str, Any]:
    """Verify the whole trace, then return a signed anchor of every chain's head (`trace.anchors`).

    Raises `TraceBroken` when verification fails. The anchor records the events verified here; events
    appended meanwhile are simply not yet anchored.
    """
    result = trace_verify()
    if not result.ok:
        raise TraceBroken(result)
    return anchor_document(heads=result.heads, exported_at=timezone.now())
