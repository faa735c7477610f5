"""Admin pages of the workflow settings: categories and routing rules (list, create, edit)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Agency, Region
from common.errors import InvalidInput
from crm.models import Channel, Segment
from workflow.forms import add_service_errors
from workflow.forms.settings import CategorySettingsForm, RoutingRuleForm
from workflow.models import ItemKind
from workflow.routing import MATCH_KEYS
from workflow.selectors import categories, category_get, routing_rule_get, routing_rules
from workflow.services import configuration
from workflow.views.common import admin_required


@require_GET
@admin_required
def category_list(request: HttpRequest) -> HttpResponse:
    return render(request, "workflow/settings/categories.html", {"categories": categories()})


@require_http_methods(["GET", "POST"])
@admin_required
def category_form(request: HttpRequest, category_id: int | None = None) -> HttpResponse:
    category = category_get(category_id=category_id) if category_id is not None else None
    status = 200
    if request.method == "POST":
        form = CategorySettingsForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                if category is None:
                    category = configuration.category_create(actor=request.user, **form.service_data())
                else:
                    configuration.category_update(actor=request.user, category_id=category.pk, **form.service_data())
            except InvalidInput as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Category “%(name)s” saved.") % {"name": form.cleaned_data["name"]})
                return redirect("workflow:settings-categories")
    else:
        form = CategorySettingsForm(initial=CategorySettingsForm.initial_from(category) if category else None)
    context = {"form": form, "category": category}
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
