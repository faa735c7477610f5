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
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from accounts import handover, passwords, rights, selectors, services
from accounts.forms import (
    LanguageForm,
    LoginForm,
    MembershipStartForm,
    NewPasswordForm,
    PasswordResetRequestForm,
    ReassignForm,
    TeamCreateForm,
    UserCreateForm,
)
from accounts.models import Agency, Region, Team, User
from common.errors import Conflict, InvalidInput, NotFound
from common.pages import domain_errors_as_http, form_add_invalid_input, id_from_text

USERS_PER_PAGE = 50


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's rule): a link or a prefetch must not sign anyone out."""


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a link by e-mail address; the answer is the same whether or not the address is known."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = passwords.EMAIL_TEMPLATE
    subject_template_name = passwords.SUBJECT_TEMPLATE
    form_class = PasswordResetRequestForm
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_email_context = {"site_name": "Relais"}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The link's page: choose a new password. Saving it revokes the person's API key
    (`User.set_password` dates the change; `common.authentication` refuses older keys)."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


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
        "regions": selectors.regions(),
        "agencies": selectors.agencies(),
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


def _messages_of(fields) -> list[str]:
    """Every message of an InvalidInput's fields, nested ones (`{"handover": {"leads": [...]}}`) included."""
    if isinstance(fields, dict):
        return [message for value in fields.values() for message in _messages_of(value)]
    if isinstance(fields, list):
        return [message for value in fields for message in _messages_of(value)]
    return [str(fields)]


def _successors_from(request: HttpRequest) -> dict[str, User | None]:
    """The successor chosen for each kind of the handover (`handover_<kind>`; empty: the queue)."""
    chosen: dict[str, User | None] = {}
    for key in handover.kinds():
        value = request.POST.get(f"handover_{key}", "")
        if not value:
            chosen[key] = None
            continue
        pk = id_from_text(value, max_digits=11)
        person = User.objects.filter(pk=pk, is_active=True).first() if pk is not None else None
        if person is None:
            raise InvalidInput({"handover": {key: [_("Choose an active person.")]}})
        chosen[key] = person
    return chosen


def _confirm_page(
    request: HttpRequest, *, title: str, action: str, explanation: str, confirm_label: str,
    plan=None, plan_error: str = "", hidden: dict | None = None, successor_teams=None, status: int = 200,
) -> HttpResponse:  # fmt: skip
    """The step before a change that cannot be taken back in one click: what it will do, then Confirm."""
    return render(
        request,
        "accounts/confirm.html",
        {
            "title": title,
            "action": action,
            "explanation": explanation,
            "confirm_label": confirm_label,
            "plan": plan,
            "plan_error": plan_error,
            "hidden": hidden or {},
            "successor_teams": successor_teams,
            "back": reverse("accounts:organisation"),
        },
        status=status,
    )


def _handover_step(request: HttpRequest, *, plan_of, do, title: str, explanation: str, confirm_label: str,
                   hidden: dict, done) -> HttpResponse:  # fmt: skip
    """Show the handover (`plan_of(successors)`) until the admin confirms it, then `do(successors)`.

    A refused choice (a successor who cannot take the items) shows the page again with the reason.
    """
    plan_error, status = "", 200
    try:
        successors = _successors_from(request)
        if request.POST.get("confirm"):
            result = do(successors)
            return done(result)
        plan = plan_of(successors)
    except NotFound:
        raise Http404() from None
    except Conflict as error:
        return _refuse(request, error)
    except InvalidInput as error:
        plan_error = "; ".join(_messages_of(error.fields)) or error.message
        status = 400
        try:
            plan = plan_of({})
        except (InvalidInput, Conflict):
            plan = None
    return _confirm_page(request, title=title, action=request.path, explanation=explanation,
                         confirm_label=confirm_label, plan=plan, plan_error=plan_error, hidden=hidden,
                         status=status)  # fmt: skip


@require_POST
@_org_admin_required
def membership_reassign(request: HttpRequest, membership_id: int) -> HttpResponse:
    """Move a person: the first post shows the handover, the one with `confirm` does the move."""
    form = ReassignForm(request.POST)
    if not form.is_valid():
        return _refuse(request, _form_errors(form))
    membership = selectors.membership_get(membership_id=membership_id)
    team = form.cleaned_data["team"]

    def done(change) -> HttpResponse:
        messages.success(request, _("%(person)s now works in %(team)s.") % {"person": change.membership.user,
                                                                             "team": change.membership.team})  # fmt: skip
        return _back_to_organisation(request, anchor=f"person-{change.membership.user_id}")

    return _handover_step(
        request,
        plan_of=lambda successors: services.person_reassign_plan(
            actor=request.user, membership_id=membership.pk, to_team=team, successors=successors
        ),
        do=lambda successors: services.person_reassign(
            actor=request.user, membership_id=membership.pk, to_team=team, successors=successors
        ),
        title=_("Move %(person)s from %(old)s to %(new)s")
        % {
            "person": membership.user,
            "old": membership.team,
            "new": team,
        },  # fmt: skip
        explanation=_("What the person will no longer cover is handed over in the same step."),
        confirm_label=_("Confirm the move"),
        hidden={"team": team.pk, "next": request.POST.get("next", "")},
        done=done,
    )


@require_POST
@_org_admin_required
def membership_end(request: HttpRequest, membership_id: int) -> HttpResponse:
    """End a membership: a confirmation step showing the handover, never one click."""
    membership = selectors.membership_get(membership_id=membership_id)

    def done(change) -> HttpResponse:
        messages.success(request, _("%(person)s left %(team)s.") % {"person": change.membership.user,
                                                                     "team": change.membership.team})  # fmt: skip
        return _back_to_organisation(request, anchor=f"person-{change.membership.user_id}")

    return _handover_step(
        request,
        plan_of=lambda successors: services.membership_end_plan(
            actor=request.user, membership_id=membership.pk, successors=successors
        ),
        do=lambda successors: services.membership_end(
            actor=request.user, membership_id=membership.pk, successors=successors
        ),
        title=_("%(person)s leaves %(team)s") % {"person": membership.user, "team": membership.team},
        explanation=_("The person loses the team's rights at once; the history keeps the membership."),
        confirm_label=_("End the membership"),
        hidden={"next": request.POST.get("next", "")},
        done=done,
    )


@require_POST
@_org_admin_required
def user_deactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    """Switch a person off: a confirmation step showing the handover of everything they hold."""
    person = User.objects.filter(pk=user_id).first()
    if person is None:
        raise Http404()

    def done(_plan) -> HttpResponse:
        messages.success(request, _("%(person)s can no longer sign in.") % {"person": person})
        return _back_to_organisation(request, anchor=f"person-{person.pk}")

    return _handover_step(
        request,
        plan_of=lambda successors: services.user_deactivate_plan(
            actor=request.user, user_id=person.pk, successors=successors
        ),
        do=lambda successors: services.user_deactivate(actor=request.user, user_id=person.pk, successors=successors),
        title=_("Switch off %(person)s's access") % {"person": person},
        explanation=_("Their API key is revoked and their sessions end; their teams are kept for a return."),
        confirm_label=_("Switch off"),
        hidden={"next": request.POST.get("next", "")},
        done=done,
    )


@require_POST
@_org_admin_required
def user_reactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    try:
        person = services.user_reactivate(actor=request.user, user_id=user_id)
    except Conflict as error:
        return _refuse(request, error)
    messages.success(request, _("%(person)s can sign in again.") % {"person": person})
    return _back_to_organisation(request, anchor=f"person-{person.pk}")


@require_POST
@_org_admin_required
def user_password_reset(request: HttpRequest, user_id: int) -> HttpResponse:
    try:
        person = services.user_send_password_reset(actor=request.user, user_id=user_id)
    except (InvalidInput, Conflict) as error:
        return _refuse(request, error)
    messages.success(request, _("A link to choose a new password was sent to %(person)s.") % {"person": person})
    return _back_to_organisation(request, anchor=f"person-{person.pk}")


_RENAME = {
    "region": services.region_update,
    "agency": services.agency_update,
    "team": services.team_update,
}


@require_POST
@_org_admin_required
def unit_rename(request: HttpRequest, unit: str, unit_id: int) -> HttpResponse:
    if unit not in _RENAME:
        raise Http404()
    try:
        renamed = _RENAME[unit](actor=request.user, **{f"{unit}_id": unit_id}, name=request.POST.get("name", ""))
    except InvalidInput as error:
        return _refuse(request, error)
    messages.success(request, _("Renamed %(unit)s.") % {"unit": renamed})
    return _back_to_organisation(request, anchor=f"{unit}-{renamed.pk}")


@require_POST
@_org_admin_required
def unit_close(request: HttpRequest, unit: str, unit_id: int) -> HttpResponse:
    """Close a region or an agency: a confirmation step, then the close (409 explains what to close first)."""
    closers = {"region": (Region, services.region_close), "agency": (Agency, services.agency_close)}
    if unit not in closers:
        raise Http404()
    model, close = closers[unit]
    found = model.objects.filter(pk=unit_id).first()
    if found is None:
        raise Http404()
    if not request.POST.get("confirm"):
        return _confirm_page(request, title=_("Close %(unit)s") % {"unit": found}, action=request.path,
                             explanation=_("It takes no new team; its history and clients stay."),
                             confirm_label=_("Close"))  # fmt: skip
    try:
        close(actor=request.user, **{f"{unit}_id": found.pk})
    except Conflict as error:
        return _refuse(request, error)
    messages.success(request, _("%(unit)s is closed.") % {"unit": found})
    return _back_to_organisation(request, anchor=f"{unit}-{found.pk}")


@require_POST
@_org_admin_required
def team_close(request: HttpRequest, team_id: int) -> HttpResponse:
    """Close a team: a confirmation step that shows its queued work and asks which team takes it."""
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise Http404()
    successor_teams = list(selectors.teams_with_units().filter(is_active=True, kind=team.kind).exclude(pk=team.pk))
    successor = next((t for t in successor_teams if str(t.pk) == request.POST.get("successor_team")), None)
    plan_error, status = "", 200
    try:
        if request.POST.get("confirm"):
            services.team_close(actor=request.user, team_id=team.pk, successor_team=successor)
            messages.success(request, _("%(unit)s is closed.") % {"unit": team})
            return _back_to_organisation(request, anchor=f"team-{team.pk}")
        plan = services.team_close_plan(actor=request.user, team_id=team.pk, successor_team=successor)
    except Conflict as error:
        return _refuse(request, error)
    except InvalidInput as error:
        plan_error = "; ".join(_messages_of(error.fields))
        plan, status = services.team_close_plan(actor=request.user, team_id=team.pk), 400
    return _confirm_page(
        request, title=_("Close %(unit)s") % {"unit": team}, action=request.path,
        explanation=_("Its members have left; its rights end at once and its open work goes to the team you choose."),
        confirm_label=_("Close the team"), plan=plan, plan_error=plan_error, successor_teams=successor_teams,
        hidden={}, status=status,
    )  # fmt: skip


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
