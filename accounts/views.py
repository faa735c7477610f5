"""Pages of the organisation: signing in, the language switch, and the admins' organisation page.

Thin doors: they parse forms, call `accounts.services` and `accounts.selectors`, and answer service
errors with the status codes of DESIGN.md section 10.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from accounts import rights, selectors, services
from accounts.forms import LanguageForm, LoginForm, MembershipStartForm, ReassignForm, TeamCreateForm, UserCreateForm
from common.errors import Conflict, InvalidInput, NotFound
from common.pages import domain_errors_as_http, form_add_invalid_input

USERS_PER_PAGE = 50


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's rule): a link or a prefetch must not sign anyone out."""


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Switch language: the cookie through Django's view, and the person's preference when signed in."""
    form = LanguageForm(request.POST)
    if form.is_valid() and request.user.is_authenticated:
        services.user_set_language(actor=request.user, language=form.cleaned_data["language"])
    return set_language(request)


def _org_admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    @login_required
    @domain_errors_as_http
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        rights.require_org_admin(request.user)  # 403 through domain_errors_as_http
        return view(request, *args, **kwargs)

    return wrapper


def _back_to_organisation(request: HttpRequest, anchor: str = "") -> HttpResponseRedirect:
    """Return to the page the admin acted from (the same page of people), else the first one."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("accounts:organisation")
    return HttpResponseRedirect(f"{back.split('#')[0]}{'#' + anchor if anchor else ''}")


def _organisation_page(request: HttpRequest, *, status: int = 200, **forms) -> HttpResponse:
    people = Paginator(selectors.users_with_memberships(), USERS_PER_PAGE).get_page(request.GET.get("page"))
    teams = list(
        selectors.teams_with_units().annotate(
            open_members=Count("memberships", filter=Q(memberships__ended_at__isnull=True))
        )
    )
    context = {
        # Where the forms come back to after a change: the same page of people.
        "here": f"{reverse('accounts:organisation')}?page={people.number}",
        "people": people,
        "teams": teams,
        "active_teams": [team for team in teams if team.is_active],
        "team_form": forms.get("team_form") or TeamCreateForm(),
        "user_form": forms.get("user_form") or UserCreateForm(),
    }
    return render(request, "accounts/organisation.html", context, status=status)


@_org_admin_required
def organisation(request: HttpRequest) -> HttpResponse:
    return _organisation_page(request)


def _form_errors(form) -> InvalidInput:
    return InvalidInput({field: [str(message) for message in errors] for field, errors in form.errors.items()})


def _refuse(request: HttpRequest, error: InvalidInput | Conflict) -> HttpResponse:
    """Re-show the page with the reason: 400 for bad input, 409 for a state that forbids the change."""
    if isinstance(error, InvalidInput):
        details = "; ".join(message for messages_ in error.fields.values() for message in messages_)
        messages.error(request, details or error.message)
        return _organisation_page(request, status=400)
    messages.error(request, error.message)
    return _organisation_page(request, status=409)


@require_POST
@_org_admin_required
def membership_reassign(request: HttpRequest, membership_id: int) -> HttpResponse:
    form = ReassignForm(request.POST)
    if not form.is_valid():
        return _refuse(request, _form_errors(form))
    try:
        membership = services.person_reassign(
            actor=request.user, membership_id=membership_id, to_team=form.cleaned_data["team"]
        )
    except NotFound:
        raise Http404() from None
    except (InvalidInput, Conflict) as error:
        return _refuse(request, error)
    messages.success(
        request, _("%(person)s now works in %(team)s.") % {"person": membership.user, "team": membership.team}
    )
    return _back_to_organisation(request, anchor=f"person-{membership.user_id}")


@require_POST
@_org_admin_required
def membership_end(request: HttpRequest, membership_id: int) -> HttpResponse:
    try:
        membership = services.membership_end(actor=request.user, membership_id=membership_id)
    except NotFound:
        raise Http404() from None
    except (InvalidInput, Conflict) as error:
        return _refuse(request, error)
    messages.success(request, _("%(person)s left %(team)s.") % {"person": membership.user, "team": membership.team})
    return _back_to_organisation(request, anchor=f"person-{membership.user_id}")


@require_POST
@_org_admin_required
def membership_start(request: HttpRequest) -> HttpResponse:
    form = MembershipStartForm(request.POST)
    if not form.is_valid():
        return _refuse(request, _form_errors(form))
    person, team = form.cleaned_data["user"], form.cleaned_data["team"]
    try:
        services.membership_start(actor=request.user, user=person, team=team)
    except (InvalidInput, Conflict) as error:
        return _refuse(request, error)
    messages.success(request, _("%(person)s joined %(team)s.") % {"person": person, "team": team})
    return _back_to_organisation(request, anchor=f"person-{person.pk}")


@require_POST
@_org_admin_required
def team_create(request: HttpRequest) -> HttpResponse:
    form = TeamCreateForm(request.POST)
    if form.is_valid():
        try:
            team = services.team_create(actor=request.user, **form.cleaned_data)
        except InvalidInput as error:
            form_add_invalid_input(form, error)
        else:
            messages.success(request, _("Team %(team)s created.") % {"team": team})
            return _back_to_organisation(request, anchor=f"team-{team.pk}")
    return _organisation_page(request, status=400, team_form=form)


@require_POST
@_org_admin_required
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST)
    if form.is_valid():
        try:
            person = services.user_create(actor=request.user, **form.cleaned_data)
        except InvalidInput as error:
            form_add_invalid_input(form, error)
        else:
            messages.success(request, _("%(person)s can now be added to teams.") % {"person": person})
            return _back_to_organisation(request, anchor=f"person-{person.pk}")
    return _organisation_page(request, status=400, user_form=form)
