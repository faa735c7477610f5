"""The lifecycles of DESIGN.md section 6, as data: which action may move an item from which states.

`transferred` and `reopened` are transitions, not resting states: a transfer puts the request back as
`new` in another team's queue (and counts it), a reopening puts a resolved request back in progress.
"""

from django.utils.translation import gettext as _

from common.errors import Conflict
from workflow.models import LeadStatus as L
from workflow.models import RequestStatus as R

# action: (the statuses it is allowed from, the status it leads to; None keeps the status)
Transitions = dict[str, tuple[tuple[str, ...], str | None]]

_OPEN = (R.NEW, R.ASSIGNED, R.IN_PROGRESS, R.WAITING_CLIENT)

REQUEST_TRANSITIONS: Transitions = {
    "claim": ((R.NEW,), R.ASSIGNED),
    "assign": ((R.NEW, R.ASSIGNED, R.IN_PROGRESS, R.WAITING_CLIENT), None),
    "start": ((R.ASSIGNED, R.WAITING_CLIENT), R.IN_PROGRESS),
    "wait": ((R.ASSIGNED, R.IN_PROGRESS), R.WAITING_CLIENT),
    "resolve": ((R.ASSIGNED, R.IN_PROGRESS, R.WAITING_CLIENT), R.RESOLVED),
    "reopen": ((R.RESOLVED,), R.IN_PROGRESS),
    "close": ((R.RESOLVED,), R.CLOSED),
    "transfer": (_OPEN, R.NEW),
    "cancel": (_OPEN, R.CANCELLED),
    "requalify": (_OPEN, R.REQUALIFIED),
    "comment": ((*_OPEN, R.RESOLVED), None),
    "repeat_contact": ((*_OPEN, R.RESOLVED), None),
}

LEAD_TRANSITIONS: Transitions = {
    "accept": ((L.NEW,), L.ACCEPTED),
    "start": ((L.ACCEPTED,), L.IN_PROGRESS),
    "won": ((L.ACCEPTED, L.IN_PROGRESS), L.WON),
    "lost": ((L.NEW, L.ACCEPTED, L.IN_PROGRESS), L.LOST),
    "requalify": ((L.NEW, L.ACCEPTED, L.IN_PROGRESS), L.REQUALIFIED),
    "reassign": ((L.NEW, L.ACCEPTED, L.IN_PROGRESS), None),
    "comment": ((L.NEW, L.ACCEPTED, L.IN_PROGRESS), None),
}


def next_status(table: Transitions, action: str, current: str) -> str:
    """The status after `action`, or Conflict naming the current state (HTTP 409)."""
    allowed_from, to = table[action]
    if current not in allowed_from:
        raise Conflict(
            _("Cannot %(action)s: the item is %(status)s.") % {"action": action.replace("_", " "), "status": current},
            status=current,
        )
    return to or current


def allowed_actions(table: Transitions, current: str) -> list[str]:
    return [action for action, (allowed_from, _to) in table.items() if current in allowed_from]
