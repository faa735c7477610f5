"""Reassigning many requests and leads at once, from the manager's overview (issue 8, item 1).

Each item goes through its own service (`service_request_assign`, `lead_reassign`) in its own
transaction, with that service's rights checks and trace event: a bulk action grants nothing the
one-by-one action would not. One item refused does not undo the others; each gets its outcome, with
the status code the API would give it alone (404 out of scope, 403 not allowed, 400 bad choice,
409 conflict).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from workflow.kinds import LEAD, REQUEST
from workflow.services.leads import lead_reassign
from workflow.services.requests import service_request_assign

# A bulk reassignment names at most this many items (a page of the overview holds 50 of each kind).
MAX_BULK_ITEMS = 200

_STATUS = ((NotFound, 404), (PermissionDenied, 403), (InvalidInput, 400), (Conflict, 409))


@dataclass(frozen=True)
class Outcome:
    """What happened to one item of a bulk action."""

    kind: str  # "request" or "lead"
    item_id: int
    status: int  # 200, or the HTTP status the item alone would have answered
    reference: str = ""
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.status == 200


def _message(error: DomainError) -> str:
    if isinstance(error, InvalidInput):
        return " ".join(str(m) for messages in error.fields.values() for m in (
            messages if isinstance(messages, list) else [messages]))  # fmt: skip
    if isinstance(error, NotFound):
        return _("This item does not exist or is not visible to you.")
    return error.message


def _one(kind: str, item_id: int, do) -> Outcome:
    try:
        item = do()
    except DomainError as error:
        status = next(code for cls, code in _STATUS if isinstance(error, cls))
        return Outcome(kind=kind, item_id=item_id, status=status, message=_message(error))
    return Outcome(kind=kind, item_id=item.pk, status=200, reference=item.reference)


def items_reassign(
    *, actor: User, assignee_id: int, request_ids: list[int] = (), lead_ids: list[int] = (), reason: str = ""
) -> list[Outcome]:  # fmt: skip
    """Give each request (to a member of its team) and each lead (to a salesperson covering its client's
    agency) to `assignee_id`; one outcome per item, in the order asked. Not atomic as a whole, on purpose."""
    request_ids, lead_ids = list(dict.fromkeys(request_ids)), list(dict.fromkeys(lead_ids))
    if not request_ids and not lead_ids:
        raise InvalidInput({"items": _("Tick at least one request or lead.")})
    if len(request_ids) + len(lead_ids) > MAX_BULK_ITEMS:
        raise InvalidInput({"items": _("At most %(n)d items at once.") % {"n": MAX_BULK_ITEMS}})
    outcomes = [
        _one(REQUEST.name, pk, lambda pk=pk: service_request_assign(request_id=pk, actor=actor,
                                                                    assignee_id=assignee_id))
        for pk in request_ids
    ]  # fmt: skip
    outcomes += [
        _one(LEAD.name, pk, lambda pk=pk: lead_reassign(lead_id=pk, actor=actor, assignee_id=assignee_id,
                                                        reason=reason))
        for pk in lead_ids
    ]  # fmt: skip
    return outcomes
