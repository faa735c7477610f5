"""Where each person lands after signing in and at `/` (issue 8, item 1; DESIGN.md section 2).

One function decides, so that a role given its own landing (campaigns for telesales, telemarketing
and marketing) adds one branch here and nowhere else. A person in teams of several kinds lands on
the page of the kind that comes first in `LANDING_ORDER`: the one whose work waits on them most.
"""

from django.urls import reverse

from accounts import rights
from accounts.models import TeamKind, User

BACK_OFFICE_KINDS = frozenset({TeamKind.BILLING, TeamKind.AFTER_SALES, TeamKind.PRODUCTION, TeamKind.SALES_ASSISTANCE})

# Team kind (or group of kinds) → the page it lands on, first match wins.
LANDING_ORDER: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({TeamKind.MANAGEMENT}), "workflow:overview"),
    (BACK_OFFICE_KINDS, "workflow:queue"),
    (frozenset({TeamKind.SALES}), "workflow:inbox"),
    # Issue 9: callers work their campaign call lists, marketing its campaigns and potentials.
    (frozenset({TeamKind.TELEMARKETING, TeamKind.TELESALES}), "workflow:call-lists"),
    (frozenset({TeamKind.MARKETING}), "workflow:campaigns"),
    (frozenset({TeamKind.RECEPTION}), "crm:console"),
)


def landing_url_for(user: User) -> str:
    """The URL of the user's main screen; `home` itself (the "not in any team" page) when there is none.

    An administrator in no team lands on the organisation.
    """
    kinds = rights.team_kinds(user)
    if rights.is_org_admin(user) and not kinds:
        return reverse("accounts:organisation")
    for landing_kinds, url_name in LANDING_ORDER:
        if kinds & landing_kinds:
            return reverse(url_name)
    # A delegate granted `manage_unit` on an agency, in no management team, still manages it.
    if rights.has_any(user, rights.MANAGE_UNIT):
        return reverse("workflow:overview")
    if rights.has_any(user, rights.VIEW_CLIENTS):
        return reverse("crm:console")
    if rights.is_org_admin(user):
        return reverse("accounts:organisation")
    return ""
