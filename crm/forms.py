"""Forms of the client pages. They parse input; the rules live in `crm.services`."""

from collections.abc import Iterable

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, User
from common.pages import DATETIME_LOCAL, BootstrapFormMixin, DateTimeLocalField
from crm.models import Channel, ClientStatus, Contact, Direction, Segment


class ClientForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    legal_id = forms.CharField(label=_("Company legal id"), max_length=20, required=False,
                               help_text=_("SIREN or SIRET."))  # fmt: skip
    segment = forms.ChoiceField(label=_("Segment"), choices=Segment.choices)
    status = forms.ChoiceField(label=_("Status"), choices=ClientStatus.choices, initial=ClientStatus.ACTIVE)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    account_owner = forms.ModelChoiceField(label=_("Account owner"), queryset=User.objects.none(), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)

    def __init__(self, *args, agencies: QuerySet[Agency], owners: QuerySet[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["account_owner"].queryset = owners

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}


class ClientCreateForm(ClientForm):
    confirm = forms.BooleanField(
        label=_("Create anyway: this is not one of the clients above"), required=False, initial=False
    )

    def service_data(self) -> dict:
        data = super().service_data()
        data.pop("confirm")
        return data


class ContactForm(BootstrapFormMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    role = forms.CharField(label=_("Role"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    is_primary = forms.BooleanField(label=_("Main contact"), required=False)

    @classmethod
    def initial_from(cls, contact: Contact) -> dict:
        return {name: getattr(contact, name) for name in cls.base_fields}


class InteractionForm(BootstrapFormMixin, forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.INBOUND_CALL)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices, initial=Direction.INBOUND)
    contact = forms.TypedChoiceField(label=_("Contact"), coerce=int, empty_value=None, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    occurred_at = DateTimeLocalField(label=_("When"), help_text=_("Empty: now."))

    def __init__(self, *args, contacts: Iterable[Contact], **kwargs) -> None:
        kwargs.setdefault("initial", {"occurred_at": timezone.localtime().strftime(DATETIME_LOCAL)})
        super().__init__(*args, **kwargs)
        self.fields["contact"].choices = [("", _("No one in particular")), *((c.pk, str(c)) for c in contacts)]

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["contact_id"] = data.pop("contact")
        return data
