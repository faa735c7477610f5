"""Forms of the client pages. They parse input; the rules live in `crm.services`."""

from collections.abc import Iterable

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, User
from common.pages import DATETIME_LOCAL, BootstrapFormMixin, DateTimeLocalField
from crm.identifiers import display_phone
from crm.models import Channel, Client, ClientStatus, Contact, Direction, Segment

# Choices grouped by agency: [(agency name, [(person id, name), ...]), ...]
OwnerGroups = list[tuple[str, list[tuple[int, str]]]]


class EditFormMixin:
    """An edit form that knows what the person changed: each field carries its value as opened.

    So that after a 409 (someone else saved meanwhile) the page can show exactly what this person
    typed, and nothing else, next to the record as now saved.
    """

    def __init__(self, *args, track_changes: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if track_changes:
            for name, field in self.fields.items():  # type: ignore[attr-defined]
                field.show_hidden_initial = name != "version"

    def typed_changes(self) -> list[tuple[str, object]]:
        """(label, value) of each field the person changed from the form as opened."""
        return [(self.fields[name].label, self.cleaned_data.get(name))  # type: ignore[attr-defined]
                for name in self.changed_data if name != "version"]  # type: ignore[attr-defined]  # fmt: skip


class ClientForm(EditFormMixin, BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    legal_id = forms.CharField(label=_("Company legal id"), max_length=20, required=False,
                               help_text=_("SIREN (9 digits) or SIRET (14 digits)."))  # fmt: skip
    segment = forms.ChoiceField(label=_("Segment"), choices=Segment.choices)
    status = forms.ChoiceField(label=_("Status"), choices=ClientStatus.choices, initial=ClientStatus.ACTIVE)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    account_owner = forms.TypedChoiceField(label=_("Account owner"), coerce=int, empty_value=None, required=False,
                                           help_text=_("A salesperson covering the client's agency."))  # fmt: skip
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    # The version the form was filled from: a save over someone else's meanwhile is refused (409).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, agencies: QuerySet[Agency], owner_groups: OwnerGroups | None, **kwargs) -> None:
        """`owner_groups` None: the person may not name account owners, and the field is not there."""
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        if owner_groups is None:
            del self.fields["account_owner"]
        else:
            self.fields["account_owner"].choices = [("", _("No account owner")), *owner_groups]

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.fields}
        if "account_owner" in data:
            owner_id = data["account_owner"]
            data["account_owner"] = User.objects.filter(pk=owner_id).first() if owner_id else None
        return data


def client_initial(client: Client) -> dict:
    """The edit form's values for a client: its fields, the owner's id, the number as people write it."""
    initial = {name: getattr(client, name) for name in ClientForm.base_fields if name != "account_owner"}
    initial["account_owner"] = client.account_owner_id
    initial["phone"] = display_phone(client.phone)
    return initial


class ClientCreateForm(ClientForm):
    version = None
    confirm = forms.BooleanField(
        label=_("Create anyway: this is not one of the clients above"), required=False, initial=False
    )

    def service_data(self) -> dict:
        data = super().service_data()
        data.pop("confirm")
        return data


class ContactForm(EditFormMixin, BootstrapFormMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    role = forms.CharField(label=_("Role"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    is_primary = forms.BooleanField(label=_("Main contact"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    @classmethod
    def initial_from(cls, contact: Contact) -> dict:
        initial = {name: getattr(contact, name) for name in cls.base_fields}
        initial["phone"] = display_phone(contact.phone)
        return initial


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
