"""Admin pages of the workflow settings: categories, routing rules, agencies' business hours (list, edit)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Agency, Region, TeamKind
from common.errors import InvalidInput
from crm.models import Channel, Segment
from workflow.fields import field_label
from workflow.forms import add_service_errors
from workflow.forms.settings import AgencyCalendarForm, CategorySettingsForm, RoutingRuleForm, category_field_rows
from workflow.models import ItemKind, Weekday
from workflow.routing import MATCH_KEYS
from workflow.selectors import (
    agency_calendar_get,
    agency_calendars,
    calendar_of,
    categories,
    category_get,
    routing_rule_get,
    routing_rules,
)
from workflow.services import configuration
from workflow.views.common import admin_required


@require_GET
@admin_required
def category_list(request: HttpRequest) -> HttpResponse:
    kinds = dict(TeamKind.choices)
    rows = list(categories())
    for category in rows:
        category.field_labels = [(field_label(spec), spec.get("required", True)) for spec in category.field_definitions]
        category.extra_kind_labels = [kinds.get(kind, kind) for kind in category.extra_team_kinds]
    return render(request, "workflow/settings/categories.html", {"categories": rows})


def _field_errors_on_rows(rows, definitions: list[dict], error: InvalidInput) -> None:
    """The service's errors on category fields (by code, or position) shown on the row they are about."""
    nested = error.fields.get("fields")
    if not isinstance(nested, dict):
        return
    by_key = {definition["code"]: n for n, definition in enumerate(definitions)}
    by_key.update({str(n + 1): n for n in range(len(definitions))})
    filled = [form for form in rows.forms if form.definition() is not None]
    for key, messages_ in nested.items():
        position = by_key.get(key)
        target = filled[position] if position is not None and position < len(filled) else None
        for message in messages_:
            if target is not None:
                target.add_error(None, message)
            else:
                rows.non_form_errors().append(message)


@require_http_methods(["GET", "POST"])
@admin_required
def category_form(request: HttpRequest, category_id: int | None = None) -> HttpResponse:
    """A category with its fields (one row each: code, French and English labels, type, options)."""
    category = category_get(category_id=category_id) if category_id is not None else None
    status = 200
    if request.method == "POST":
        form = CategorySettingsForm(request.POST)
        rows = category_field_rows(category, request.POST)
        status = 400
        if form.is_valid() and rows.is_valid():
            definitions = [d for d in (row.definition() for row in rows.forms) if d is not None]
            data = {**form.service_data(), "field_definitions": definitions}
            try:
                if category is None:
                    category = configuration.category_create(actor=request.user, **data)
                else:
                    configuration.category_update(actor=request.user, category_id=category.pk, **data)
            except InvalidInput as error:
                add_service_errors(form, InvalidInput({k: v for k, v in error.fields.items() if k != "fields"}))
                _field_errors_on_rows(rows, definitions, error)
            else:
                messages.success(request, _("Category “%(name)s” saved.") % {"name": form.cleaned_data["name"]})
                return redirect("workflow:settings-categories")
    else:
        form = CategorySettingsForm(initial=CategorySettingsForm.initial_from(category) if category else None)
        rows = category_field_rows(category)
    context = {"form": form, "rows": rows, "category": category}
    return render(request, "workflow/settings/category_form.html", context, status=status)


def _criteria_in_words(rules: list) -> None:
    """Each rule's criteria as (label, values) with names instead of codes and ids (three queries)."""
    names = {
        "category": dict(categories().values_list("code", "name")),
        "segment": dict(Segment.choices),
        "agency": {str(pk): name for pk, name in Agency.objects.values_list("pk", "name")},
        "region": {str(pk): name for pk, name in Region.objects.values_list("pk", "name")},
        "channel": dict(Channel.choices),
    }
    labels = {key: str(RoutingRuleForm.base_fields[f"match_{key}"].label) for key in MATCH_KEYS}
    for rule in rules:
        rule.criteria = []
        for key in MATCH_KEYS:
            if key not in (rule.match or {}):
                continue
            values = rule.match[key] if isinstance(rule.match[key], list) else [rule.match[key]]
            shown = [str(names.get(key, {}).get(str(value), value)) for value in values]
            rule.criteria.append((labels[key], ", ".join(shown)))


@require_GET
@admin_required
def rule_list(request: HttpRequest) -> HttpResponse:
    rules = list(routing_rules())
    _criteria_in_words(rules)
    context = {
        "groups": [(label, [rule for rule in rules if rule.kind == kind]) for kind, label in ItemKind.choices],
    }
    return render(request, "workflow/settings/rules.html", context)


@require_http_methods(["GET", "POST"])
@admin_required
def rule_form(request: HttpRequest, rule_id: int | None = None) -> HttpResponse:
    rule = routing_rule_get(rule_id=rule_id) if rule_id is not None else None
    status = 200
    if request.method == "POST":
        form = RoutingRuleForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                if rule is None:
                    rule = configuration.routing_rule_create(actor=request.user, **form.service_data())
                else:
                    configuration.routing_rule_update(actor=request.user, rule_id=rule.pk, **form.service_data())
            except InvalidInput as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Routing rule “%(name)s” saved.") % {"name": form.cleaned_data["name"]})
                return redirect("workflow:settings-rules")
    else:
        form = RoutingRuleForm(
            initial=RoutingRuleForm.initial_from(rule) if rule else {"kind": request.GET.get("kind")}
        )
    return render(request, "workflow/settings/rule_form.html", {"form": form, "rule": rule}, status=status)


# --- Business hours ---------------------------------------------------------------------------------------


@require_GET
@admin_required
def calendar_list(request: HttpRequest) -> HttpResponse:
    """Each agency's opening hours, time zone and closed days, as its items' targets count them."""
    rows = []
    for agency in agency_calendars():
        calendar = calendar_of(agency)
        week = [(label, calendar.opening_hours.get(day) or []) for day, label in Weekday.choices]
        rows.append({"agency": agency, "calendar": calendar, "week": week})
    return render(request, "workflow/settings/calendars.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@admin_required
def calendar_form(request: HttpRequest, agency_id: int) -> HttpResponse:
    calendar = agency_calendar_get(agency_id=agency_id)
    status = 200
    if request.method == "POST":
        form = AgencyCalendarForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                configuration.agency_calendar_update(actor=request.user, agency_id=calendar.agency_id,
                                                     **form.service_data())  # fmt: skip
            except InvalidInput as error:
                days = {f"hours_{day}" for day in Weekday.values}
                fields = dict(error.fields)
                if "opening_hours" in fields:  # the week is typed day by day: the message goes above them
                    form.add_error(None, fields.pop("opening_hours")[0])
                add_service_errors(form, InvalidInput({k: v for k, v in fields.items() if k not in days}))
            else:
                messages.success(request, _("Business hours of %(agency)s saved.") % {"agency": calendar.agency.name})
                return redirect("workflow:settings-calendars")
    else:
        form = AgencyCalendarForm(initial=AgencyCalendarForm.initial_from(calendar))
    context = {"form": form, "calendar": calendar, "days": [f"hours_{day}" for day in Weekday.values]}
    return render(request, "workflow/settings/calendar_form.html", context, status=status)
