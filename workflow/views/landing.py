"""The site's root: send each person to their main screen (DESIGN.md section 2).

It lives in the highest app whose pages it chooses from. Today those are the console (crm) and the
organisation (accounts); the queue, the inbox and the manager's overview that people will land on
are workflow's pages, and so is this choice.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts import rights
from accounts.models import TeamKind
from accounts.selectors import user_team_kinds


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    is_admin = rights.is_org_admin(user)
    # A superuser holds every right; one who is in no team is here to run the organisation.
    if is_admin and not user_team_kinds(user=user):
        return redirect("accounts:organisation")
    campaign_page = _campaign_landing(user)
    if campaign_page:
        return redirect(campaign_page)
    if rights.has_any(user, rights.VIEW_CLIENTS):
        return redirect("crm:console")
    if is_admin:
        return redirect("accounts:organisation")
    return render(request, "home.html")


# Issue 9: telemarketing and telesales work their campaign call lists; marketing its campaigns and
# potentials. Kept apart from the other roles' landing so that each can change on its own.
CALLING_KINDS = frozenset({TeamKind.TELEMARKETING, TeamKind.TELESALES})


def _campaign_landing(user) -> str | None:
    """The page of a caller or a marketer, or None for the other roles (someone in a sales or management
    team too keeps their own main screen)."""
    kinds = user_team_kinds(user=user)
    if kinds & {TeamKind.SALES, TeamKind.MANAGEMENT}:
        return None
    if kinds & CALLING_KINDS:
        return "workflow:call-lists"
    if TeamKind.MARKETING in kinds:
        return "workflow:campaigns"
    return None
