"""Forms of the workflow settings an administrator keeps: categories, routing rules, agencies' business hours."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, Region, Team, TeamKind, User
from common.pages import BootstrapFormMixin
from crm.models import Channel, Segment
from workflow.forms import WorkflowForm
from workflow.hours import DEFAULT_TIME_ZONE, HOLIDAY_SUBDIVISION_NAMES
from workflow.models import AgencyCalendar, Assignment, Category, FieldType, ItemKind, TargetType, Weekday
from workflow.services.configuration import MAX_FIELDS, queue_team_kinds


class CategorySettingsForm(WorkflowForm):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=120)
    response_hours = forms.IntegerField(label=_("Response target (business hours)"), min_value=1, initial=8)
    resolution_hours = forms.IntegerField(label=_("Resolution target (business hours)"), min_value=1, initial=72)
    default_team_kind = forms.ChoiceField(label=_("Default queue: team of kind"), initial=TeamKind.AFTER_SALES)
    extra_team_kinds = forms.MultipleChoiceField(
        label=_("Also handled by"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("A request of this category may be transferred to a team of the default kind or of these, "
                    "covering the client's agency."),
    )  # fmt: skip
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        kinds = [(kind, label) for kind, label in TeamKind.choices if kind in queue_team_kinds()]
        self.fields["default_team_kind"].choices = kinds
        self.fields["extra_team_kinds"].choices = kinds
        self.fields["extra_team_kinds"].widget.attrs["class"] = "list-unstyled"

    @classmethod
    def initial_from(cls, category: Category) -> dict[str, Any]:
        return {name: getattr(category, name) for name in cls.base_fields}


class CategoryFieldForm(BootstrapFormMixin, forms.Form):
    """One field of a category: its code, its words, its type; a choice's options one per line."""

    code = forms.CharField(label=_("Code"), max_length=40, required=False)
    label_fr = forms.CharField(label=_("Label in French"), max_length=120, required=False)
    label_en = forms.CharField(label=_("Label in English"), max_length=120, required=False)
    type = forms.ChoiceField(label=_("Type"), choices=FieldType.choices, initial=FieldType.TEXT)
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    options = forms.CharField(
        label=_("Options (for a choice)"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: code | French label | English label."),
    )  # fmt: skip

    def definition(self) -> dict[str, Any] | None:
        """The definition typed, or None for a row left empty."""
        data = self.cleaned_data
        if not data or not (data.get("code") or "").strip():
            return None
        options = []
        for line in (data.get("options") or "").splitlines():
            parts = [part.strip() for part in line.split("|")]
            if any(parts):
                value, label_fr, label_en = (parts + ["", "", ""])[:3]
                options.append({"value": value, "label_fr": label_fr, "label_en": label_en})
        return {"code": data["code"].strip(), "label_fr": data["label_fr"], "label_en": data["label_en"],
                "type": data["type"], "required": data["required"], "options": options}  # fmt: skip

    @classmethod
    def initial_from(cls, spec: dict[str, Any]) -> dict[str, Any]:
        options = "\n".join(f"{o['value']} | {o['label_fr']} | {o['label_en']}" for o in spec.get("options") or [])
        return {**{key: spec.get(key) for key in ("code", "label_fr", "label_en", "type", "required")},
                "options": options}  # fmt: skip


# The category page edits its fields as rows, with two empty ones to add fields (more after saving).
CategoryFieldFormSet = forms.formset_factory(CategoryFieldForm, extra=2, max_num=MAX_FIELDS, validate_max=True)


def category_field_rows(category: Category | None, data: Any = None) -> Any:
    initial = [CategoryFieldForm.initial_from(spec) for spec in category.field_definitions] if category else []
    return CategoryFieldFormSet(data, initial=initial, prefix="fields")


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


# --- Business hours of an agency ----------------------------------------------------------------------------


def _intervals_text(intervals: list[list[str]]) -> str:
    return ", ".join(f"{start}-{end}" for start, end in intervals)


class AgencyCalendarForm(WorkflowForm):
    """A week of opening hours as one line per day ("09:00-12:30, 13:30-18:00"; empty: closed)."""

    time_zone = forms.CharField(label=_("Time zone"), max_length=64, initial=DEFAULT_TIME_ZONE)
    closed_on_public_holidays = forms.BooleanField(label=_("Closed on French public holidays"), required=False,
                                                   initial=True)  # fmt: skip
    holiday_subdivision = forms.ChoiceField(label=_("Public holidays of"), required=False)
    closed_days = forms.CharField(
        label=_("The agency's own closed days"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: YYYY-MM-DD and a label, e.g. 2026-08-14 Pont de l'Assomption."),
    )  # fmt: skip

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for day, label in Weekday.choices:
            self.fields[f"hours_{day}"] = forms.CharField(
                label=label, required=False, max_length=100,
                widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("closed")}),
            )  # fmt: skip
        self.fields["holiday_subdivision"].choices = [("", _("Metropolitan France")), *HOLIDAY_SUBDIVISION_NAMES]

    @classmethod
    def initial_from(cls, calendar: AgencyCalendar) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(calendar, name) for name in
                                   ("time_zone", "closed_on_public_holidays", "holiday_subdivision")}  # fmt: skip
        initial["closed_days"] = "\n".join(f"{row['date']} {row.get('label', '')}".strip()
                                           for row in calendar.closed_days)  # fmt: skip
        for day in Weekday.values:
            initial[f"hours_{day}"] = _intervals_text(calendar.opening_hours.get(day) or [])
        return initial

    def service_data(self) -> dict[str, Any]:
        """The input as the service takes it: intervals as pairs, closed days as rows (the service checks them)."""
        data = self.cleaned_data
        week = {}
        for day in Weekday.values:
            parts = [part.strip() for part in (data.get(f"hours_{day}") or "").split(",") if part.strip()]
            week[day] = [[bound.strip() for bound in part.split("-", 1)] for part in parts]
        closed = []
        for line in (data.get("closed_days") or "").splitlines():
            if line.strip():
                day, _sep, label = line.strip().partition(" ")
                closed.append({"date": day, "label": label.strip()})
        return {"time_zone": data["time_zone"].strip(), "opening_hours": week,
                "closed_on_public_holidays": data["closed_on_public_holidays"],
                "holiday_subdivision": data["holiday_subdivision"], "closed_days": closed}  # fmt: skip
