"""The catalogue of events (DESIGN.md section 7): every action the trace may hold, declared once.

Each app declares its own events in its `events.py`, loaded by its AppConfig, and uses the constants
that come back instead of spelling action names. Whoever reads the trace (notifications, an item's
history, the redaction of confidential payloads, reporting) asks the catalogue what an action means;
nobody parses an action's name. `trace_append` refuses an action nobody declared, so a misspelt or
renamed action fails the first test that writes it, instead of silently losing its notification.

An action written once is history: it is never renamed nor removed from the catalogue, or the trace
could no longer be read (and a renamed action would break every hash after it).
"""

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise


class Audience(StrEnum):
    """Who hears of an event: roles that the app owning the object turns into people."""

    NOBODY = "nobody"
    HOLDERS = "holders"  # who must act on the object now: its assignee, else its team
    SENDER = "sender"  # who sent the object
    HOLDERS_AND_SENDER = "holders_and_sender"
    MANAGERS = "managers"  # the managers of the client's agency


class Payload(StrEnum):
    """What an event's payload reveals, for objects whose content is confidential (leads)."""

    STATUS = "status"  # where the object stands: shown to whoever may follow its status
    CONTENT = "content"  # what it says (amounts, products, comments): only to who may read the object


@dataclass(frozen=True)
class Notice:
    """What a notification of an event says.

    `verb` is stored with each notification (it is the API's `verb` field) and finds the text again
    when the notification is shown; `text` names the object as `%(item)s`.
    """

    verb: str
    text: Promise


@dataclass(frozen=True)
class EventType:
    """One action: its full dotted name as stored in the trace, and how people are told of it.

    `history` names the parts of the payload that an item's history spells out (the app that reads
    the history knows how to put each into words); `label` is how the event reads in any history.
    """

    action: str
    label: Promise
    payload: Payload = Payload.STATUS
    audience: Audience = Audience.NOBODY
    notice: Notice | None = None
    history: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.action.count(".") < 2 or self.action != self.action.strip().lower():
            raise ImproperlyConfigured(f"An action is `app.object.verb` in lower case: {self.action!r}.")
        if (self.audience == Audience.NOBODY) != (self.notice is None):
            raise ImproperlyConfigured(f"{self.action}: an event notifies someone exactly when it has a notice.")

    def __str__(self) -> str:
        return self.action


class UndeclaredEvent(LookupError):
    """An action that no app declared: a bug, caught by the first test that writes or reads it."""


_EVENTS: dict[str, EventType] = {}
_NOTICES: dict[str, Notice] = {}


def declare(
    action: str,
    label: Promise,
    *,
    payload: Payload = Payload.STATUS,
    audience: Audience = Audience.NOBODY,
    notice: Notice | None = None,
    history: tuple[str, ...] = (),
) -> EventType:
    """Add an event to the catalogue and return it: the constant that its app's code uses."""
    event = EventType(action, label, payload=payload, audience=audience, notice=notice, history=history)
    known = _EVENTS.get(event.action)
    if known is not None and known != event:
        raise ImproperlyConfigured(f"{event.action} is declared twice, differently.")
    if event.notice is not None:
        same_verb = _NOTICES.get(event.notice.verb)
        if same_verb is not None and same_verb != event.notice:
            raise ImproperlyConfigured(f"The notice verb {event.notice.verb!r} says two different things.")
        _NOTICES[event.notice.verb] = event.notice
    _EVENTS[event.action] = event
    return event


def event_type(action: str | EventType) -> EventType:
    """The declaration of an action; `UndeclaredEvent` when there is none."""
    if isinstance(action, EventType):
        action = action.action
    try:
        return _EVENTS[action]
    except KeyError:
        raise UndeclaredEvent(f"The action {action!r} is not declared in any app's events.py.") from None


def is_declared(action: str) -> bool:
    return action in _EVENTS


def declared_events() -> list[EventType]:
    """Every declared event, by action name."""
    return [_EVENTS[action] for action in sorted(_EVENTS)]


def notice_for(verb: str) -> Notice | None:
    """The notice that a notification's stored `verb` stands for."""
    return _NOTICES.get(verb)
