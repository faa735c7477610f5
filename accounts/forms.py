"""Forms of the organisation pages. They parse input; the rules live in `accounts.services`."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.contrib.auth.password_validation import validate_password
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, Region, Team, TeamKind, TeamScope, User
from common.pages import BootstrapFormMixin


class LoginForm(BootstrapFormMixin, AuthenticationForm):
    """Django's form, which hands the request to `authenticate` so django-axes counts failures.

    Its fields are bounded (the username by the model, NUL bytes refused by every CharField), so an
    odd input is the form's error, never a database error (issue 7, finding 8).
    """

    password = forms.CharField(label=_("Password"), strip=False, max_length=4096, widget=forms.PasswordInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Django sets the username's max_length after the field is built, so no validator checks it.
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class PasswordResetRequestForm(BootstrapFormMixin, PasswordResetForm):
    pass


class NewPasswordForm(BootstrapFormMixin, SetPasswordForm):
    pass


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Team) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


def _active_teams():
    return Team.objects.filter(is_active=True).order_by("name")


class ReassignForm(BootstrapFormMixin, forms.Form):
    team = TeamChoiceField(label=_("Move to team"), queryset=_active_teams())


class MembershipStartForm(BootstrapFormMixin, forms.Form):
    user = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.filter(is_active=True))
    team = TeamChoiceField(label=_("Team"), queryset=_active_teams())


class TeamCreateForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=TeamKind.choices)
    scope = forms.ChoiceField(label=_("Scope"), choices=TeamScope.choices)
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.order_by("name"), required=False, help_text=_("For one agency.")
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.order_by("name"), required=False, help_text=_("For one region.")
    )


class UserCreateForm(BootstrapFormMixin, forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=[("", _("Browser's language")), *settings.LANGUAGES],
                                 required=False)  # fmt: skip
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text=_("Empty: the person cannot sign in until a password is set."),
    )

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if password:
            # The similarity check compares the password with the person's names, so give it them.
            candidate = User(
                **{f: self.cleaned_data.get(f, "") for f in ("username", "first_name", "last_name", "email")}
            )
            validate_password(password, user=candidate)
        return password
