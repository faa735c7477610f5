"""The site's root: send each person to their main screen (DESIGN.md section 2).

It lives in the highest app whose pages it chooses from. Today those are the console (crm) and the
organisation (accounts); the queue, the inbox and the manager's overview that people will land on
are workflow's pages, and so is this choice.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts import rights
from accounts.selectors import user_team_kinds


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    is_admin = rights.is_org_admin(user)
    # A superuser holds every right; one who is in no team is here to run the organisation.
    if is_admin and not user_team_kinds(user=user):
        return redirect("accounts:organisation")
    if rights.has_any(user, rights.VIEW_CLIENTS):
        return redirect("crm:console")
    if is_admin:
        return redirect("accounts:organisation")
    return render(request, "home.html")
