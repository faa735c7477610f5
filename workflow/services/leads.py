"""Leads: spotted by anyone, landing in the client's salesperson's inbox, worked to won or lost.

What a lead shares with a service request (locking, moves, creation, requalification) is in
`workflow.services.items`; here is what is a lead's own: its product, the potential its salesperson
sees in it, the outcome, and a manager's reassignment.
"""

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import Conflict, InvalidInput
from crm.models import Channel
from workflow import events, selectors
from workflow.kinds import LEAD, REQUEST
from workflow.models import Lead, ServiceRequest
from workflow.services import items
from workflow.services.common import record, require_text
from workflow.services.inputs import amount_or_error, category_or_error, check_category_fields, product_or_error
from workflow.services.sales import sale_record
from workflow.transitions import next_status


@transaction.atomic
def lead_create(
    *, sender: User | None, client_id: int, subject: str, description: str = "", product_id: int | None = None,
    callback_after: datetime | None = None, callback_before: datetime | None = None,
    origin_channel: str = Channel.INBOUND_CALL, check_rights: bool = True,
) -> Lead:  # fmt: skip
    """Write a sales opportunity and send it to the client's salesperson (or the rules' choice)."""
    new = items.new_item(LEAD, sender=sender, client_id=client_id, check_rights=check_rights, subject=subject,
                         description=description, callback_after=callback_after, callback_before=callback_before,
                         origin_channel=origin_channel)  # fmt: skip
    return items.write_item(LEAD, new, product=product_or_error(product_id))


@transaction.atomic
def lead_accept(*, lead_id: int, user: User, potential_amount: Any, probability: Any) -> Lead:
    """The salesperson takes the lead on, with the potential they see in it.

    A lead routed to a team with nobody holding it is taken by the member who accepts it.
    """
    lead = items.lock(LEAD, user=user, item_id=lead_id, action="accept")
    if lead.assignee_id is None:
        lead.assignee = user  # a team member takes the unheld lead by accepting it
    errors: dict[str, str] = {}
    try:
        amount = amount_or_error(potential_amount, "potential_amount")
    except InvalidInput as error:
        errors.update({k: v[0] for k, v in error.fields.items()})
    try:
        probability = int(probability)
        if not 0 <= probability <= 100:
            raise ValueError
    except (ValueError, TypeError):
        errors["probability"] = _("Enter a percentage between 0 and 100.")
    if errors:
        raise InvalidInput(errors)
    # Accepting is the response: the resolution clock starts from a clean SLA level.
    return items.step(LEAD, lead, "accept", by=user, event=events.LEAD_ACCEPTED,
                      payload={"probability": probability, "amount": str(amount)}, potential_amount=amount,
                      probability=probability, first_response_at=lead.first_response_at or timezone.now(),
                      sla_level=0)  # fmt: skip


@transaction.atomic
def lead_start(*, lead_id: int, user: User) -> Lead:
    lead = items.lock(LEAD, user=user, item_id=lead_id, action="start")
    return items.step(LEAD, lead, "start", by=user, event=events.LEAD_STARTED)


@transaction.atomic
def lead_won(
    *, lead_id: int, user: User, amount: Any = None, reason: str = "", product_id: int | None = None,
    quantity: Any = 1, channel: str = "", sold_on: date | None = None,
) -> Lead:  # fmt: skip
    """The sale is made: the lead closes as won and its sale is recorded (and credited) in the same step.

    The sale is of the lead's product unless another is named, for `amount` (default: the potential
    given on acceptance), closed by the lead's holder (a manager marking it won records it for them);
    its rules are `workflow.services.sales.sale_record`'s, and a sale refused (say, no product known)
    leaves the lead as it was.
    """
    lead = items.lock(LEAD, user=user, item_id=lead_id, action="won")
    amount = amount_or_error(amount, "amount") if amount not in (None, "") else lead.potential_amount
    next_status(LEAD.transitions, "won", lead.status)  # a lead that cannot be won is a conflict before all
    product_id = product_id or lead.product_id
    if product_id is None:
        raise InvalidInput({"product": _("Say which product was sold: the sale is recorded with the lead.")})
    won = items.step(LEAD, lead, "won", by=user, event=events.LEAD_WON,
                     payload={"amount": str(amount) if amount is not None else None}, closed_at=timezone.now(),
                     potential_amount=amount, status_reason=reason.strip())  # fmt: skip
    sale_record(actor=user, client_id=lead.client_id, product_id=product_id, amount=amount,
                quantity=quantity if quantity not in (None, "") else 1,
                channel=channel, sold_on=sold_on, closer_id=lead.assignee_id, lead=lead)  # fmt: skip
    return won


@transaction.atomic
def lead_lost(*, lead_id: int, user: User, reason: str) -> Lead:
    lead = items.lock(LEAD, user=user, item_id=lead_id, action="lost")
    reason = require_text(reason, "reason")
    return items.step(
        LEAD, lead, "lost", by=user, event=events.LEAD_LOST, closed_at=timezone.now(), status_reason=reason
    )


@transaction.atomic
def lead_reassign(*, lead_id: int, actor: User, assignee_id: int, reason: str = "") -> Lead:
    """A manager gives the lead to another salesperson covering the client's agency (`lead_reassign_candidates`)."""
    lead = items.lock(LEAD, user=actor, item_id=lead_id, action="reassign")
    agency_id = lead.client.agency_id
    sellers = selectors.lead_reassign_candidates(agency_ids=[agency_id])[agency_id]
    assignee = next((person for person in sellers if person.pk == int(assignee_id)), None)
    if assignee is None:
        raise InvalidInput({"assignee": _("Choose a salesperson covering the client's agency.")})
    if assignee.pk == lead.assignee_id:
        raise Conflict(_("The lead is already with this person."), status=lead.status)
    previous = lead.assignee_id
    items.move(LEAD, lead, "reassign", assignee=assignee, reassign_count=lead.reassign_count + 1, sla_level=0,
               routing_reason={"code": "reassigned", "by": actor.pk, "user": assignee.pk})  # fmt: skip
    if reason.strip():
        lead.comments.create(author=actor, body=reason.strip())
    record(actor=actor, item=lead, action=events.LEAD_REASSIGNED, payload={"from": previous, "to": assignee.pk})
    return lead


@transaction.atomic
def lead_comment(*, lead_id: int, user: User, body: str) -> Lead:
    return items.comment(LEAD, item_id=lead_id, user=user, body=body)


@transaction.atomic
def lead_requalify(
    *, lead_id: int, user: User, reason: str, category: str, fields: dict[str, Any] | None = None, subject: str = ""
) -> tuple[Lead, ServiceRequest]:
    """Not a lead after all: close it as requalified (counted against the sender) and route a request."""
    lead = items.lock(LEAD, user=user, item_id=lead_id, action="requalify")
    reason = require_text(reason, "reason")
    category_obj = category_or_error(category)
    own = {"category": category_obj, "fields": check_category_fields(category_obj, fields)}
    request = items.requalify(LEAD, lead, into=REQUEST, by=user, reason=reason, subject=subject, own=own,
                              noted={"not_a_lead": True}, not_a_lead=True)  # fmt: skip
    return lead, request
