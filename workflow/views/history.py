"""The trace put into words for people: a client's history and an item's history.

A lead's events are shown to someone who may not read the lead without any detail: what happened
and when, never to what amount or with which note.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from trace.models import TraceEvent
from workflow.selectors import lead_ids_readable, lead_ids_status_visible, routing_names

REQUEST_TYPE = "workflow.servicerequest"
LEAD_TYPE = "workflow.lead"

ACTION_LABELS = {
    "workflow.request.created": gettext_lazy("Service request created"),
    "workflow.request.claimed": gettext_lazy("Service request taken in charge"),
    "workflow.request.assigned": gettext_lazy("Service request assigned"),
    "workflow.request.started": gettext_lazy("Work started on the service request"),
    "workflow.request.waiting_client": gettext_lazy("Service request waiting for the client"),
    "workflow.request.resolved": gettext_lazy("Service request resolved"),
    "workflow.request.reopened": gettext_lazy("Service request reopened"),
    "workflow.request.closed": gettext_lazy("Service request closed"),
    "workflow.request.cancelled": gettext_lazy("Service request cancelled"),
    "workflow.request.transferred": gettext_lazy("Service request transferred to another team"),
    "workflow.request.commented": gettext_lazy("Comment on the service request"),
    "workflow.request.requalified": gettext_lazy("Service request requalified as a lead"),
    "workflow.request.repeat_contact": gettext_lazy("The client called again about the service request"),
    "workflow.request.sla_reminded": gettext_lazy("Service request past its target: reminder sent"),
    "workflow.request.sla_escalated": gettext_lazy("Service request overdue: escalated to the managers"),
    "workflow.request.callback_reminded": gettext_lazy("Callback due on the service request"),
    "workflow.lead.created": gettext_lazy("Lead created"),
    "workflow.lead.accepted": gettext_lazy("Lead accepted"),
    "workflow.lead.started": gettext_lazy("Lead in progress"),
    "workflow.lead.won": gettext_lazy("Lead won"),
    "workflow.lead.lost": gettext_lazy("Lead lost"),
    "workflow.lead.reassigned": gettext_lazy("Lead reassigned"),
    "workflow.lead.commented": gettext_lazy("Comment on the lead"),
    "workflow.lead.requalified": gettext_lazy("Lead requalified as a service request"),
    "workflow.lead.sla_reminded": gettext_lazy("Lead past its target: reminder sent"),
    "workflow.lead.sla_escalated": gettext_lazy("Lead overdue: escalated to the managers"),
    "workflow.lead.callback_reminded": gettext_lazy("Callback due on the lead"),
    "crm.client.created": gettext_lazy("Client record created"),
    "crm.client.updated": gettext_lazy("Client record changed"),
    "crm.contact.created": gettext_lazy("Contact added"),
    "crm.contact.updated": gettext_lazy("Contact changed"),
    "crm.interaction.logged": gettext_lazy("Contact logged"),
}

# Events after which the item's team and holder are worth naming.
_ROUTED = {"created", "claimed", "assigned", "transferred", "reassigned"}


@dataclass
class HistoryEntry:
    at: datetime
    actor: str
    label: str
    reference: str = ""
    url: str = ""
    details: str = ""


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def _amount(value) -> str:
    try:
        return number_format(Decimal(str(value)), 2, force_grouping=True)
    except (InvalidOperation, ValueError, TypeError):
        return ""


def _details(event: TraceEvent, names: dict[str, dict[int, str]]) -> str:
    verb = event.action.rsplit(".", 1)[-1]
    payload = event.payload or {}
    parts = []
    if verb == "accepted" and payload.get("amount") is not None:
        parts.append(_("potential %(amount)s €, %(probability)s%% likely") % {
            "amount": _amount(payload["amount"]), "probability": payload.get("probability"),
        })  # fmt: skip
    if verb == "won" and payload.get("amount"):
        parts.append(_("%(amount)s €") % {"amount": _amount(payload["amount"])})
    if verb == "requalified" and payload.get("request"):
        parts.append(_("became %(ref)s") % {"ref": f"SR-{payload['request']}"})
    if verb == "requalified" and payload.get("lead"):
        parts.append(_("became %(ref)s") % {"ref": f"L-{payload['lead']}"})
    if verb in _ROUTED:
        team = names["team"].get(payload.get("to_team") or payload.get("team"))
        person = names["user"].get(payload.get("to") or payload.get("assignee"))
        if team:
            parts.append(_("team %(team)s") % {"team": team})
        if person:
            parts.append(_("held by %(person)s") % {"person": person})
    return " · ".join(parts)


def _names_for(events: list[TraceEvent]) -> dict[str, dict[int, str]]:
    reasons = [
        {"team": (e.payload or {}).get("to_team") or (e.payload or {}).get("team"),
         "user": (e.payload or {}).get("to") or (e.payload or {}).get("assignee")}
        for e in events
        if e.action.rsplit(".", 1)[-1] in _ROUTED
    ]  # fmt: skip
    return routing_names(reasons=reasons)


def _actor(event: TraceEvent) -> str:
    return str(event.actor) if event.actor_id and event.actor else _("Relais (automatic)")


def history_entries(*, user: User, events: list[TraceEvent]) -> list[HistoryEntry]:
    """Entries for events of items the user may or may not read; a fixed number of queries for any list."""
    lead_ids = {int(e.object_id) for e in events if e.object_type == LEAD_TYPE and e.object_id.isdigit()}
    readable = lead_ids_readable(user=user, lead_ids=lead_ids)
    followed = lead_ids_status_visible(user=user, lead_ids=lead_ids - readable)
    shown = [e for e in events if e.object_type != LEAD_TYPE or int(e.object_id) in readable]
    names = _names_for(shown)
    entries = []
    for event in events:
        entry = HistoryEntry(at=event.created_at, actor=_actor(event), label=action_label(event.action))
        if event.object_type == REQUEST_TYPE:
            entry.reference = f"SR-{event.object_id}"
            entry.url = reverse("workflow:request-detail", args=[event.object_id])
            entry.details = _details(event, names)
        elif event.object_type == LEAD_TYPE:
            lead_id = int(event.object_id)
            entry.reference = f"L-{lead_id}"
            if lead_id in readable:
                entry.url = reverse("workflow:lead-detail", args=[lead_id])
                entry.details = _details(event, names)
            elif lead_id in followed:
                entry.url = reverse("workflow:lead-status", args=[lead_id])
        entries.append(entry)
    return entries


def item_history_entries(*, events: list[TraceEvent]) -> list[HistoryEntry]:
    """The history of one item the user may read in full."""
    names = _names_for(events)
    return [
        HistoryEntry(at=e.created_at, actor=_actor(e), label=action_label(e.action), details=_details(e, names))
        for e in events
    ]
