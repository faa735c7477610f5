"""Leads: spotted by anyone, landing in the client's salesperson's inbox, worked to won or lost."""

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rights
from accounts.models import User
from config.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from crm.models import Channel, Client, Product
from crm.selectors import client_get_for_user
from workflow.models import ItemKind, Lead, ServiceRequest
from workflow.policy import require_lead_action
from workflow.routing import route_item
from workflow.selectors import leads_visible
from workflow.services.common import check_callback_window, record, require_text
from workflow.transitions import LEAD_TRANSITIONS, next_status


def product_or_error(product_id: int | Product | None) -> Product | None:
    if product_id is None or isinstance(product_id, Product):
        return product_id
    product = Product.objects.filter(pk=product_id, is_active=True).first()
    if product is None:
        raise InvalidInput({"product": _("Unknown product.")})
    return product


def create_lead_row(
    *,
    sender: User | None,
    client: Client,
    subject: str,
    description: str,
    product: Product | None,
    callback_after: datetime | None,
    callback_before: datetime | None,
    origin_channel: str,
    requalified_from: ServiceRequest | None = None,
) -> Lead:
    """Route and write a lead whose input is already checked. Called inside a transaction."""
    route = route_item(kind=ItemKind.LEAD, client=client, product=product, channel=origin_channel)
    now = timezone.now()
    lead = Lead.objects.create(
        client=client,
        subject=subject,
        description=description,
        product=product,
        sender=sender,
        origin_channel=origin_channel,
        team=route.team,
        assignee=route.assignee,
        routing_rule=route.rule,
        routing_reason=route.reason,
        callback_after=callback_after,
        callback_before=callback_before,
        response_due_at=now + timedelta(hours=settings.LEAD_RESPONSE_HOURS),
        resolution_due_at=now + timedelta(days=settings.LEAD_RESOLUTION_DAYS),
        requalified_from=requalified_from,
    )
    record(actor=sender, item=lead, action="created",
           payload={"product": product.pk if product else None, "rule": route.rule.pk if route.rule else None,
                    "channel": origin_channel,
                    "requalified_from_request": requalified_from.pk if requalified_from else None})  # fmt: skip
    return lead


@transaction.atomic
def lead_create(
    *,
    sender: User | None,
    client_id: int,
    subject: str,
    description: str = "",
    product_id: int | None = None,
    callback_after: datetime | None = None,
    callback_before: datetime | None = None,
    origin_channel: str = Channel.INBOUND_CALL,
    check_rights: bool = True,
) -> Lead:
    """Write a sales opportunity and send it to the client's salesperson (or the rules' choice)."""
    if check_rights:
        client = client_get_for_user(user=sender, client_id=client_id)
        if not rights.has_agency_perm(sender, rights.CREATE_LEADS, client.agency_id):
            raise PermissionDenied(_("You cannot create leads for this client."))
    else:
        client = Client.objects.select_related("agency", "account_owner").get(pk=client_id)
    subject = require_text(subject, "subject")
    if origin_channel not in Channel.values:
        raise InvalidInput({"origin_channel": _("Unknown channel.")})
    product = product_or_error(product_id)
    check_callback_window(callback_after, callback_before)
    return create_lead_row(
        sender=sender, client=client, subject=subject, description=description or "", product=product,
        callback_after=callback_after, callback_before=callback_before, origin_channel=origin_channel,
    )  # fmt: skip


def _locked(*, user: User, lead_id: int) -> Lead:
    """The lead, if the user may read it (else NotFound), locked for the rest of the transaction."""
    try:
        return (
            leads_visible(user=user)
            .select_for_update(of=("self",))
            .select_related("client", "client__agency")
            .get(pk=int(lead_id))
        )
    except (Lead.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def _move(lead: Lead, action: str, **changes: Any) -> None:
    previous = lead.status
    lead.status = next_status(LEAD_TRANSITIONS, action, lead.status)
    if lead.status != previous:
        lead.status_changed_at = timezone.now()
    for name, value in changes.items():
        setattr(lead, name, value)
    lead.save()


def _amount(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidInput({field: _("Enter an amount.")}) from None
    if amount < 0 or not amount.is_finite():
        raise InvalidInput({field: _("The amount cannot be negative.")})
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def lead_accept(*, lead_id: int, user: User, potential_amount: Any, probability: Any) -> Lead:
    """The salesperson takes the lead on, with the potential they see in it.

    A lead routed to a team with nobody holding it is taken by the member who accepts it.
    """
    lead = _locked(user=user, lead_id=lead_id)
    require_lead_action(user=user, lead=lead, action="accept")
    if lead.assignee_id is None:
        lead.assignee = user  # a team member takes the unheld lead by accepting it
    errors: dict[str, str] = {}
    try:
        amount = _amount(potential_amount, "potential_amount")
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
    _move(lead, "accept", potential_amount=amount, probability=probability,
          first_response_at=lead.first_response_at or timezone.now(), sla_level=0)  # fmt: skip
    record(actor=user, item=lead, action="accepted", payload={"probability": probability, "amount": str(amount)})
    return lead


@transaction.atomic
def lead_start(*, lead_id: int, user: User) -> Lead:
    lead = _locked(user=user, lead_id=lead_id)
    require_lead_action(user=user, lead=lead, action="start")
    _move(lead, "start")
    record(actor=user, item=lead, action="started")
    return lead


@transaction.atomic
def lead_won(*, lead_id: int, user: User, amount: Any = None, reason: str = "") -> Lead:
    lead = _locked(user=user, lead_id=lead_id)
    require_lead_action(user=user, lead=lead, action="won")
    amount = _amount(amount, "amount") if amount not in (None, "") else lead.potential_amount
    _move(lead, "won", closed_at=timezone.now(), potential_amount=amount, status_reason=reason.strip())
    record(actor=user, item=lead, action="won", payload={"amount": str(amount) if amount is not None else None})
    return lead


@transaction.atomic
def lead_lost(*, lead_id: int, user: User, reason: str) -> Lead:
    lead = _locked(user=user, lead_id=lead_id)
    require_lead_action(user=user, lead=lead, action="lost")
    reason = require_text(reason, "reason")
    _move(lead, "lost", closed_at=timezone.now(), status_reason=reason)
    record(actor=user, item=lead, action="lost")
    return lead


@transaction.atomic
def lead_reassign(*, lead_id: int, actor: User, assignee_id: int, reason: str = "") -> Lead:
    """A manager gives the lead to another salesperson of the client's agency."""
    lead = _locked(user=actor, lead_id=lead_id)
    require_lead_action(user=actor, lead=lead, action="reassign")
    assignee = User.objects.filter(pk=assignee_id, is_active=True).first()
    if assignee is None or not rights.has_agency_perm(assignee, rights.WORK_LEADS, lead.client.agency_id):
        raise InvalidInput({"assignee": _("Choose a salesperson of the client's agency.")})
    if assignee.pk == lead.assignee_id:
        raise Conflict(_("The lead is already with this person."), status=lead.status)
    previous = lead.assignee_id
    _move(lead, "reassign", assignee=assignee, reassign_count=lead.reassign_count + 1, sla_level=0,
          routing_reason={"code": "reassigned", "by": actor.pk, "user": assignee.pk})  # fmt: skip
    if reason.strip():
        lead.comments.create(author=actor, body=reason.strip())
    record(actor=actor, item=lead, action="reassigned", payload={"from": previous, "to": assignee.pk})
    return lead


@transaction.atomic
def lead_comment(*, lead_id: int, user: User, body: str) -> Lead:
    lead = _locked(user=user, lead_id=lead_id)
    require_lead_action(user=user, lead=lead, action="comment")
    body = require_text(body, "body")
    next_status(LEAD_TRANSITIONS, "comment", lead.status)
    comment = lead.comments.create(author=user, body=body)
    record(actor=user, item=lead, action="commented", payload={"comment": comment.pk})
    return lead


@transaction.atomic
def lead_requalify(
    *, lead_id: int, user: User, reason: str, category: str, fields: dict[str, Any] | None = None, subject: str = ""
) -> tuple[Lead, ServiceRequest]:
    """Not a lead after all: close it as requalified (counted against the sender) and route a request."""
    from workflow.services.requests import category_or_error, check_category_fields, create_request_row

    lead = _locked(user=user, lead_id=lead_id)
    require_lead_action(user=user, lead=lead, action="requalify")
    reason = require_text(reason, "reason")
    category_obj = category_or_error(category)
    fields = check_category_fields(category_obj, fields)
    _move(lead, "requalify", closed_at=timezone.now(), not_a_lead=True, status_reason=reason)
    request = create_request_row(
        sender=lead.sender or user, client=lead.client, category=category_obj, subject=subject.strip() or lead.subject,
        description=lead.description, fields=fields, callback_after=lead.callback_after,
        callback_before=lead.callback_before, origin_channel=lead.origin_channel, requalified_from=lead,
    )  # fmt: skip
    record(actor=user, item=lead, action="requalified", payload={"request": request.pk, "not_a_lead": True})
    return lead, request
