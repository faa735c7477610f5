"""Forms of the sales pages: record a sale or a proposal, cancel a sale, contest its credits, decide a dispute.

They parse input; every rule (who may sell what, channels, windows, shares) is the services'.
"""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from crm.models import Channel, Product
from crm.proposals import PROPOSAL_CHANNELS
from workflow.forms import WorkflowForm
from workflow.models_sales import CreditRole, DisputeStatus
from workflow.services.disputes import MAX_ROWS
from workflow.services.sales import MAX_SALE_QUANTITY


def _products() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(label=_("Product"), empty_label=_("Choose a product…"),
                                  queryset=Product.objects.filter(is_active=True).order_by("family", "name"))  # fmt: skip


def _text(label: str, *, max_length: int, rows: int = 3, required: bool = True) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required,
                           widget=forms.Textarea(attrs={"rows": rows}))  # fmt: skip


class SaleForm(WorkflowForm):
    passed_as_ids = ("product", "closer")
    preset_from_query = ("product",)
    product = _products()
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_SALE_QUANTITY, initial=1)
    amount = forms.DecimalField(label=_("Amount (€)"), min_value=0, max_digits=12, decimal_places=2)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices,
                                help_text=_("The channel the sale was closed on."))  # fmt: skip
    sold_on = forms.DateField(label=_("Date of the sale"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                              help_text=_("Empty: today."))  # fmt: skip
    closer = forms.ModelChoiceField(label=_("Closed by"), queryset=User.objects.none(), required=False,
                                    empty_label=_("Me"))  # fmt: skip

    def __init__(self, *args: Any, closers: Iterable[User] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if closers is None:
            del self.fields["closer"]  # only a manager records a sale for someone else
            self.passed_as_ids = ("product",)
        else:
            self.fields["closer"].queryset = User.objects.filter(pk__in=[person.pk for person in closers]).order_by(
                "last_name", "first_name", "username"
            )


class ProposalForm(WorkflowForm):
    passed_as_ids = ("product",)
    family = forms.ChoiceField(label=_("Product family"))
    product = forms.ModelChoiceField(label=_("Product (if one in particular)"), required=False,
                                     empty_label=_("The family in general"),
                                     queryset=Product.objects.filter(is_active=True).order_by("family", "name"))  # fmt: skip
    channel = forms.ChoiceField(label=_("How"), choices=[(c, Channel(c).label) for c in PROPOSAL_CHANNELS])
    proposed_on = forms.DateField(label=_("Date of the proposal"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}), help_text=_("Empty: today."))  # fmt: skip
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, families: Iterable[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["family"].choices = [("", _("Choose a family…")), *((family, family) for family in families)]


class CancelSaleForm(WorkflowForm):
    reason = _text(_("Why the sale is cancelled"), max_length=500, rows=2)


class DisputeForm(WorkflowForm):
    reason = _text(_("Why the credits are wrong"), max_length=2000)


class DecisionForm(WorkflowForm):
    """The decision, and (to uphold) the credits as they should be: up to `MAX_ROWS` rows of person, role, share."""

    outcome = forms.ChoiceField(
        label=_("Decision"), widget=forms.RadioSelect,
        choices=[(DisputeStatus.UPHELD, _("Uphold: rewrite the credits as below")),
                 (DisputeStatus.REJECTED, _("Reject: the credits stay as they are"))],
    )  # fmt: skip
    reason = _text(_("Why (shown to whoever contested)"), max_length=2000)

    def __init__(self, *args: Any, people: Iterable[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].widget.attrs["class"] = "form-check-input"
        choices = [("", "—"), *((person.pk, str(person)) for person in people)]
        for row in range(MAX_ROWS):
            self.fields[f"person_{row}"] = forms.TypedChoiceField(label=_("Person"), choices=choices, coerce=int,
                                                                 required=False, empty_value=None)  # fmt: skip
            self.fields[f"role_{row}"] = forms.ChoiceField(label=_("Role"), required=False,
                                                           choices=[("", "—"), *CreditRole.choices])  # fmt: skip
            self.fields[f"share_{row}"] = forms.DecimalField(label=_("Share (%)"), required=False, min_value=0,
                                                             max_value=100, max_digits=5, decimal_places=2)  # fmt: skip

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [(self[f"person_{row}"], self[f"role_{row}"], self[f"share_{row}"]) for row in range(MAX_ROWS)]

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        credits = [
            {"person": data[f"person_{row}"], "role": data[f"role_{row}"], "share": data[f"share_{row}"]}
            for row in range(MAX_ROWS)
            if data.get(f"person_{row}") or data.get(f"role_{row}") or data.get(f"share_{row}") is not None
        ]
        upheld = data["outcome"] == DisputeStatus.UPHELD
        return {"outcome": data["outcome"], "reason": data["reason"], "credits": credits if upheld else None}
