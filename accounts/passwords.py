"""Password-reset links: Django's own flow (`PasswordResetForm`, its token generator and confirm view).

Two ways in: a person who forgot their password asks on the sign-in page (Django's view, which says
the same whether or not the address is known), and an organisation admin sends a link to one named
person (`accounts.services.user_send_password_reset`), which is also how someone created without a
password chooses one. Both mail the same link to `accounts:password_reset_confirm`.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation

from accounts.models import User

EMAIL_TEMPLATE = "accounts/password_reset_email.txt"
SUBJECT_TEMPLATE = "accounts/password_reset_subject.txt"


class OnePersonPasswordResetForm(PasswordResetForm):
    """Django's form, aimed at one person chosen by an admin rather than at whoever has the address.

    Two people may share an address; the stock form would mail them both. A person with no usable
    password yet (created without one) is included, unlike the stock form: the link is how they get one.
    """

    def __init__(self, person: User) -> None:
        super().__init__(data={"email": person.email})
        self.person = person

    def get_users(self, email: str):
        if self.person.is_active and self.person.email:
            yield self.person


def send_reset_link(person: User) -> None:
    """Mail `person` a reset link, in their language, with the site's address from `SITE_URL`."""
    site = urlsplit(settings.SITE_URL)
    form = OnePersonPasswordResetForm(person)
    form.is_valid()
    with translation.override(person.language or settings.LANGUAGE_CODE):
        form.save(
            domain_override=site.netloc,
            use_https=site.scheme == "https",
            email_template_name=EMAIL_TEMPLATE,
            subject_template_name=SUBJECT_TEMPLATE,
            extra_email_context={"site_name": "Relais"},
        )
