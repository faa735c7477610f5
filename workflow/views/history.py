"""The trace put into words for people: a client's history and an item's history.

Each event reads as the catalogue of events declares it: its label, and the parts of its payload it
names for a history. A lead's events are shown to someone who may not read the lead with the details
of its status at most: what happened and when, never to what amount or with which note.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.models import User
from trace.catalogue import event_type
from trace.models import TraceEvent
from workflow.events import AMOUNT, BECAME, POTENTIAL, ROUTING
from workflow.models import ServiceRequest
from workflow.redaction import lead_id_of, trace_access
from workflow.selectors import routing_names

REQUEST_TYPE = ServiceRequest._meta.label_lower


@dataclass
class HistoryEntry:
    at: datetime
    actor: str
    label: str
    reference: str = ""
    url: str = ""
    details: str = ""


def action_label(action: str) -> str:
    return str(event_type(action).label)


def _amount(value) -> str:
    try:
        return number_format(Decimal(str(value)), 2, force_grouping=True)
    except (InvalidOperation, ValueError, TypeError):
        return ""


def _routing(payload: dict, names: dict[str, dict[int, str]]) -> list[str]:
    parts = []
    team = names["team"].get(payload.get("to_team") or payload.get("team"))
    person = names["user"].get(payload.get("to") or payload.get("assignee"))
    if team:
        parts.append(_("team %(team)s") % {"team": team})
    if person:
        parts.append(_("held by %(person)s") % {"person": person})
    return parts


def _potential(payload: dict, names: dict[str, dict[int, str]]) -> list[str]:
    if payload.get("amount") is None:
        return []
    return [_("potential %(amount)s €, %(probability)s%% likely") % {
        "amount": _amount(payload["amount"]), "probability": payload.get("probability"),
    }]  # fmt: skip


def _amount_won(payload: dict, names: dict[str, dict[int, str]]) -> list[str]:
    return [_("%(amount)s €") % {"amount": _amount(payload["amount"])}] if payload.get("amount") else []


def _became(payload: dict, names: dict[str, dict[int, str]]) -> list[str]:
    if payload.get("request"):
        return [_("became %(ref)s") % {"ref": f"SR-{payload['request']}"}]
    if payload.get("lead"):
        return [_("became %(ref)s") % {"ref": f"L-{payload['lead']}"}]
    return []


# How each part of a payload that the catalogue of events names for an item's history reads.
DETAILS = {ROUTING: _routing, POTENTIAL: _potential, AMOUNT: _amount_won, BECAME: _became}


def _details(event: TraceEvent, payload: dict | None, names: dict[str, dict[int, str]]) -> str:
    if payload is None:
        return ""
    return " · ".join(part for name in event_type(event.action).history for part in DETAILS[name](payload, names))


def _names_for(payloads: list[tuple[TraceEvent, dict | None]]) -> dict[str, dict[int, str]]:
    reasons = [
        {"team": payload.get("to_team") or payload.get("team"), "user": payload.get("to") or payload.get("assignee")}
        for event, payload in payloads
        if payload is not None and ROUTING in event_type(event.action).history
    ]
    return routing_names(reasons=reasons)


def _actor(event: TraceEvent) -> str:
    return str(event.actor) if event.actor_id and event.actor else _("Relais (automatic)")


def history_entries(*, user: User, events: list[TraceEvent]) -> list[HistoryEntry]:
    """Entries for events of items the user may or may not read; a fixed number of queries for any list.

    A lead's event shows its details as far as `workflow.redaction` lets the user see its payload.
    """
    access = trace_access(user=user, events=events)
    payloads = [(event, access.payload(event)) for event in events]
    names = _names_for(payloads)
    entries = []
    for event, payload in payloads:
        entry = HistoryEntry(at=event.created_at, actor=_actor(event), label=action_label(event.action),
                             details=_details(event, payload, names))  # fmt: skip
        if event.object_type == REQUEST_TYPE:
            entry.reference = f"SR-{event.object_id}"
            entry.url = reverse("workflow:request-detail", args=[event.object_id])
        elif (lead_id := lead_id_of(event)) is not None:
            entry.reference = f"L-{lead_id}"
            if lead_id in access.readable:
                entry.url = reverse("workflow:lead-detail", args=[lead_id])
            elif lead_id in access.followed:
                entry.url = reverse("workflow:lead-status", args=[lead_id])
        entries.append(entry)
    return entries


def item_history_entries(*, events: list[TraceEvent]) -> list[HistoryEntry]:
    """The history of one item the user may read in full."""
    payloads = [(event, event.payload) for event in events]
    names = _names_for(payloads)
    return [
        HistoryEntry(at=e.created_at, actor=_actor(e), label=action_label(e.action), details=_details(e, p, names))
        for e, p in payloads
    ]
