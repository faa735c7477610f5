"""Pages of portfolio potentials: the salesperson's list by deadline, the managers' and marketing's view of who
explored what before the deadline, marketing's entry and CSV import with its progress (polled by htmx)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.errors import Conflict, InvalidInput
from common.pages import domain_errors_as_http, form_add_invalid_input
from workflow.forms.campaigns import ExploreForm, ImportForm, PotentialForm
from workflow.models_campaigns import ImportStatus
from workflow.selectors_campaigns import MINE, SCOPE, import_get_for_user, marketing_scope, potential_list
from workflow.services.potentials import (
    may_manage_potentials,
    potential_create,
    potential_explore,
    potential_import_start,
)

PAGE_SIZE = 50


@require_GET
@login_required
def potentials(request: HttpRequest) -> HttpResponse:
    """`My potentials` by deadline; `?view=scope` for managers and marketing: who explored what, in time or not."""
    may_see_scope = may_manage_potentials(user=request.user) or marketing_scope(user=request.user).any
    which = SCOPE if request.GET.get("view") == SCOPE and may_see_scope else MINE
    show = request.GET.get("show")
    explored = {"open": False, "explored": True}.get(show)
    rows = potential_list(user=request.user, which=which, explored=explored)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "rows": list(page), "which": which, "may_see_scope": may_see_scope, "show": show or "",
               "explore_form": ExploreForm(id_prefix="explore"), "query": f"view={which}&show={show or ''}"}  # fmt: skip
    return render(request, "workflow/potentials/list.html", context)


@require_POST
@login_required
@domain_errors_as_http
def potential_explore_view(request: HttpRequest, potential_id: int) -> HttpResponse:
    form = ExploreForm(request.POST, id_prefix="explore")
    if not form.is_valid():
        messages.error(request, _("Choose an outcome."))
        return redirect("workflow:potentials")
    try:
        potential = potential_explore(actor=request.user, potential_id=potential_id, **{
            key: value for key, value in form.cleaned_data.items() if value not in (None, "")})  # fmt: skip
    except (InvalidInput, Conflict) as error:
        messages.error(request, error.message if isinstance(error, Conflict) else
                       "; ".join(m for messages_ in error.fields.values() for m in messages_))  # fmt: skip
    else:
        messages.success(request, _("%(ref)s marked explored.") % {"ref": potential.reference})
    return redirect("workflow:potentials")


@require_http_methods(["GET", "POST"])
@login_required
@domain_errors_as_http
def potentials_manage(request: HttpRequest) -> HttpResponse:
    """Marketing: enter one potential, or import a CSV of them."""
    if not marketing_scope(user=request.user).any:
        raise PermissionDenied(_("Only marketing defines campaigns and potentials."))
    form, import_form, status = PotentialForm(id_prefix="potential"), ImportForm(id_prefix="import"), 200
    if request.method == "POST" and request.POST.get("kind") == "import":
        import_form, status = ImportForm(request.POST, request.FILES, id_prefix="import"), 400
        if import_form.is_valid():
            upload = import_form.cleaned_data["file"]
            try:
                job = potential_import_start(actor=request.user, filename=upload.name, content=upload.read())
            except InvalidInput as error:
                form_add_invalid_input(import_form, error)
            else:
                return redirect("workflow:potential-import", import_id=job.pk)
    elif request.method == "POST":
        form, status = PotentialForm(request.POST, id_prefix="potential"), 400
        if form.is_valid():
            try:
                potential = potential_create(actor=request.user, **form.service_data())
            except InvalidInput as error:
                form_add_invalid_input(form, error)
            else:
                messages.success(request, _("%(ref)s given to %(person)s, due %(deadline)s.")
                                 % {"ref": potential.reference, "person": potential.salesperson,
                                    "deadline": potential.deadline.isoformat()})  # fmt: skip
                return redirect("workflow:potentials-manage")
    return render(request, "workflow/potentials/manage.html", {"form": form, "import_form": import_form},
                  status=status)  # fmt: skip


@require_GET
@login_required
@domain_errors_as_http
def potential_import(request: HttpRequest, import_id: int) -> HttpResponse:
    """An import's progress; htmx polls its fragment every second while it runs."""
    job = import_get_for_user(user=request.user, import_id=import_id)
    running = job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
    context = {"job": job, "running": running}
    template = "workflow/potentials/_import.html" if request.htmx else "workflow/potentials/import.html"
    return render(request, template, context)
