"""Campaign call lists (issue 9): marketing defines and launches them, telemarketing and telesales work them.

- `campaign_create` (marketing, national or regional): name, product focus, period, criteria on the
  shared client record, the team that calls, all checked against the actor's marketing scope.
- `campaign_preview`: how many clients the criteria reach now (a COUNT, asked for by the issue).
- `campaign_launch`: writes the call list. A client is on one active list at a time: the query leaves
  out clients already on one, and the partial unique index `target_one_active_list_per_client` settles
  a race between two launches (the loser's rows are skipped, not an error).

Working the list (taking the next target, recording a call) is `workflow.services.calls`.
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Agency, Region, Team, TeamKind, TeamScope, User
from common.errors import Conflict, InvalidInput, PermissionDenied
from crm.models import Client, ClientStatus, Holding, Interaction, Product, Segment
from trace.services import trace_append
from workflow import events
from workflow.models_campaigns import Campaign, CampaignStatus, CampaignTarget
from workflow.selectors_campaigns import (
    MarketingScope,
    campaign_get_for_user,
    marketing_scope,
)

NAME_MAX, SCRIPT_MAX = 120, 5000
INSERT_BATCH = 1000
CRITERIA_KEYS = ("segment", "region", "agency", "holds_product", "lacks_product", "no_contact_days")
CALLING_KINDS = (TeamKind.TELEMARKETING, TeamKind.TELESALES)


def require_marketing(actor: User) -> MarketingScope:
    scope = marketing_scope(user=actor)
    if not scope.any:
        raise PermissionDenied(_("Only marketing defines campaigns and potentials."))
    return scope


def _chain(campaign: Campaign) -> str:
    return f"region:{campaign.region_id}" if campaign.region_id else "national"


def _id_or_none(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return -1
    return number if 0 < number < 2**63 else -1


def _clean_criteria(*, scope: MarketingScope, data: dict, errors: dict[str, str]) -> tuple[dict, int | None]:
    """The criteria as ids and codes, each checked; returns them with the campaign's region (None: national)."""
    criteria: dict[str, Any] = {}
    segment = data.get("segment") or ""
    if segment and segment not in Segment.values:
        errors["segment"] = _("Choose a segment.")
    elif segment:
        criteria["segment"] = segment
    region_id = _id_or_none(data.get("region"))
    agency_id = _id_or_none(data.get("agency"))
    campaign_region = None
    if region_id is not None:
        region = Region.objects.filter(pk=region_id).first() if region_id > 0 else None
        if region is None or not scope.covers_region(region.pk):
            errors["region"] = _("Choose a region of your marketing scope.")
        else:
            criteria["region"], campaign_region = region.pk, region.pk
    if agency_id is not None:
        agency = Agency.objects.filter(pk=agency_id).first() if agency_id > 0 else None
        if agency is None or not scope.covers_region(agency.region_id):
            errors["agency"] = _("Choose an agency of your marketing scope.")
        elif campaign_region not in (None, agency.region_id):
            errors["agency"] = _("This agency is not in the region chosen.")
        else:
            criteria["agency"], campaign_region = agency.pk, agency.region_id
    for key in ("holds_product", "lacks_product"):
        product_id = _id_or_none(data.get(key))
        if product_id is None:
            continue
        if product_id < 0 or not Product.objects.filter(pk=product_id).exists():
            errors[key] = _("Choose a product of the catalogue.")
        else:
            criteria[key] = product_id
    days = data.get("no_contact_days")
    if days not in (None, ""):
        try:
            days = int(days)
            if not 1 <= days <= 3650:
                raise ValueError
        except (TypeError, ValueError):
            errors["no_contact_days"] = _("Enter a number of days between 1 and 3650.")
        else:
            criteria["no_contact_days"] = days
    if campaign_region is None and not scope.national:
        if len(scope.region_ids) == 1:
            campaign_region = next(iter(scope.region_ids))
        else:
            errors.setdefault("region", _("Choose the region this campaign is for."))
    return criteria, campaign_region


def _team_or_error(
    *, scope: MarketingScope, team_id: Any, region_id: int | None, errors: dict[str, str]
) -> Team | None:
    """The national telemarketing team (national marketing only) or a telesales team of the campaign's region."""
    number = _id_or_none(team_id)
    team = (
        Team.objects.select_related("agency").filter(pk=number, is_active=True, kind__in=CALLING_KINDS).first()
        if number and number > 0
        else None
    )
    if team is None:
        errors["team"] = _("Choose a telemarketing or telesales team.")
        return None
    team_region = team.region_id if team.scope == TeamScope.REGION else getattr(team.agency, "region_id", None)
    if team.scope == TeamScope.NATIONAL:
        allowed = scope.national
    else:
        allowed = scope.covers_region(team_region) and region_id in (None, team_region)
    if not allowed:
        errors["team"] = _("This team is not within your marketing scope or the campaign's region.")
        return None
    return team


def _period_or_error(starts_on: Any, ends_on: Any, errors: dict[str, str]) -> tuple[date | None, date | None]:
    today = timezone.localdate()
    if not isinstance(starts_on, date):
        errors["starts_on"] = _("Enter a date.")
    if not isinstance(ends_on, date):
        errors["ends_on"] = _("Enter a date.")
    if errors.keys() & {"starts_on", "ends_on"}:
        return None, None
    if ends_on < starts_on:
        errors["ends_on"] = _("A campaign ends on or after the day it starts.")
    elif ends_on < today:
        errors["ends_on"] = _("A campaign cannot end in the past.")
    elif (ends_on - starts_on).days > 366:
        errors["ends_on"] = _("A campaign lasts a year at most.")
    return starts_on, ends_on


@transaction.atomic
def campaign_create(
    *, actor: User, name: str, product_id: Any, starts_on: Any, ends_on: Any, team_id: Any, script: str = "",
    criteria: dict | None = None, max_attempts: Any = None,
) -> Campaign:  # fmt: skip
    """Define a campaign (a draft): marketing only (403), every value checked against the actor's scope (400)."""
    scope = require_marketing(actor)
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("This field is required.")
    elif len(name) > NAME_MAX:
        errors["name"] = _("This text is too long.")
    if len(script or "") > SCRIPT_MAX:
        errors["script"] = _("This text is too long.")
    product_number = _id_or_none(product_id)
    product = Product.objects.filter(pk=product_number, is_active=True).first() if product_number else None
    if product is None:
        errors["product"] = _("Choose a product on sale.")
    starts_on, ends_on = _period_or_error(starts_on, ends_on, errors)
    cleaned, region_id = _clean_criteria(scope=scope, data={k: (criteria or {}).get(k) for k in CRITERIA_KEYS},
                                         errors=errors)  # fmt: skip
    team = _team_or_error(scope=scope, team_id=team_id, region_id=region_id, errors=errors)
    attempts = settings.CAMPAIGN_MAX_ATTEMPTS if max_attempts in (None, "") else max_attempts
    try:
        attempts = int(attempts)
        if not 1 <= attempts <= 10:
            raise ValueError
    except (TypeError, ValueError):
        errors["max_attempts"] = _("Enter a number of attempts between 1 and 10.")
    if errors:
        raise InvalidInput(errors)
    campaign = Campaign.objects.create(
        name=name, product=product, starts_on=starts_on, ends_on=ends_on, criteria=cleaned, script=script or "",
        team=team, region_id=region_id, max_attempts=attempts, created_by=actor,
    )  # fmt: skip
    trace_append(actor=actor, action=events.CAMPAIGN_CREATED, obj=campaign, chain=_chain(campaign),
                 payload={"campaign": campaign.pk, "product": product.pk, "team": team.pk, "criteria": cleaned,
                          "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()})  # fmt: skip
    return campaign


def target_clients(campaign: Campaign, *, now: datetime | None = None) -> QuerySet[Client]:
    """The clients the campaign's criteria reach now, within its team's and its region's agencies,
    leaving out those already on an active call list."""
    now = now or timezone.now()
    criteria = campaign.criteria or {}
    team = campaign.team
    clients = Client.objects.exclude(status=ClientStatus.FORMER)
    if team.scope == TeamScope.AGENCY:
        clients = clients.filter(agency_id=team.agency_id)
    elif team.scope == TeamScope.REGION:
        clients = clients.filter(agency__region_id=team.region_id)
    if campaign.region_id:
        clients = clients.filter(agency__region_id=campaign.region_id)
    if criteria.get("segment"):
        clients = clients.filter(segment=criteria["segment"])
    if criteria.get("region"):
        clients = clients.filter(agency__region_id=criteria["region"])
    if criteria.get("agency"):
        clients = clients.filter(agency_id=criteria["agency"])
    if criteria.get("holds_product"):
        clients = clients.filter(
            Exists(Holding.objects.filter(client=OuterRef("pk"), product_id=criteria["holds_product"]))
        )
    if criteria.get("lacks_product"):
        clients = clients.exclude(
            Exists(Holding.objects.filter(client=OuterRef("pk"), product_id=criteria["lacks_product"]))
        )
    if criteria.get("no_contact_days"):
        since = now - timedelta(days=criteria["no_contact_days"])
        clients = clients.exclude(Exists(Interaction.objects.filter(client=OuterRef("pk"), occurred_at__gte=since)))
    on_a_list = CampaignTarget.objects.filter(client=OuterRef("pk"), is_active=True)
    return clients.exclude(Exists(on_a_list))


def campaign_preview(*, user: User, campaign_id: int) -> int:
    """How many clients a launch would put on the call list now."""
    campaign = campaign_get_for_user(user=user, campaign_id=campaign_id)
    return target_clients(campaign).count()


def _may_run(actor: User, campaign: Campaign) -> None:
    scope = marketing_scope(user=actor)
    if not scope.covers_region(campaign.region_id) and not scope.national:
        raise PermissionDenied(_("Only marketing of the campaign's scope launches or closes it."))


@transaction.atomic
def campaign_launch(*, actor: User, campaign_id: int) -> Campaign:
    """Write the call list and start the campaign. A draft only (409); marketing of its scope (403)."""
    campaign = campaign_get_for_user(user=actor, campaign_id=campaign_id, lock=True)
    _may_run(actor, campaign)
    if campaign.status != CampaignStatus.DRAFT:
        raise Conflict(_("This campaign was launched already."), status=campaign.status)
    if campaign.ends_on < timezone.localdate():
        raise Conflict(_("This campaign's period is over."), status=campaign.status)
    now = timezone.now()
    start = timezone.make_aware(datetime.combine(campaign.starts_on, time.min))
    first_call = max(now, start)
    client_ids = list(target_clients(campaign, now=now).order_by("pk").values_list("pk", flat=True))
    for offset in range(0, len(client_ids), INSERT_BATCH):
        # A client put on another list since the query was read is skipped by the partial unique index.
        CampaignTarget.objects.bulk_create(
            [CampaignTarget(campaign=campaign, client_id=client_id, next_call_at=first_call)
             for client_id in client_ids[offset:offset + INSERT_BATCH]],
            ignore_conflicts=True,
        )  # fmt: skip
    total = CampaignTarget.objects.filter(campaign=campaign).count()
    campaign.status, campaign.launched_at, campaign.targets_total = CampaignStatus.RUNNING, now, total
    campaign.save(update_fields=["status", "launched_at", "targets_total"])
    trace_append(actor=actor, action=events.CAMPAIGN_LAUNCHED, obj=campaign, chain=_chain(campaign),
                 payload={"campaign": campaign.pk, "targets": total})  # fmt: skip
    return campaign


def _close(*, actor: User | None, campaign: Campaign) -> None:
    now = timezone.now()
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.CLOSED, closed_at=now)
    left = CampaignTarget.objects.filter(campaign=campaign, is_active=True).update(
        is_active=False, taken_by=None, taken_at=None
    )
    trace_append(actor=actor, action=events.CAMPAIGN_CLOSED, obj=campaign, chain=_chain(campaign),
                 payload={"campaign": campaign.pk, "targets_left": left})  # fmt: skip
    campaign.status, campaign.closed_at = CampaignStatus.CLOSED, now


@transaction.atomic
def campaign_close(*, actor: User, campaign_id: int) -> Campaign:
    """Close a campaign: its clients leave the call list (and may join another). Closed already: 409."""
    campaign = campaign_get_for_user(user=actor, campaign_id=campaign_id, lock=True)
    _may_run(actor, campaign)
    if campaign.status == CampaignStatus.CLOSED:
        raise Conflict(_("This campaign is closed already."), status=campaign.status)
    _close(actor=actor, campaign=campaign)
    return campaign


def campaigns_close_ended(*, today: date | None = None) -> int:
    """The scheduler closes running campaigns past their end (each in its own transaction)."""
    today = today or timezone.localdate()
    closed = 0
    for campaign_id in Campaign.objects.filter(status=CampaignStatus.RUNNING, ends_on__lt=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            campaign = Campaign.objects.select_for_update(of=("self",)).select_related("team").get(pk=campaign_id)
            if campaign.status == CampaignStatus.RUNNING:
                _close(actor=None, campaign=campaign)
                closed += 1
    return closed
