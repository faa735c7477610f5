"""Proposals: a salesperson or telesales agent proposes a product family to a client (issue 9).

A proposal is a contact with the client (its line on the timeline is an `Interaction`, logged through
`crm.services.interaction_log`) plus what sales attribution needs from it: who, which family, and the
trace event `crm.proposal.recorded`, whose place in the client's chain is when it counts
(docs/attribution.md). The write and the reads of proposals live here together, a small domain of
its own; the client record's other writes stay in `crm.services`.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rights
from accounts.models import Membership, TeamKind, User
from common.errors import InvalidInput, PermissionDenied
from crm import events
from crm.models import Channel, Client, Direction, Product, Proposal
from crm.selectors import client_get_for_user, clients_visible
from crm.services import interaction_log
from trace.services import trace_append

# Who makes proposals (issue 9): the client's salespeople and the telesales covering its agency.
# Reception and telemarketing send leads instead; managers decide, they do not propose.
PROPOSING_TEAM_KINDS = (TeamKind.SALES, TeamKind.TELESALES)
PROPOSAL_CHANNELS = (Channel.VISIT, Channel.OUTBOUND_CALL, Channel.INBOUND_CALL, Channel.EMAIL, Channel.LETTER)


def product_families() -> list[str]:
    """The families of the products on sale, in alphabetical order: what a proposal or a sale is about."""
    return sorted(set(Product.objects.filter(is_active=True).values_list("family", flat=True)))


def may_propose(*, user: User, client: Client) -> bool:
    """Whether the user is in a sales or telesales team covering the client's agency (one query)."""
    if not rights.has_agency_perm(user, rights.LOG_INTERACTIONS, client.agency_id):
        return False
    memberships = Membership.objects.filter(
        user=user, ended_at__isnull=True, team__is_active=True, team__kind__in=PROPOSING_TEAM_KINDS
    ).select_related("team")
    return any(membership.team.covers(client.agency) for membership in memberships)


def _proposal_moment(proposed_on: date | None) -> tuple[date, datetime]:
    """The proposal's date, checked, and the time its timeline line shows."""
    today = timezone.localdate()
    proposed_on = proposed_on or today
    if not isinstance(proposed_on, date) or isinstance(proposed_on, datetime):
        raise InvalidInput({"proposed_on": _("Enter a date.")})
    if proposed_on > today:
        raise InvalidInput({"proposed_on": _("A proposal cannot be dated in the future.")})
    oldest = today - timedelta(days=settings.ATTRIBUTION_WINDOW_DAYS)
    if proposed_on < oldest:
        raise InvalidInput(
            {"proposed_on": _("A proposal older than %(days)s days can no longer be recorded.")
             % {"days": settings.ATTRIBUTION_WINDOW_DAYS}}
        )  # fmt: skip
    if proposed_on == today:
        return proposed_on, timezone.now()
    return proposed_on, timezone.make_aware(datetime.combine(proposed_on, time(12, 0)))


@transaction.atomic
def proposal_record(
    *, actor: User, client_id: int, family: str, product_id: int | None = None, proposed_on: date | None = None,
    channel: str = Channel.VISIT, notes: str = "",
) -> Proposal:  # fmt: skip
    """Record that the actor proposed a product family (optionally one product of it) to the client.

    Only a member of a sales or telesales team covering the client's agency may (PermissionDenied);
    the family must be one of the catalogue's, the product (if any) one of that family. The date is the
    day the proposal was made (today by default, at most the attribution window back); attribution
    reads when it was recorded, from the trace.
    """
    client = client_get_for_user(user=actor, client_id=client_id)
    if not may_propose(user=actor, client=client):
        raise PermissionDenied(_("Only the client's salespeople and telesales record proposals."))
    errors: dict[str, str] = {}
    family = (family or "").strip()
    if family not in product_families():
        errors["family"] = _("Choose a product family of the catalogue.")
    product = None
    if product_id is not None:
        product = Product.objects.filter(pk=product_id, is_active=True).first()
        if product is None:
            errors["product"] = _("Unknown product.")
        elif product.family != family:
            errors["product"] = _("This product is not of the chosen family.")
    if channel not in PROPOSAL_CHANNELS:
        errors["channel"] = _("Choose how the proposal was made.")
    if errors:
        raise InvalidInput(errors)
    proposed_on, occurred_at = _proposal_moment(proposed_on)
    direction = Direction.INBOUND if channel == Channel.INBOUND_CALL else Direction.OUTBOUND
    interaction = interaction_log(
        actor=actor, client_id=client.pk, channel=channel, direction=direction,
        subject=_("Proposal: %(family)s") % {"family": product.name if product else family}, notes=notes or "",
        occurred_at=occurred_at,
    )  # fmt: skip
    proposal = Proposal.objects.create(client=client, interaction=interaction, author=actor, family=family,
                                       product=product, proposed_on=proposed_on)  # fmt: skip
    trace_append(
        actor=actor, action=events.PROPOSAL_RECORDED, obj=proposal, client_id=client.pk,
        payload={"proposal": proposal.pk, "interaction": interaction.pk, "family": family,
                 "product": product.pk if product else None, "proposed_on": proposed_on.isoformat()},
    )  # fmt: skip
    return proposal


def proposals_visible(*, user: User) -> QuerySet[Proposal]:
    """Proposals on the clients the user may see, newest first."""
    return (
        Proposal.objects.filter(client__in=clients_visible(user=user).values("pk"))
        .select_related("client", "author", "product", "interaction")
        .order_by("-created_at", "-pk")
    )
