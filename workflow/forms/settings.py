"""Forms of the workflow settings an administrator keeps: categories and routing rules."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, Region, Team, TeamKind, User
from crm.models import Channel, Segment
from workflow.forms import WorkflowForm
from workflow.models import Assignment, Category, ItemKind, TargetType


class CategorySettingsForm(WorkflowForm):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=120)
    required_fields = forms.CharField(
        label=_("Required fields"), required=False,
        help_text=_("Names separated by commas, e.g. invoice_number, contract_number."),
    )  # fmt: skip
    response_hours = forms.IntegerField(label=_("Response target (hours)"), min_value=1, initial=8)
    resolution_hours = forms.IntegerField(label=_("Resolution target (hours)"), min_value=1, initial=72)
    default_team_kind = forms.ChoiceField(label=_("Default queue: team of kind"), choices=TeamKind.choices,
                                          initial=TeamKind.AFTER_SALES)  # fmt: skip
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    @classmethod
    def initial_from(cls, category: Category) -> dict[str, Any]:
        initial = {name: getattr(category, name) for name in cls.base_fields}
        initial["required_fields"] = ", ".join(category.required_fields)
        return initial

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["required_fields"] = [name.strip() for name in data["required_fields"].split(",") if name.strip()]
        return data


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


class RoutingRuleForm(WorkflowForm):
    """A rule's criteria as simple inputs; several values of one criterion mean "any of them"."""

    order = forms.IntegerField(label=_("Order"), min_value=0, help_text=_("Rules are tried from the lowest."))
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Applies to"), choices=ItemKind.choices)
    match_category = forms.MultipleChoiceField(label=_("Category"), required=False)
    match_segment = forms.MultipleChoiceField(label=_("Client segment"), choices=Segment.choices, required=False)
    match_agency = forms.TypedMultipleChoiceField(label=_("Agency"), coerce=int, required=False)
    match_region = forms.TypedMultipleChoiceField(label=_("Region"), coerce=int, required=False)
    match_product_family = forms.CharField(label=_("Product family"), max_length=200, required=False,
                                           help_text=_("Several families separated by commas."))  # fmt: skip
    match_channel = forms.MultipleChoiceField(label=_("Origin channel"), choices=Channel.choices, required=False)
    target_type = forms.ChoiceField(label=_("Send to"), choices=TargetType.choices)
    target_team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    target_team_kind = forms.ChoiceField(label=_("Team kind"), choices=[("", "—"), *TeamKind.choices], required=False)
    target_user = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none(), required=False)
    assignment = forms.ChoiceField(label=_("Assignment in the team"), choices=Assignment.choices,
                                   initial=Assignment.CLAIM)  # fmt: skip
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    MATCH_FIELDS = ("category", "segment", "agency", "region", "product_family", "channel")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["match_category"].choices = list(Category.objects.order_by("name").values_list("code", "name"))
        self.fields["match_agency"].choices = list(Agency.objects.order_by("name").values_list("pk", "name"))
        self.fields["match_region"].choices = list(Region.objects.order_by("name").values_list("pk", "name"))
        self.fields["target_team"].queryset = Team.objects.filter(is_active=True).order_by("name")
        self.fields["target_user"].queryset = User.objects.filter(is_active=True).order_by("last_name", "username")
        for name in self.MATCH_FIELDS:
            if isinstance(self.fields[f"match_{name}"].widget, forms.SelectMultiple):
                self.fields[f"match_{name}"].widget.attrs["size"] = 4

    @classmethod
    def initial_from(cls, rule) -> dict[str, Any]:
        initial = {name: getattr(rule, name) for name in ("order", "name", "kind", "target_type", "target_team",
                                                          "target_team_kind", "target_user", "assignment", "is_active")}  # fmt: skip
        for key, value in (rule.match or {}).items():
            values = value if isinstance(value, list) else [value]
            initial[f"match_{key}"] = ", ".join(map(str, values)) if key == "product_family" else values
        return initial

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        match: dict[str, Any] = {}
        for name in self.MATCH_FIELDS:
            value = data[f"match_{name}"]
            values = _split(value) if isinstance(value, str) else list(value)
            if values:
                match[name] = values[0] if len(values) == 1 else values
        return {
            "order": data["order"],
            "name": data["name"],
            "kind": data["kind"],
            "match": match,
            "target_type": data["target_type"],
            "target_team": data["target_team"],
            "target_team_kind": data["target_team_kind"],
            "target_user": data["target_user"],
            "assignment": data["assignment"],
            "is_active": data["is_active"],
        }
