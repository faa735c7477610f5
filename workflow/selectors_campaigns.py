"""Reads of campaigns, call lists and portfolio potentials, scoped to who asks (DESIGN.md section 5).

Who sees what:
- a campaign: the marketing people of its scope (national marketing: every campaign; regional: their
  region's), the members of the team it is given to, and organisation admins;
- a target: the members of its campaign's team (they call it), and whoever sees its campaign;
- a potential: its salesperson, the managers of its client's agency, the marketing people whose scope
  holds the client's agency, and admins.
Anything else is NotFound (404), whether it exists or not.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts import rights
from accounts.models import Agency, Membership, TeamKind, TeamScope, User
from common.errors import NotFound
from workflow.models_campaigns import Campaign, CampaignTarget, Potential, PotentialImport


@dataclass(frozen=True)
class MarketingScope:
    """Where a person works as marketing: nationally, or in some regions. Empty: not marketing at all."""

    national: bool
    region_ids: frozenset[int]

    @property
    def any(self) -> bool:
        return self.national or bool(self.region_ids)

    def covers_region(self, region_id: int | None) -> bool:
        return self.national or (region_id is not None and region_id in self.region_ids)

    def agencies(self) -> QuerySet[Agency]:
        return Agency.objects.all() if self.national else Agency.objects.filter(region_id__in=self.region_ids)


NO_MARKETING = MarketingScope(national=False, region_ids=frozenset())


def marketing_scope(*, user: User) -> MarketingScope:
    """The person's marketing scope from their open memberships of active marketing teams (one query).

    An organisation admin acts nationally. A marketing team of one agency works in that agency's region
    (campaigns and imports are regional or national; DESIGN.md section 2).
    """
    if rights.is_org_admin(user):
        return MarketingScope(national=True, region_ids=frozenset())
    if not getattr(user, "is_authenticated", False):
        return NO_MARKETING
    cached = getattr(user, "_relais_marketing", None)
    if cached is not None:
        return cached
    rows = Membership.objects.in_force().filter(user=user, team__is_active=True, team__kind=TeamKind.MARKETING)
    national, regions = False, set()
    for scope, region_id, agency_region_id in rows.values_list("team__scope", "team__region_id",
                                                                "team__agency__region_id"):  # fmt: skip
        if scope == TeamScope.NATIONAL:
            national = True
        else:
            regions.add(region_id or agency_region_id)
    found = MarketingScope(national=national, region_ids=frozenset(regions))
    user._relais_marketing = found  # memoised for the request, like the rights cache
    return found


def _campaign_scope(user: User) -> Q:
    scope = marketing_scope(user=user)
    if scope.national:
        return Q()
    return Q(region_id__in=scope.region_ids) | Q(team_id__in=rights.team_ids(user))


def campaigns_visible(*, user: User) -> QuerySet[Campaign]:
    if not getattr(user, "is_authenticated", False):
        return Campaign.objects.none()
    return Campaign.objects.filter(_campaign_scope(user))


def campaign_list(*, user: User, status: str | None = None) -> QuerySet[Campaign]:
    """Campaigns the person sees, newest first, with what a row shows (one query)."""
    campaigns = campaigns_visible(user=user).select_related("product", "team", "region", "created_by")
    if status:
        campaigns = campaigns.filter(status=status)
    return campaigns.order_by("-id")


def campaign_get_for_user(*, user: User, campaign_id: int, lock: bool = False) -> Campaign:
    campaigns = campaigns_visible(user=user).select_related("product", "team", "region", "created_by")
    if lock:
        campaigns = campaigns.select_for_update(of=("self",))
    try:
        return campaigns.get(pk=int(campaign_id))
    except (Campaign.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def works_campaign(*, user: User, campaign: Campaign) -> bool:
    """Whether the person calls this campaign's targets: a member of the team it is given to."""
    return campaign.team_id in rights.team_ids(user)


def call_lists(*, user: User) -> QuerySet[Campaign]:
    """The running campaigns given to the person's teams: their call lists."""
    return (
        Campaign.objects.filter(team_id__in=rights.team_ids(user), status="running")
        .select_related("product", "team")
        .order_by("-id")
    )


def target_list(*, user: User, campaign: Campaign) -> QuerySet[CampaignTarget]:
    """A campaign's targets (caller sees the campaign): active ones first by when to call, then the done ones."""
    return (
        CampaignTarget.objects.filter(campaign=campaign)
        .select_related("client", "taken_by", "done_by")
        .order_by("-is_active", "next_call_at", "id")
    )


def target_get_for_user(*, user: User, target_id: int, lock: bool = False) -> CampaignTarget:
    """A target of a campaign the person sees; NotFound otherwise. `lock` takes its row lock (no joins locked)."""
    targets = CampaignTarget.objects.filter(campaign__in=campaigns_visible(user=user))
    if lock:
        targets = targets.select_for_update(of=("self",))
    try:
        return targets.select_related("campaign", "campaign__product", "client", "client__agency").get(
            pk=int(target_id)
        )
    except (CampaignTarget.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def potentials_visible(*, user: User) -> QuerySet[Potential]:
    if not getattr(user, "is_authenticated", False):
        return Potential.objects.none()
    scope = marketing_scope(user=user)
    if scope.national:
        return Potential.objects.all()
    managed = rights.agencies_where(user, rights.MANAGE_UNIT)
    return Potential.objects.filter(
        Q(salesperson=user) | Q(client__agency_id__in=managed) | Q(client__agency__region_id__in=scope.region_ids)
    )


MINE, SCOPE = "mine", "scope"


def potential_list(*, user: User, which: str = MINE, explored: bool | None = None) -> QuerySet[Potential]:
    """`mine`: the person's potentials by deadline; `scope`: those they see as a manager or marketing."""
    potentials = Potential.objects.filter(salesperson=user) if which == MINE else potentials_visible(user=user)
    if explored is not None:
        potentials = potentials.filter(explored_at__isnull=not explored)
    return potentials.select_related("client", "product", "salesperson", "sale").order_by("deadline", "id")


def potential_get_for_user(*, user: User, potential_id: int, lock: bool = False) -> Potential:
    potentials = potentials_visible(user=user)
    if lock:
        potentials = potentials.select_for_update(of=("self",))
    try:
        return potentials.select_related("client", "client__agency", "product", "salesperson").get(pk=int(potential_id))
    except (Potential.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def import_get_for_user(*, user: User, import_id: int) -> PotentialImport:
    """An import is seen by whoever started it (and admins)."""
    imports = (
        PotentialImport.objects.all()
        if rights.is_org_admin(user)
        else PotentialImport.objects.filter(created_by_id=user.pk)
    )
    try:
        return imports.defer("content").get(pk=int(import_id))
    except (PotentialImport.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
