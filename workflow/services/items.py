"""The mechanics every request and lead service shares, written once and told the kind (`workflow.kinds`).

- `lock`: the item, if the user may read it, locked for the transaction; and whether they may act.
- `move` and `step`: a transition of the kind's lifecycle with the changes that go with it, traced.
- `new_item` and `write_item`: check what every new item carries, route it and write it, traced.
- `comment` and `requalify`: a written note, and an item closed as what it was not, routed as the other kind.

Each public service of `workflow.services.requests` and `.leads` checks its own inputs and calls these.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rights
from accounts.models import User
from common.errors import Conflict, InvalidInput, PermissionDenied
from crm.models import Channel, Client
from crm.selectors import client_get_for_user
from trace.catalogue import EventType
from workflow import selectors
from workflow.due import due_dates
from workflow.hours import agency_calendar
from workflow.kinds import Item, Kind
from workflow.routing import route_item
from workflow.services.common import check_callback_window, record, require_text
from workflow.transitions import next_status


def lock(kind: Kind, *, user: User, item_id: int | str, action: str | None = None) -> Any:
    """The item, if the user may read it (else NotFound), locked for the rest of the transaction.

    With `action`, the user must also be one who may take it: PermissionDenied when they may not, as
    the item stood when they asked; Conflict when they could, but someone changed the item while they
    waited for its lock (a colleague accepted the lead first, a manager transferred the request).

    The row is locked by its id after the scoped read, not through the scope itself: on PostgreSQL a
    locked row that no longer matches the scope once the other writer commits would simply vanish
    from the answer, and a person beaten by a colleague would get 404 instead of "someone was first".
    """
    seen = selectors.one(kind.readable(user=user).select_related(*kind.locked_relations), item_id)
    if action is not None:
        kind.require(user=user, item=seen, action=action)
    item = kind.model.objects.select_for_update(of=("self",)).select_related(*kind.locked_relations).get(pk=seen.pk)
    if action is not None:
        try:
            kind.require(user=user, item=item, action=action)
        except PermissionDenied:
            raise changed_meanwhile(item) from None
    return item


def changed_meanwhile(item: Item) -> Conflict:
    """The 409 of someone who acted on what they saw, while a colleague changed it first."""
    return Conflict(
        _("Someone acted on %(ref)s meanwhile: it is now “%(status)s”. Reload the page to see where it stands.")
        % {"ref": item.reference, "status": item.get_status_display()},
        status=item.status,
    )


def move(kind: Kind, item: Item, action: str, **changes: Any) -> None:
    """Take `action` in the kind's lifecycle (Conflict if the status does not allow it), with its changes, saved."""
    previous = item.status
    item.status = next_status(kind.transitions, action, item.status)
    if item.status != previous:
        item.status_changed_at = timezone.now()
    for name, value in changes.items():
        setattr(item, name, value)
    item.save()


def step(
    kind: Kind,
    item: Item,
    action: str,
    *,
    by: User | None,
    event: EventType,
    payload: dict | None = None,
    **changes: Any,
) -> Any:
    """`move`, traced as `event`: what most actions on an item are. Returns the item."""
    move(kind, item, action, **changes)
    record(actor=by, item=item, action=event, payload=payload)
    return item


def comment(kind: Kind, *, item_id: int | str, user: User, body: str) -> Any:
    """A written note on an open item, by someone who takes part in it (`workflow.policy`)."""
    item = lock(kind, user=user, item_id=item_id, action="comment")
    body = require_text(body, "body")
    next_status(kind.transitions, "comment", item.status)
    note = item.comments.create(author=user, body=body)
    if kind.comment_answers and item.first_response_at is None and item.assignee_id == user.pk:
        item.first_response_at = note.created_at
        item.save(update_fields=["first_response_at", "updated_at"])
    record(actor=user, item=item, action="commented", payload={"comment": note.pk})
    return item


@dataclass(frozen=True)
class NewItem:
    """What every new item carries, checked: who sends it, for which client, about what, when to call back."""

    sender: User | None
    client: Client
    subject: str
    description: str
    callback_after: datetime | None
    callback_before: datetime | None
    origin_channel: str
    requalified_from: Model | None = None


def new_item(
    kind: Kind, *, sender: User | None, client_id: int, check_rights: bool, subject: str, description: str,
    callback_after: datetime | None, callback_before: datetime | None, origin_channel: str,
) -> NewItem:  # fmt: skip
    """Check the inputs every new item has; the kind's own are its service's to check.

    `check_rights=False` is for channel intake (web form, e-mail), where no person acts.
    """
    if check_rights:
        client = client_get_for_user(user=sender, client_id=client_id)
        if not rights.has_agency_perm(sender, kind.create_right, client.agency_id):
            raise PermissionDenied(str(kind.create_refusal))
    else:
        client = Client.objects.select_related("agency", "account_owner").get(pk=client_id)
    subject = require_text(subject, "subject")
    if origin_channel not in Channel.values:
        raise InvalidInput({"origin_channel": _("Unknown channel.")})
    check_callback_window(callback_after, callback_before, calendar=agency_calendar(client.agency_id))
    return NewItem(sender, client, subject, description or "", callback_after, callback_before, origin_channel)


def write_item(kind: Kind, new: NewItem, **own: Any) -> Any:
    """Route and write an item whose inputs (`own`: the kind's own fields) are checked, and trace it.

    Called inside the creating transaction.
    """
    item = kind.model(
        client=new.client, sender=new.sender, subject=new.subject, description=new.description,
        callback_after=new.callback_after, callback_before=new.callback_before, origin_channel=new.origin_channel,
        requalified_from=new.requalified_from, **own,
    )  # fmt: skip
    route = route_item(kind=kind.routing, client=new.client, channel=new.origin_channel,
                       category=own.get("category"), product=own.get("product"))  # fmt: skip
    item.team, item.assignee, item.routing_rule, item.routing_reason = (
        route.team,
        route.assignee,
        route.rule,
        route.reason,
    )
    if route.assignee is not None and kind.held_status:
        item.status = kind.held_status
    item.response_due_at, item.resolution_due_at = due_dates(item, timezone.now())
    item.save(force_insert=True)
    source = new.requalified_from
    record(actor=new.sender, item=item, action="created",
           payload={**kind.created_facts(item), "rule": route.rule.pk if route.rule else None,
                    "channel": new.origin_channel, f"requalified_from_{kind.counterpart}": source.pk if source else None})  # fmt: skip
    return item


def requalify(
    kind: Kind, item: Item, *, into: Kind, by: User, reason: str, subject: str, own: dict[str, Any],
    noted: dict[str, Any], **changes: Any,
) -> Any:  # fmt: skip
    """Close a locked item as requalified and route what it really is, as an item of `into`; both linked.

    The new item keeps the client, the sender (or whoever requalifies), the description and the
    callback window; `own` is its kind's own fields, checked. `noted` goes into the trace.
    """
    move(kind, item, "requalify", closed_at=timezone.now(), status_reason=reason, **changes)
    copy = NewItem(item.sender or by, item.client, subject.strip() or item.subject, item.description,
                   item.callback_after, item.callback_before, item.origin_channel, requalified_from=item)  # fmt: skip
    created = write_item(into, copy, **own)
    record(actor=by, item=item, action="requalified", payload={into.name: created.pk, **noted})
    return created
