"""Pages of the client record: the reception console, the client 360, client and contact forms.

Thin doors: they parse forms, call `crm.selectors` and `crm.services`, and answer service errors with
the status codes of DESIGN.md section 10 (out of scope 404, not allowed 403, bad input 400, conflict 409).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import rights
from accounts.models import Agency, User
from common.errors import Conflict, InvalidInput
from common.pages import domain_errors_as_http, form_add_invalid_input
from crm import privacy, selectors, services
from crm.forms import ClientCreateForm, ClientForm, ContactForm, InteractionForm, OwnerGroups, client_initial
from crm.models import Client

TIMELINE_PAGE_SIZE = 50
PHONE_LOOKUP_LIMIT = 20
SEARCH_PAGE = 20


def _search_page(request: HttpRequest, q: str) -> dict:
    """One page of the search's results, and how many matched (bounded: `selectors.SEARCH_COUNT_CAP`)."""
    page = request.GET.get("page", "")
    number = min(int(page), 1000) if page.isascii() and page.isdigit() and int(page) > 0 else 1
    offset = (number - 1) * SEARCH_PAGE
    results = list(selectors.client_search(user=request.user, q=q, limit=SEARCH_PAGE, offset=offset))
    # One page that is not full says the count itself; otherwise count, up to the cap.
    matched = offset + len(results) if len(results) < SEARCH_PAGE and (results or number == 1) else None
    if matched is None:
        matched = selectors.client_search_count(user=request.user, q=q)
    cap = selectors.SEARCH_COUNT_CAP
    return {"results": results, "matched": min(matched, cap), "more_than_cap": matched > cap, "page_number": number,
            "first_shown": offset + 1, "last_shown": offset + len(results),
            "has_previous": number > 1, "has_next": offset + len(results) < matched}  # fmt: skip


@require_GET
@login_required
@domain_errors_as_http
def console(request: HttpRequest) -> HttpResponse:
    """The reception console: search as you type, or `?phone=` from the telephony's caller ID."""
    phone = request.GET.get("phone", "").strip()
    q = request.GET.get("q", "").strip()
    results: list[Client] = []
    if phone:
        matches = selectors.client_lookup_phone(user=request.user, phone=phone).order_by("name", "pk")
        results = list(matches[:PHONE_LOOKUP_LIMIT])
        if len(results) == 1:
            return redirect("crm:client_detail", client_id=results[0].pk)
    search = _search_page(request, q) if q and not phone else {}
    if phone:
        search = {"results": results, "matched": len(results), "first_shown": 1, "last_shown": len(results)}
    context = {"q": q, "phone": phone, "can_create": rights.has_any(request.user, rights.EDIT_CLIENTS), **search}
    return render(request, "crm/clients/console.html", context)


@require_GET
@login_required
@domain_errors_as_http
def search_results(request: HttpRequest) -> HttpResponse:
    """The console's results, re-rendered as the agent types."""
    q = request.GET.get("q", "").strip()
    search = _search_page(request, q) if q else {"results": []}
    context = {"q": q, "can_create": rights.has_any(request.user, rights.EDIT_CLIENTS), **search}
    return render(request, "crm/clients/_results.html", context)


def _timeline_page(client: Client, number: int | str | None = 1):
    return Paginator(selectors.client_interactions(client=client), TIMELINE_PAGE_SIZE).get_page(number)


def _client_360(request: HttpRequest, client: Client, *, interaction_form: InteractionForm | None = None,
                contacts: list | None = None, status: int = 200) -> HttpResponse:  # fmt: skip
    contacts = contacts if contacts is not None else list(client.contacts.all())
    context = {
        "client": client,
        "contacts": contacts,
        "holdings": list(client.holdings.select_related("product")),
        "completeness": selectors.client_completeness(client=client, contact_count=len(contacts)),
        "timeline": _timeline_page(client),
        "can_edit": selectors.user_can(user=request.user, perm=rights.EDIT_CLIENTS, client=client),
        "can_log": selectors.user_can(user=request.user, perm=rights.LOG_INTERACTIONS, client=client),
        "interaction_form": interaction_form or InteractionForm(contacts=contacts),
    }
    return render(request, "crm/clients/detail.html", context, status=status)


@require_GET
@login_required
@domain_errors_as_http
def client_detail(request: HttpRequest, client_id: int) -> HttpResponse:
    client = selectors.client_get_for_user(user=request.user, client_id=client_id)
    return _client_360(request, client)


@require_GET
@login_required
@domain_errors_as_http
def client_timeline(request: HttpRequest, client_id: int) -> HttpResponse:
    """One more page of the timeline, for the "more" button."""
    client = selectors.client_get_for_user(user=request.user, client_id=client_id)
    context = {"client": client, "timeline": _timeline_page(client, request.GET.get("page"))}
    return render(request, "crm/clients/_timeline_items.html", context)


@require_POST
@login_required
@domain_errors_as_http
def interaction_create(request: HttpRequest, client_id: int) -> HttpResponse:
    """Log a contact. With htmx: answer a fresh form, and the timeline swapped out of band."""
    client = selectors.client_get_for_user(user=request.user, client_id=client_id)
    contacts = list(client.contacts.all())
    form = InteractionForm(request.POST, contacts=contacts)
    if form.is_valid():
        try:
            services.interaction_log(actor=request.user, client_id=client.pk, **form.service_data())
        except InvalidInput as error:
            form_add_invalid_input(form, error)
        else:
            if not request.htmx:
                messages.success(request, _("Contact logged."))
                return redirect("crm:client_detail", client_id=client.pk)
            context = {"client": client, "interaction_form": InteractionForm(contacts=contacts),
                       "timeline": _timeline_page(client), "logged": True}  # fmt: skip
            return render(request, "crm/clients/_interaction_logged.html", context)
    if request.htmx:
        context = {"client": client, "interaction_form": form}
        return render(request, "crm/clients/_interaction_form.html", context, status=400)
    return _client_360(request, client, interaction_form=form, contacts=contacts, status=400)


def _editable_agencies(user: User):
    return Agency.objects.filter(pk__in=rights.agencies_where(user, rights.EDIT_CLIENTS)).order_by("name")


def _owner_groups(user: User, agencies, *, client: Client | None = None) -> OwnerGroups | None:
    """The account owners the person may name, by agency; None if they may name none.

    Editing, the field is offered only to those who may set the client's owner (its agency's
    managers, admins), the client's agency first; the current owner stays listed even if they no
    longer cover it, so that saving other fields keeps them.
    """
    if client is not None and not selectors.can_set_account_owner(user=user, agency_id=client.agency_id):
        return None
    settable = [agency for agency in agencies if selectors.can_set_account_owner(user=user, agency_id=agency.pk)]
    if client is not None:
        settable = [client.agency] + [agency for agency in settable if agency.pk != client.agency_id]
    if not settable:
        return None
    people = selectors.account_owner_choices(agency_ids=[agency.pk for agency in settable])
    groups = [(agency.name, [(person.pk, str(person)) for person in people[agency.pk]]) for agency in settable]
    owner = client.account_owner if client is not None else None
    if owner is not None and owner.pk not in {pk for pk, _name in groups[0][1]}:
        groups[0][1].insert(0, (owner.pk, _("%(name)s (does not cover this agency)") % {"name": owner}))
    return groups


def _duplicate_context(user: User, error: Conflict) -> dict:
    """The candidates of a refused creation as the page shows them: the clients the person may open,
    and the agencies of the others (with whom to ask) — the service already left out their data."""
    candidate_ids = [candidate["id"] for candidate in error.extra.get("candidates", [])]
    candidates = list(
        selectors.clients_visible(user=user)
        .filter(pk__in=candidate_ids)
        .select_related("agency", "account_owner")
        .order_by("name", "pk")
    )
    return {"candidates": candidates, "elsewhere": error.extra.get("elsewhere", []),
            "confirmable": error.extra.get("confirmable", True)}  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
@domain_errors_as_http
def client_create(request: HttpRequest) -> HttpResponse:
    agencies = _editable_agencies(request.user)
    if not agencies.exists():
        raise PermissionDenied(_("You cannot create clients."))
    owner_groups = _owner_groups(request.user, agencies)
    context: dict = {"candidates": [], "elsewhere": [], "confirmable": True, "client": None}
    status = 200
    if request.method == "POST":
        form = ClientCreateForm(request.POST, agencies=agencies, owner_groups=owner_groups)
        status = 400
        if form.is_valid():
            try:
                client = services.client_create(
                    actor=request.user, confirm=form.cleaned_data["confirm"], **form.service_data()
                )
            except InvalidInput as error:
                form_add_invalid_input(form, error)
            except Conflict as error:
                context.update(_duplicate_context(request.user, error))
                messages.warning(request, error.message)
                status = 409
            else:
                messages.success(request, _("Client %(client)s created.") % {"client": client})
                return redirect("crm:client_detail", client_id=client.pk)
    else:
        initial = {key: request.GET[key] for key in ("name", "phone", "email") if request.GET.get(key)}
        if len(agencies) == 1:
            initial["agency"] = agencies[0]
        form = ClientCreateForm(initial=initial, agencies=agencies, owner_groups=owner_groups)
    return render(request, "crm/clients/form.html", {**context, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@domain_errors_as_http
def client_edit(request: HttpRequest, client_id: int) -> HttpResponse:
    client = selectors.client_get_for_user(user=request.user, client_id=client_id)
    if not selectors.user_can(user=request.user, perm=rights.EDIT_CLIENTS, client=client):
        raise PermissionDenied(_("You cannot edit this client."))
    agencies = _editable_agencies(request.user)
    owner_groups = _owner_groups(request.user, agencies, client=client)
    context: dict = {"client": client, "unsaved": []}
    status = 200
    if request.method == "POST":
        form = ClientForm(request.POST, agencies=agencies, owner_groups=owner_groups, track_changes=True)
        status = 400
        if form.is_valid():
            try:
                services.client_update(actor=request.user, client_id=client.pk, **form.service_data())
            except InvalidInput as error:
                form_add_invalid_input(form, error)
            except Conflict as error:
                messages.warning(request, error.message)
                status = 409
                if "version" in error.extra:
                    # Saved meanwhile by someone else: show the saved record, and what this person typed.
                    client = selectors.client_get_for_user(user=request.user, client_id=client.pk)
                    context.update(client=client, unsaved=form.typed_changes())
                    form = _client_form_for(client, agencies, owner_groups)
                else:
                    context.update(_duplicate_context(request.user, error))
            else:
                messages.success(request, _("Client record saved."))
                return redirect("crm:client_detail", client_id=client.pk)
    else:
        form = _client_form_for(client, agencies, owner_groups)
    return render(request, "crm/clients/form.html", {**context, "form": form}, status=status)


def _client_form_for(client: Client, agencies, owner_groups: OwnerGroups | None) -> ClientForm:
    return ClientForm(initial=client_initial(client), agencies=agencies, owner_groups=owner_groups,
                      track_changes=True)  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
@domain_errors_as_http
def contact_form(request: HttpRequest, client_id: int, contact_id: int | None = None) -> HttpResponse:
    """Add a contact to the client, or edit one of its contacts."""
    client = selectors.client_get_for_user(user=request.user, client_id=client_id)
    if not selectors.user_can(user=request.user, perm=rights.EDIT_CLIENTS, client=client):
        raise PermissionDenied(_("You cannot edit this client's contacts."))
    contact = None
    if contact_id is not None:
        contact = client.contacts.filter(pk=contact_id).first()
        if contact is None:
            raise Http404()
    status = 200
    unsaved: list = []
    if request.method == "POST":
        form = ContactForm(request.POST, track_changes=contact is not None)
        status = 400
        if form.is_valid():
            try:
                if contact is None:
                    services.contact_create(actor=request.user, client_id=client.pk, **form.cleaned_data)
                else:
                    services.contact_update(actor=request.user, contact_id=contact.pk, **form.cleaned_data)
            except InvalidInput as error:
                form_add_invalid_input(form, error)
            except Conflict as error:
                # Saved meanwhile by someone else: show the saved contact, and what this person typed.
                messages.warning(request, error.message)
                status = 409
                contact = client.contacts.filter(pk=contact.pk).first()
                if contact is None:  # erased meanwhile
                    raise Http404() from None
                unsaved = form.typed_changes()
                form = ContactForm(initial=ContactForm.initial_from(contact), track_changes=True)
            else:
                messages.success(request, _("Contact saved."))
                return redirect("crm:client_detail", client_id=client.pk)
    else:
        form = ContactForm(initial=ContactForm.initial_from(contact) if contact else None,
                           track_changes=contact is not None)  # fmt: skip
    context = {"form": form, "client": client, "contact": contact, "unsaved": unsaved,
               "personal_data": contact is not None and privacy.may_handle_personal_data(
                   user=request.user, agency_id=client.agency_id)}  # fmt: skip
    return render(request, "crm/contacts/form.html", context, status=status)


def _contacts_client(request: HttpRequest, client_id: int, contact_id: int) -> Client:
    """The client, if the person sees it and the contact is one of its own; else 404."""
    client = selectors.client_get_for_user(user=request.user, client_id=client_id)
    if not client.contacts.filter(pk=contact_id).exists():
        raise Http404()
    return client


@require_GET
@login_required
@domain_errors_as_http
def contact_export(request: HttpRequest, client_id: int, contact_id: int) -> HttpResponse:
    """Everything held about the contact person, as a JSON file (managers of the agency, admins)."""
    _contacts_client(request, client_id, contact_id)
    data = privacy.contact_export(actor=request.user, contact_id=contact_id)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="contact-{contact_id}.json"'
    return response


@require_POST
@login_required
@domain_errors_as_http
def contact_erase(request: HttpRequest, client_id: int, contact_id: int) -> HttpResponse:
    """Erase the contact person (the form asks for confirmation), then back to the client."""
    client = _contacts_client(request, client_id, contact_id)
    if request.POST.get("confirm") != "true":
        messages.error(request, _("Tick the confirmation to erase this person."))
        return redirect("crm:contact_edit", client_id=client.pk, contact_id=contact_id)
    privacy.contact_erase(actor=request.user, contact_id=contact_id)
    messages.success(request, _("The contact's personal data was erased."))
    return redirect("crm:client_detail", client_id=client.pk)
