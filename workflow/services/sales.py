"""Sales: recorded by whoever closed them (or by a manager for them), credited in the same step, cancelled within a window.

Who may sell what (DESIGN.md sections 1 and 8): the closer must hold `sell_basic` on the client's
agency for a basic product, `sell_complex` for a complex one; reception and telemarketing hold only
the first, so their complex sale is refused with a 400 that says to send a lead instead. A sale made
directly (not from a lead) must be on one of the product's direct-sale channels. The credits are
written by `workflow.services.credits` from the attribution rule (`workflow.attribution`).
"""

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rights
from accounts.models import User
from common.errors import Conflict, InvalidInput, PermissionDenied
from crm.models import Channel, Client, Complexity, Product
from crm.selectors import client_get_for_user
from trace.services import trace_append
from workflow import events
from workflow.models import Lead
from workflow.models_campaigns import CampaignTarget, Potential
from workflow.models_sales import Dispute, DisputeStatus, Sale
from workflow.selectors_sales import sale_get_for_user
from workflow.services.credits import credits_assign, credits_reverse

# Above these, an amount or a quantity is a typing mistake, not a sale (and would not fit the columns).
MAX_SALE_AMOUNT = Decimal("9999999999.99")
MAX_SALE_QUANTITY = 100_000
CANCEL_REASON_MAX = 500


def _amount_or_error(value: Any, errors: dict[str, str]) -> Decimal | None:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        errors["amount"] = _("Enter an amount.")
        return None
    if not amount.is_finite() or amount <= 0:
        errors["amount"] = _("A sale's amount is more than zero.")
    elif amount > MAX_SALE_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        errors["amount"] = _("Enter an amount in euros and cents, below ten billion.")
    else:
        return amount.quantize(Decimal("0.01"))
    return None


def _quantity_or_error(value: Any, errors: dict[str, str]) -> int | None:
    try:
        quantity = int(value)
        if isinstance(value, bool) or str(quantity) != str(value).strip():
            raise ValueError
    except (ValueError, TypeError):
        errors["quantity"] = _("Enter a whole number.")
        return None
    if not 1 <= quantity <= MAX_SALE_QUANTITY:
        errors["quantity"] = _("Enter a quantity between 1 and %(max)s.") % {"max": MAX_SALE_QUANTITY}
        return None
    return quantity


def _sold_on_or_error(value: date | None, errors: dict[str, str]) -> date | None:
    today = timezone.localdate()
    if value is None:
        return today
    if not isinstance(value, date) or isinstance(value, datetime):
        errors["sold_on"] = _("Enter a date.")
        return None
    if value > today:
        errors["sold_on"] = _("A sale cannot be dated in the future.")
    elif value < today - timedelta(days=settings.SALE_MAX_AGE_DAYS):
        errors["sold_on"] = _("A sale older than %(days)s days can no longer be recorded.") % {
            "days": settings.SALE_MAX_AGE_DAYS
        }
    else:
        return value
    return None


def check_may_sell(*, closer: User, product: Product, client: Client) -> None:
    """The closer's right to sell this product to this client, as the role map gives it (DESIGN.md section 5).

    No right to sell at all: PermissionDenied. A basic seller closing a complex product: InvalidInput
    on `product`, saying why and what to do instead.
    """
    agency_id = client.agency_id
    if rights.has_agency_perm(closer, rights.SELL_COMPLEX, agency_id):
        return
    if not rights.has_agency_perm(closer, rights.SELL_BASIC, agency_id):
        raise PermissionDenied(_("You cannot record sales for this client."))
    if product.complexity == Complexity.COMPLEX:
        refusal = _(
            "%(product)s is a complex product: reception and telemarketing sell basic products only. "
            "Send a lead to the client's salesperson instead: they will close the sale, and you will be "
            "credited as its initiator."
        ) % {"product": product.name}
        raise InvalidInput({"product": refusal}, message=refusal)


def _closer(*, actor: User, closer_id: int | None, client: Client) -> User:
    """The actor, or (for a manager of the client's agency, or an admin) the person they record the sale for."""
    if closer_id in (None, "", actor.pk):
        return actor
    if not (rights.is_org_admin(actor) or rights.has_agency_perm(actor, rights.MANAGE_UNIT, client.agency_id)):
        raise PermissionDenied(_("Only a manager of the client's agency records a sale closed by someone else."))
    try:
        closer = User.objects.filter(pk=int(closer_id), is_active=True).first()
    except (TypeError, ValueError):
        closer = None
    if closer is None:
        raise InvalidInput({"closer": _("Choose an active person.")})
    return closer


def _channel_or_error(*, channel: str, product: Product, lead: Lead | None, errors: dict[str, str]) -> str:
    """A direct sale must be on one of the product's direct-sale channels; a lead's sale is closed by its holder.

    A won lead's sale defaults to the product's first direct-sale channel (a visit when it has none).
    """
    allowed = list(product.direct_sale_channels or [])
    if lead is not None and not channel:
        return allowed[0] if allowed else Channel.VISIT
    if channel not in Channel.values:
        errors["channel"] = _("Choose the channel the sale was closed on.")
    elif lead is None and channel not in allowed:
        labels = ", ".join(str(Channel(value).label) for value in allowed if value in Channel.values)
        errors["channel"] = (
            _("%(product)s is not sold directly on this channel; it is on: %(channels)s.")
            % {"product": product.name, "channels": labels}
            if labels
            else _("%(product)s is never sold directly: it is sold through a lead.") % {"product": product.name}
        )
    return channel


def _product_or_error(product_id: Any, errors: dict[str, str]) -> Product | None:
    try:
        product = Product.objects.filter(pk=int(product_id), is_active=True).first()
    except (TypeError, ValueError):
        product = None
    if product is None:
        errors["product"] = _("Choose a product on sale.")
    return product


@transaction.atomic
def sale_record(
    *, actor: User, client_id: int, product_id: int, amount: Any, quantity: Any = 1, channel: str = "",
    sold_on: date | None = None, closer_id: int | None = None, lead: Lead | None = None,
    campaign_target: CampaignTarget | None = None, potential: Potential | None = None,
) -> Sale:  # fmt: skip
    """Record a sale and credit it by the attribution rule, in one step; returns the sale.

    The actor closed it, unless a manager of the client's agency (or an admin) names the `closer`.
    `lead` is the won lead it came from (`workflow.services.leads.lead_won` passes it, under the
    lead's lock); `campaign_target` and `potential` are the call-list target or the portfolio potential
    it came from (their services pass them, under their row's lock). Out-of-scope client: NotFound; no right to sell there: PermissionDenied; a complex
    product for a basic seller, a channel the product is not sold on directly, a bad amount, quantity
    or date: InvalidInput naming the field. Nothing is written unless everything holds.
    """
    client = client_get_for_user(user=actor, client_id=client_id)
    closer = _closer(actor=actor, closer_id=closer_id, client=client)
    errors: dict[str, str] = {}
    product = _product_or_error(product_id, errors)
    if product is None:
        raise InvalidInput(errors)
    check_may_sell(closer=closer, product=product, client=client)
    channel = _channel_or_error(channel=channel or "", product=product, lead=lead, errors=errors)
    amount = _amount_or_error(amount, errors)
    quantity = _quantity_or_error(quantity, errors)
    sold_on = _sold_on_or_error(sold_on, errors)
    if errors:
        raise InvalidInput(errors)
    sale = Sale.objects.create(
        client=client, product=product, quantity=quantity, amount=amount, closer=closer, channel=channel,
        sold_on=sold_on, account_owner_id=client.account_owner_id, owner_share=product.owner_commission_share,
        lead=lead, campaign_target=campaign_target, potential=potential, recorded_by=actor,
    )  # fmt: skip
    # What attribution reads (workflow.attribution): the family and complexity as they are today, who
    # closed, who owned the account and the share promised, and where the sale came from.
    event = trace_append(
        actor=actor, action=events.SALE_RECORDED, obj=sale, client_id=client.pk,
        payload={"sale": sale.pk, "product": product.pk, "family": product.family,
                 "complexity": product.complexity, "quantity": quantity, "amount": str(amount), "channel": channel,
                 "sold_on": sold_on.isoformat(), "closer": closer.pk, "owner": client.account_owner_id,
                 "owner_share": str(product.owner_commission_share), "lead": lead.pk if lead else None,
                 "campaign_target": campaign_target.pk if campaign_target else None,
                 "potential": potential.pk if potential else None},
    )  # fmt: skip
    credits_assign(sale=sale, sale_event=event, actor=actor)
    return sale


def may_cancel_sale(*, user: User, sale: Sale) -> bool:
    """Who may cancel a sale: its closer, whoever recorded it, a manager of the client's agency, an admin."""
    if rights.is_org_admin(user) or rights.has_agency_perm(user, rights.MANAGE_UNIT, sale.client.agency_id):
        return True
    return user.pk in (sale.closer_id, sale.recorded_by_id)


def cancel_deadline(sale: Sale) -> datetime:
    """Until when the sale may be cancelled: `SALE_CANCEL_WINDOW_DAYS` after it was recorded."""
    return sale.recorded_at + timedelta(days=settings.SALE_CANCEL_WINDOW_DAYS)


@transaction.atomic
def sale_cancel(*, sale_id: int, actor: User, reason: str) -> Sale:
    """Cancel a sale within the window: traced, its credits reversed, its open disputes closed.

    Out of scope: NotFound; not its closer, recorder or a manager: PermissionDenied; no reason:
    InvalidInput; already cancelled or past the window: Conflict.
    """
    sale = sale_get_for_user(user=actor, sale_id=sale_id, lock=True)
    if not may_cancel_sale(user=actor, sale=sale):
        raise PermissionDenied(_("Only the sale's closer or a manager of the client's agency cancels it."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput({"reason": _("This field is required.")})
    if len(reason) > CANCEL_REASON_MAX:
        raise InvalidInput({"reason": _("Keep it under %(max)s characters.") % {"max": CANCEL_REASON_MAX}})
    if sale.is_cancelled:
        raise Conflict(_("This sale is already cancelled."), status="cancelled")
    if timezone.now() > cancel_deadline(sale):
        raise Conflict(
            _("A sale may be cancelled within %(days)s days of being recorded; this one no longer can.")
            % {"days": settings.SALE_CANCEL_WINDOW_DAYS},
            status="recorded",
        )
    sale.cancelled_at, sale.cancelled_by, sale.cancel_reason = timezone.now(), actor, reason
    sale.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
    closed = list(
        Dispute.objects.filter(sale=sale, status=DisputeStatus.OPEN).order_by("pk").values_list("pk", flat=True)
    )
    Dispute.objects.filter(pk__in=closed).update(status=DisputeStatus.CLOSED, decided_at=sale.cancelled_at)
    trace_append(actor=actor, action=events.SALE_CANCELLED, obj=sale, client_id=sale.client_id,
                 payload={"sale": sale.pk, "disputes_closed": closed})  # fmt: skip
    credits_reverse(sale=sale, actor=actor)
    return sale
