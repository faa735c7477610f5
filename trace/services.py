"""Writing to the trace. Every service that changes something that matters calls `trace_append`."""

from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from trace.catalogue import EventType, event_type
from trace.hashing import canonical_event, event_hash, normalise_payload
from trace.models import TraceChain, TraceEvent

GENESIS_HASH = "0" * 64


def client_chain(client_id: int) -> str:
    return f"client:{client_id}"


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
    """
    action = event_type(action).action
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    chain = chain or (client_chain(client_id) if client_id else None)
    if not chain:
        raise ValueError("A trace event needs a client or an explicit chain.")
    # Lock the chain head (creating it on the chain's first event): concurrent appends to one chain
    # are serialised here.
    head, _ = TraceChain.objects.select_for_update().get_or_create(key=chain)
    payload = normalise_payload(payload or {})
    created_at = timezone.now()
    position = head.length + 1
    prev_hash = head.last_hash or GENESIS_HASH
    actor_id = getattr(actor, "pk", actor)
    canonical = canonical_event(
        chain=chain,
        position=position,
        created_at=created_at,
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        client_id=client_id,
        payload=payload,
    )
    event = TraceEvent.objects.create(
        chain=chain,
        position=position,
        created_at=created_at,
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        client_id=client_id,
        payload=payload,
        prev_hash=prev_hash,
        hash=event_hash(canonical, prev_hash),
    )
    TraceChain.objects.filter(pk=head.pk).update(length=position, last_hash=event.hash)
    return event


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

    @property
    def ok(self) -> bool:
        return self.broken is None


def trace_verify(*, chain: str | None = None, batch_size: int = 2000) -> VerifyResult:
    """Recompute every chain (or one) and name the first broken event, in id order.

    An event is broken when its hash does not match its content, when it does not point at the
    previous event's hash, or when positions skip (an event was removed).
    """
    events = TraceEvent.objects.order_by("id")
    if chain:
        events = events.filter(chain=chain)
    last: dict[str, tuple[int, str]] = {}
    checked = 0
    first_broken: BrokenLink | None = None
    for event in events.iterator(chunk_size=batch_size):
        checked += 1
        prev_position, prev_hash = last.get(event.chain, (0, GENESIS_HASH))
        reason = ""
        if event.position != prev_position + 1:
            reason = f"position {event.position} follows {prev_position}: an event is missing"
        elif event.prev_hash != prev_hash:
            reason = "prev_hash does not match the previous event's hash"
        else:
            canonical = canonical_event(
                chain=event.chain,
                position=event.position,
                created_at=event.created_at,
                actor_id=event.actor_id,
                action=event.action,
                object_type=event.object_type,
                object_id=event.object_id,
                client_id=event.client_id,
                payload=event.payload,
            )
            if event_hash(canonical, event.prev_hash) != event.hash:
                reason = "content does not match its hash"
        if reason:
            first_broken = BrokenLink(event.pk, event.chain, event.position, reason)
            break
        last[event.chain] = (event.position, event.hash)
    else:
        # A chain head that claims more events than exist means its last events were removed.
        heads = TraceChain.objects.all() if not chain else TraceChain.objects.filter(key=chain)
        for head in heads.order_by("key"):
            position, _hash = last.get(head.key, (0, GENESIS_HASH))
            if head.length != position:
                first_broken = BrokenLink(0, head.key, position + 1, "the chain's last events are missing")
                break
    return VerifyResult(events_checked=checked, chains_checked=len(last), broken=first_broken)
