"""How an event is hashed. Kept apart so that writing and verifying can never disagree."""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any


def canonical_event(
    *,
    chain: str,
    position: int,
    created_at: datetime,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    client_id: int | None,
    payload: dict[str, Any],
) -> str:
    """A stable text form of an event: sorted keys, no spaces, UTC microsecond timestamp."""
    return json.dumps(
        {
            "chain": chain,
            "position": position,
            "created_at": created_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": actor_id,
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "client": client_id,
            "payload": payload,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
        default=str,
    )


def event_hash(canonical: str, prev_hash: str) -> str:
    return hashlib.sha256(f"{prev_hash}|{canonical}".encode()).hexdigest()


def normalise_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """What the database will give back: JSON types only (decimals, dates and ids become text)."""
    return json.loads(json.dumps(payload, sort_keys=True, default=str))
