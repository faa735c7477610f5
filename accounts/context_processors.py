"""What every page's layout needs to know about the person: which sections to show them."""

from django.http import HttpRequest

from accounts import rights
from accounts.models import TeamKind
from accounts.selectors import user_team_kinds


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    kinds = user_team_kinds(user=user)
    return {
        "nav": {
            "clients": rights.has_any(user, rights.VIEW_CLIENTS),
            "queue": rights.has_any(user, rights.WORK_REQUESTS),
            "inbox": rights.has_any(user, rights.WORK_LEADS),
            "dashboards": rights.has_any(user, rights.VIEW_DASHBOARDS),
            # Whoever may initiate or close a sale has credits; managers also decide disputes (issue 9).
            "credits": any(rights.has_any(user, perm) for perm in (rights.CREATE_LEADS, rights.SELL_BASIC)),
            "disputes": rights.is_org_admin(user) or rights.has_any(user, rights.MANAGE_UNIT),
            # The manager's overview of their scope's open work (issue 8).
            "overview": rights.is_org_admin(user) or rights.has_any(user, rights.MANAGE_UNIT),
            "organisation": rights.is_org_admin(user),
            # Campaigns and portfolio potentials (issue 9): callers' lists, marketing's campaigns, and the
            # potentials of salespeople (theirs), managers (who explored what) and marketing.
            "call_lists": bool(kinds & {TeamKind.TELEMARKETING, TeamKind.TELESALES}),
            "campaigns": TeamKind.MARKETING in kinds or rights.is_org_admin(user),
            "potentials": rights.has_any(user, rights.WORK_LEADS)
            or rights.has_any(user, rights.MANAGE_UNIT)
            or TeamKind.MARKETING in kinds,
            "team_kinds": sorted(kinds),
        }
    }
