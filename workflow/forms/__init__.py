"""Forms of the workflow pages: sending a request or a lead, and acting on one. They parse input; the
rules live in `workflow.services`. The administrator's settings forms are in `workflow.forms.settings`.

A category's required fields are a rule of the service (a missing one is its 400): the forms only
render them as `field_<name>` inputs and hand them over as the `fields` dict.
"""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from common.errors import InvalidInput
from common.pages import BootstrapFormMixin, DateTimeLocalField, form_add_invalid_input
from crm.models import Product
from workflow.fields import field_label, option_label
from workflow.models import Category, FieldType
from workflow.selectors import transfer_targets

FIELD_PREFIX = "field_"


def add_service_errors(form: forms.BaseForm, error: InvalidInput) -> None:
    """Show a service's errors on the form, including a category's missing fields on their own inputs."""
    nested = error.fields.get("fields")
    if isinstance(nested, dict):
        for name, messages in nested.items():
            target = f"{FIELD_PREFIX}{name}"
            for message in messages if isinstance(messages, list) else [messages]:
                form.add_error(target if target in form.fields else None, message)
    form_add_invalid_input(form, InvalidInput({k: v for k, v in error.fields.items() if k != "fields"}))


class WorkflowForm(BootstrapFormMixin, forms.Form):
    """Ids get a per-form prefix, so that several action forms can share one page."""

    # Inputs the service takes as `<name>_id`: a chosen row is handed over as its id.
    passed_as_ids: tuple[str, ...] = ()
    # Inputs a link may preset through the query string.
    preset_from_query: tuple[str, ...] = ()

    def __init__(self, *args, id_prefix: str = "", **kwargs) -> None:
        if id_prefix:
            kwargs.setdefault("auto_id", f"id_{id_prefix}_%s")
        super().__init__(*args, **kwargs)

    def service_data(self) -> dict[str, Any]:
        """The input, as the keyword arguments of the service it is for."""
        data = dict(self.cleaned_data)
        for name in self.passed_as_ids:
            value = data.pop(name)
            data[f"{name}_id"] = getattr(value, "pk", value)
        return data


def _no_nul(value: str | None) -> str:
    """A code from the query string or a form, or "" when it holds a NUL byte (no database takes one)."""
    return "" if value is None or "\x00" in str(value) else str(value)


def category_field_input(spec: dict[str, Any]) -> forms.Field:
    """The input of one of a category's fields, by its type, labelled in the reader's language.

    Every input is optional here: whether a value is required and right for its type is the service's
    rule (`workflow.services.inputs.check_category_fields`), whose 400 lands on the input.
    """
    field = _category_field_input(spec)
    field.category_required = bool(spec.get("required", True))  # type: ignore[attr-defined]
    if field.category_required:  # type: ignore[attr-defined]
        field.widget.attrs["aria-required"] = "true"
    return field


def _category_field_input(spec: dict[str, Any]) -> forms.Field:
    label = field_label(spec)
    attrs: dict[str, str] = {"class": "form-control"}
    kind = spec.get("type")
    if kind == FieldType.CHOICE:
        choices = [("", _("Choose…")), *((o["value"], option_label(spec, o["value"])) for o in spec.get("options", []))]
        return forms.ChoiceField(label=label, required=False, choices=choices,
                                 widget=forms.Select(attrs={**attrs, "class": "form-select"}))  # fmt: skip
    if kind == FieldType.DATE:
        return forms.CharField(label=label, required=False, max_length=10,
                               widget=forms.DateInput(attrs={**attrs, "type": "date"}))  # fmt: skip
    if kind == FieldType.NUMBER:
        return forms.CharField(label=label, required=False, max_length=30,
                               widget=forms.TextInput(attrs={**attrs, "inputmode": "decimal"}))  # fmt: skip
    return forms.CharField(label=label, required=False, max_length=200, widget=forms.TextInput(attrs=attrs))


class CategoryFieldsMixin:
    """Adds the chosen category's fields (`field_<code>`, by type) and reads them back as a dict."""

    category_fields: list[str]
    category_required: set[str]

    def _selected_category(self) -> Category | None:
        form: Any = self
        code = form.data.get(form.add_prefix("category")) if form.is_bound else form.initial.get("category")
        if isinstance(code, Category):
            return code
        code = _no_nul(code)
        return Category.objects.filter(code=code, is_active=True).first() if code else None

    def add_category_fields(self) -> None:
        category = self._selected_category()
        specs = category.field_definitions if category else []
        self.category_fields = [spec["code"] for spec in specs]
        self.category_required = {spec["code"] for spec in specs if spec.get("required", True)}
        for spec in specs:
            self.fields[f"{FIELD_PREFIX}{spec['code']}"] = category_field_input(spec)  # type: ignore[attr-defined]

    def category_field_values(self) -> dict[str, str]:
        """The values typed, blanks left out (the service names a blank required one)."""
        data: Any = self
        values = {name: data.cleaned_data.get(f"{FIELD_PREFIX}{name}", "") for name in self.category_fields}
        return {name: value for name, value in values.items() if str(value).strip()}

    def service_data(self) -> dict[str, Any]:
        """The input, the category's fields gathered as the service's `fields` dict."""
        data = super().service_data()  # type: ignore[misc]
        plain = {name: value for name, value in data.items() if not name.startswith(FIELD_PREFIX)}
        return {**plain, "fields": self.category_field_values()}


def _category_select(*, id_prefix: str) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.filter(is_active=True).order_by("name"),
        to_field_name="code",
        empty_label=_("Choose a category…"),
        widget=forms.Select(
            attrs={
                # The category's own fields are fetched as soon as it is chosen.
                "hx-get": reverse_lazy("workflow:category-fields"),
                "hx-trigger": "change",
                "hx-target": f"#{id_prefix or 'request'}-category-fields",
                "hx-vals": f'{{"form": "{id_prefix}"}}',
            }
        ),
    )


class ServiceRequestForm(CategoryFieldsMixin, WorkflowForm):
    category_container_id = "request-category-fields"
    category = _category_select(id_prefix="")
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    callback_after = DateTimeLocalField(label=_("Call back from"))
    callback_before = DateTimeLocalField(label=_("Call back until"))
    # Shown once the service answered that the client has an open request of this category.
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why a second request"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    preset_from_query = ("category",)  # the 360 may link to a new request of a category
    # Inputs the page shows only when the service asked for them (the open-matter choice).
    on_conflict = ("confirm", "reason")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.add_category_fields()


def _product_select() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.filter(is_active=True).order_by("family", "name"),
        required=False,
        empty_label=_("No product in particular"),
    )


class LeadForm(WorkflowForm):
    passed_as_ids = ("product",)
    preset_from_query = ("product",)  # a refused sale offers to send a lead for its product
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    product = _product_select()
    callback_after = DateTimeLocalField(label=_("Call back from"))
    callback_before = DateTimeLocalField(label=_("Call back until"))


class CategoryFieldsForm(CategoryFieldsMixin, WorkflowForm):
    """Only the fields of one category: what the request form swaps in when the category changes."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.add_category_fields()


# --- Actions on a request or a lead ------------------------------------------------------------------


class NoInputForm(WorkflowForm):
    """An action that only needs a click (claim, start, close, ...)."""


def _text(label: str, *, rows: int = 2, required: bool = True, max_length: int | None = None) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=max_length,
                           widget=forms.Textarea(attrs={"rows": rows}))  # fmt: skip


class ReasonForm(WorkflowForm):
    reason = _text(_("Reason"), max_length=500)


class OptionalNoteForm(WorkflowForm):
    note = _text(_("Note for the file"), required=False)


class ResolveForm(WorkflowForm):
    resolution = _text(_("Resolution"), rows=3)


class CommentForm(WorkflowForm):
    body = _text(_("Comment"), rows=3)


class AssignForm(WorkflowForm):
    passed_as_ids = ("assignee",)
    assignee = forms.TypedChoiceField(label=_("Give it to"), coerce=int)

    def __init__(self, *args, members: Iterable[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Choose a team member…")), *((m.pk, str(m)) for m in members)]


class TransferForm(CategoryFieldsMixin, WorkflowForm):
    """To the team that should have had it; the category may be corrected on the way, which changes the teams.

    The teams offered are those the service accepts (`transfer_targets`): active, handling the
    category chosen, covering the client's agency. Choosing another category fetches its teams and
    its fields (htmx); the values the request already carries stay and count for fields of the same code.
    """

    category_container_id = "transfer-category-fields"
    passed_as_ids = ("team",)
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 help_text=_("Correct it if the request was sent under the wrong one."))  # fmt: skip
    team = forms.ModelChoiceField(label=_("To the team"), queryset=Team.objects.none(),
                                  empty_label=_("Choose a team…"))  # fmt: skip
    reason = _text(_("Why this team"), max_length=200)

    def __init__(self, *args, request: Any, **kwargs) -> None:
        self.request_category = request.category
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = list(Category.objects.filter(is_active=True).order_by("name")
                                               .values_list("code", "name"))  # fmt: skip
        self.fields["category"].initial = request.category.code
        category = self._selected_category() or request.category
        self.fields["team"].queryset = transfer_targets(request=request, category=category)
        self.add_category_fields()
        auto_id = self.auto_id if isinstance(self.auto_id, str) else "id_%s"
        # Another category: its teams replace the team's options, and its fields come along (out of band).
        self.fields["category"].widget.attrs.update({
            "hx-get": reverse("workflow:request-transfer-teams", args=[request.pk]),
            "hx-trigger": "change", "hx-target": f"#{auto_id % 'team'}", "hx-swap": "innerHTML",
        })  # fmt: skip

    def _selected_category(self) -> Category | None:
        """The category chosen, when it is not the request's own (whose fields the request already carries)."""
        chosen = super()._selected_category() if self.is_bound else None
        return None if chosen == self.request_category else chosen


class RequestRequalifyForm(WorkflowForm):
    """A request that was a sales opportunity: it becomes a lead."""

    passed_as_ids = ("product",)
    reason = _text(_("Why it is a lead"), max_length=500)
    subject = forms.CharField(label=_("Subject of the lead"), max_length=200, required=False,
                              help_text=_("Empty: the request's subject."))  # fmt: skip
    product = _product_select()


class LeadRequalifyForm(CategoryFieldsMixin, WorkflowForm):
    """Not a lead after all: it becomes a service request of a category (with that category's fields)."""

    category_container_id = "requalify-category-fields"
    reason = _text(_("Why it is not a lead"), max_length=500)
    category = _category_select(id_prefix="requalify")
    subject = forms.CharField(label=_("Subject of the request"), max_length=200, required=False,
                              help_text=_("Empty: the lead's subject."))  # fmt: skip

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.add_category_fields()


class AcceptForm(WorkflowForm):
    potential_amount = forms.DecimalField(
        label=_("Potential amount (€)"), min_value=0, max_digits=12, decimal_places=2,
        widget=forms.NumberInput(attrs={"placeholder": _("Amount (€)"), "step": "0.01"}),
    )  # fmt: skip
    probability = forms.IntegerField(
        label=_("Probability (%)"), min_value=0, max_value=100,
        widget=forms.NumberInput(attrs={"placeholder": _("Prob. (%)")}),
    )  # fmt: skip


class WonForm(WorkflowForm):
    """Won, and the sale recorded with it (issue 9): of the lead's product unless another is chosen."""

    passed_as_ids = ("product",)
    amount = forms.DecimalField(label=_("Amount won (€)"), min_value=0, max_digits=12, decimal_places=2,
                                required=False, help_text=_("Empty: the potential amount."))  # fmt: skip
    product = forms.ModelChoiceField(label=_("Product sold"), required=False, empty_label=_("The lead's product"),
                                     queryset=Product.objects.filter(is_active=True).order_by("family", "name"))  # fmt: skip
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100_000, required=False,
                                  help_text=_("Empty: one."))  # fmt: skip


class ReassignForm(WorkflowForm):
    passed_as_ids = ("assignee",)
    assignee = forms.TypedChoiceField(label=_("Give it to"), coerce=int)
    reason = _text(_("Why (written on the lead)"), required=False)

    def __init__(self, *args, candidates: Iterable[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Choose a salesperson…")), *((p.pk, str(p)) for p in candidates)]
