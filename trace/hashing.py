"""How an event is hashed, and how an anchor is signed: the only module that hashes.

Kept apart so that writing and verifying can never disagree (docs/trace.md).

Every event records the scheme it was hashed with:

- `hmac-sha256:<key id>`: HMAC-SHA256 under a secret kept outside the database (`TRACE_HMAC_KEY`),
  which every new event uses. Whoever can write the table but does not hold the key cannot recompute
  a chain: the forged hashes do not match. The key id is a fingerprint of the key (an HMAC of a fixed
  text, so it reveals nothing), so that verifying finds the key an old event was written with after a
  rotation (`TRACE_HMAC_RETIRED_KEYS`).
- `sha256`: the first scheme, unkeyed, kept only to verify the events written before keys existed.
  Those are accepted only at the start of a chain and only when a keyed event follows them, which
  binds them through its `prev_hash` (see `trace.services.trace_verify` and the migration that sealed
  every chain).

The key is settings' `TRACE_HMAC_KEY`, never `SECRET_KEY`: rotating the one must not break the other.
"""

import hashlib
import hmac
import json
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

UNKEYED_SCHEME = "sha256"
KEYED_SCHEME_PREFIX = "hmac-sha256:"
# A fixed text whose HMAC names a key: the same key always gets the same id, and the id reveals nothing.
_KEY_ID_TEXT = b"relais-trace-key-id"


class UnknownKey(LookupError):
    """An event or anchor was hashed with a key that this server is not given."""

    def __init__(self, key_id: str) -> None:
        self.key_id = key_id
        super().__init__(
            f"the key {key_id}, which this server does not hold (TRACE_HMAC_KEY or TRACE_HMAC_RETIRED_KEYS)"
        )


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


EVENT_FIELDS = ("chain", "position", "created_at", "actor_id", "action", "object_type", "object_id", "client_id",
                "payload")  # fmt: skip


def canonical_of(event: Any, **changes: Any) -> str:
    """The canonical form of a stored event (any object with its fields), with `changes` applied."""
    return canonical_event(**{**{name: getattr(event, name) for name in EVENT_FIELDS}, **changes})


def key_id(key: str) -> str:
    return hmac.new(key.encode(), _KEY_ID_TEXT, hashlib.sha256).hexdigest()[:16]


@lru_cache(maxsize=8)
def _keys(current: str, retired: tuple[str, ...]) -> tuple[str, dict[str, bytes]]:
    """The current key's id, and every key this server holds by id (cached per settings value)."""
    if not current:
        raise ImproperlyConfigured("Set TRACE_HMAC_KEY: the trace's hashes are keyed (docs/trace.md).")
    held = {key_id(key): key.encode() for key in (*retired, current) if key}
    return key_id(current), held


def _held_keys() -> tuple[str, dict[str, bytes]]:
    return _keys(settings.TRACE_HMAC_KEY, tuple(getattr(settings, "TRACE_HMAC_RETIRED_KEYS", ())))


def current_scheme() -> str:
    """The scheme every new event and anchor is hashed with: HMAC-SHA256 under the current key."""
    current_id, _held = _held_keys()
    return f"{KEYED_SCHEME_PREFIX}{current_id}"


def is_keyed(scheme: str) -> bool:
    return scheme.startswith(KEYED_SCHEME_PREFIX)


def _mac(scheme: str, text: str) -> str:
    _current, held = _held_keys()
    wanted = scheme.removeprefix(KEYED_SCHEME_PREFIX)
    if wanted not in held:
        raise UnknownKey(wanted)
    return hmac.new(held[wanted], text.encode(), hashlib.sha256).hexdigest()


def event_hash(canonical: str, prev_hash: str, scheme: str) -> str:
    """The hash of an event under `scheme`; `UnknownKey` when its key is not held, ValueError if unknown."""
    if scheme == UNKEYED_SCHEME:
        return hashlib.sha256(f"{prev_hash}|{canonical}".encode()).hexdigest()
    if is_keyed(scheme):
        # The scheme is part of what is signed, so an event cannot be passed off under another one.
        return _mac(scheme, f"{scheme}|{prev_hash}|{canonical}")
    raise ValueError(f"unknown hash scheme {scheme!r}")


def hashes_match(expected: str, actual: str) -> bool:
    return hmac.compare_digest(expected.encode(), actual.encode())


def sign_document(document: dict[str, Any]) -> dict[str, str]:
    """A signature of a JSON document (an anchor) under the current key: `{"scheme", "value"}`."""
    scheme = current_scheme()
    return {"scheme": scheme, "value": _mac(scheme, f"anchor|{_canonical_json(document)}")}


def signature_matches(document: dict[str, Any], signature: dict[str, str]) -> bool:
    """Whether `signature` signs `document`; `UnknownKey` when signed with a key not held."""
    scheme = str(signature.get("scheme", ""))
    if not is_keyed(scheme):
        return False
    return hashes_match(_mac(scheme, f"anchor|{_canonical_json(document)}"), str(signature.get("value", "")))


def _canonical_json(document: dict[str, Any]) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def normalise_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """What the database will give back: JSON types only (decimals, dates and ids become text)."""
    return json.loads(json.dumps(payload, sort_keys=True, default=str))
