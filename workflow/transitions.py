"""The lifecycles of DESIGN.md section 6, as data: which action may move an item from which states.

`transferred` and `reopened` are transitions, not resting states: a transfer puts the request back as
`new` in another team's queue (and counts it), a reopening puts a resolved request back in progress.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


# What each action does, as the end of "You cannot … now": the refusal reads as a sentence.
ACTION_WORDS = {
    "claim": gettext_lazy("take it in charge"),
    "assign": gettext_lazy("assign it"),
    "start": gettext_lazy("start working on it"),
    "wait": gettext_lazy("put it on hold for the client"),
    "resolve": gettext_lazy("resolve it"),
    "reopen": gettext_lazy("reopen it"),
    "close": gettext_lazy("close it"),
    "transfer": gettext_lazy("transfer it"),
    "cancel": gettext_lazy("cancel it"),
    "requalify": gettext_lazy("requalify it"),
    "comment": gettext_lazy("comment on it"),
    "repeat_contact": gettext_lazy("record a new call about it"),
    "accept": gettext_lazy("accept it"),
    "won": gettext_lazy("mark it won"),
    "lost": gettext_lazy("mark it lost"),
    "reassign": gettext_lazy("reassign it"),
}


def status_label(table: Transitions, status: str) -> str:
    """A status in words, as the item's kind names it."""
    labels = dict(R.choices) if table is REQUEST_TRANSITIONS else dict(L.choices)
    return str(labels.get(status, status))


def next_status(table: Transitions, action: str, current: str) -> str:
    """The status after `action`, or Conflict saying, in words, why the current status refuses it (HTTP 409)."""
    allowed_from, to = table[action]
    if current not in allowed_from:
        raise Conflict(
            _("You cannot %(action)s now: its status is “%(status)s”.")
            % {"action": ACTION_WORDS.get(action, action), "status": status_label(table, current)},
            status=current,
        )
    return to or current


def allowed_actions(table: Transitions, current: str) -> list[str]:
    return [action for action, (allowed_from, _to) in table.items() if current in allowed_from]
