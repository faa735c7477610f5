"""Anchors: the chains' heads exported to be kept outside the database, and read back to check against.

Whoever owns the trace tables and also holds the key could rewrite a chain end to end, or remove whole
chains with their heads; the trace alone would still look intact. An anchor taken earlier and kept
elsewhere (another machine, write-once storage, a ticket) records, for every chain, how many events it
held and the hash of its last one: a rewritten chain no longer holds that hash at that position, a
truncated one no longer reaches it (`trace.services.trace_verify(anchor=...)`).

The document is JSON, signed with the trace key (`trace.hashing.sign_document`), so that whoever can
edit the stored file but lacks the key cannot make it agree with a forged trace:

    {"format": "relais-trace-anchor", "version": 1, "exported_at": "2026-11-26T03:49:00.000000+00:00",
     "chains": [{"chain": "client:1", "length": 3, "last_hash": "…"}, …],
     "signature": {"scheme": "hmac-sha256:<key id>", "value": "…"}}
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from trace.hashing import UnknownKey, sign_document, signature_matches

FORMAT = "relais-trace-anchor"
VERSION = 1


class AnchorInvalid(ValueError):
    """The file is not an anchor, or its signature does not match its content."""


@dataclass(frozen=True)
class AnchoredHead:
    chain: str
    length: int
    last_hash: str


@dataclass(frozen=True)
class Anchor:
    exported_at: str
    heads: Mapping[str, AnchoredHead]

    def heads_for(self, chain: str | None) -> dict[str, AnchoredHead]:
        """The anchored heads to check: every one, or only `chain`'s."""
        if chain is None:
            return dict(self.heads)
        return {chain: self.heads[chain]} if chain in self.heads else {}


def anchor_document(*, heads: Mapping[str, tuple[int, str]], exported_at: datetime) -> dict[str, Any]:
    """The signed anchor of `heads` (`chain -> (length, last hash)`, as verified)."""
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": exported_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "chains": [
            {"chain": chain, "length": length, "last_hash": last_hash}
            for chain, (length, last_hash) in sorted(heads.items())
        ],
    }
    document["signature"] = sign_document(document)
    return document


def anchor_load(document: Any) -> Anchor:
    """Read an anchor back (parsed JSON); `AnchorInvalid` says what is wrong with it."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise AnchorInvalid("not a trace anchor (its format is not relais-trace-anchor)")
    if document.get("version") != VERSION:
        raise AnchorInvalid(f"anchor version {document.get('version')!r} is not supported")
    signature = document.get("signature")
    if not isinstance(signature, dict):
        raise AnchorInvalid("the anchor is not signed")
    content = {name: value for name, value in document.items() if name != "signature"}
    try:
        signed = signature_matches(content, signature)
    except UnknownKey as unknown:
        raise AnchorInvalid(f"the anchor was signed with {unknown}") from None
    if not signed:
        raise AnchorInvalid("the anchor's signature does not match its content: the file was altered")
    heads: dict[str, AnchoredHead] = {}
    for entry in content.get("chains", []):
        try:
            head = AnchoredHead(
                chain=str(entry["chain"]), length=int(entry["length"]), last_hash=str(entry["last_hash"])
            )
        except (KeyError, TypeError, ValueError):
            raise AnchorInvalid(f"malformed chain entry in the anchor: {entry!r}") from None
        heads[head.chain] = head
    return Anchor(exported_at=str(content.get("exported_at", "")), heads=heads)
