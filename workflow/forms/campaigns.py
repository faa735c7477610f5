"""Forms of the campaign and potential pages. They parse input; every rule is in `workflow.services.campaigns`
and `workflow.services.potentials`."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Agency, Region, Team, TeamKind
from common.pages import DateTimeLocalField
from crm.models import Product, Segment
from workflow.forms import WorkflowForm
from workflow.models_campaigns import PotentialOutcome, TargetOutcome

DATE = forms.DateInput(attrs={"type": "date"})


def _products(label, required: bool = True) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(label=label, required=required, empty_label=_("Choose a product…"),
                                  queryset=Product.objects.filter(is_active=True).order_by("family", "name"))  # fmt: skip


class CampaignForm(WorkflowForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    product = _products(_("Product focus"))
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    team = forms.ModelChoiceField(label=_("Team that calls"), empty_label=_("Choose a team…"),
                                  queryset=Team.objects.filter(is_active=True, kind__in=[TeamKind.TELEMARKETING,
                                                                                         TeamKind.TELESALES]))  # fmt: skip
    script = forms.CharField(label=_("Call script"), required=False, max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 4}))  # fmt: skip
    segment = forms.ChoiceField(label=_("Segment"), required=False, choices=[("", _("Any"))] + Segment.choices)
    region = forms.ModelChoiceField(label=_("Region"), required=False, queryset=Region.objects.all(),
                                    empty_label=_("Any in my scope"))  # fmt: skip
    agency = forms.ModelChoiceField(label=_("Agency"), required=False, queryset=Agency.objects.all(),
                                    empty_label=pgettext_lazy("agency", "Any"))  # fmt: skip
    holds_product = _products(_("Holds the product"), required=False)
    lacks_product = _products(_("Does not hold the product"), required=False)
    no_contact_days = forms.IntegerField(label=_("No contact for (days)"), required=False, min_value=1,
                                         max_value=3650)  # fmt: skip

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        pk = lambda name: data[name].pk if data.get(name) else None  # noqa: E731
        return {"name": data["name"], "product_id": pk("product"), "starts_on": data["starts_on"],
                "ends_on": data["ends_on"], "team_id": pk("team"), "script": data.get("script") or "",
                "criteria": {"segment": data.get("segment") or "", "region": pk("region"), "agency": pk("agency"),
                             "holds_product": pk("holds_product"), "lacks_product": pk("lacks_product"),
                             "no_contact_days": data.get("no_contact_days")}}  # fmt: skip


class OutcomeForm(WorkflowForm):
    passed_as_ids = ("product",)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=TargetOutcome.choices)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    callback_after = DateTimeLocalField(label=_("Call back from"))
    callback_before = DateTimeLocalField(label=_("Call back before"))
    subject = forms.CharField(label=_("Lead subject"), required=False, max_length=200)
    product = _products(_("Product (lead or sale)"), required=False)
    amount = forms.DecimalField(label=_("Amount sold (€)"), required=False, min_value=0, max_digits=12,
                                decimal_places=2)  # fmt: skip

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        product = data.pop("product", None)
        data["product_id"] = product.pk if product else None
        return {key: value for key, value in data.items() if value not in (None, "")}


class PotentialForm(WorkflowForm):
    client = forms.IntegerField(label=_("Client number"), min_value=1, max_value=2**63 - 1)
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    product = _products(_("Product"), required=False)
    amount = forms.DecimalField(label=_("Estimated amount (€)"), required=False, max_digits=12, decimal_places=2)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"client_id": data["client"], "deadline": data["deadline"],
                "product_id": data["product"].pk if data.get("product") else None, "amount": data.get("amount"),
                "note": data.get("note") or ""}  # fmt: skip


class ImportForm(WorkflowForm):
    file = forms.FileField(label=_("CSV file"), help_text=_(
        "Columns: client (number), deadline (YYYY-MM-DD), and optionally product (code), amount, note."))  # fmt: skip


class ExploreForm(WorkflowForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=PotentialOutcome.choices)
    amount = forms.DecimalField(label=_("Amount sold (€)"), required=False, min_value=0, max_digits=12,
                                decimal_places=2, help_text=_("For a sale: records it, credited by the rule."))  # fmt: skip
