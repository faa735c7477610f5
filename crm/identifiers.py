"""What identifies a company or a person in the client record, checked and written one way.

Phones are stored in E.164 (`+33320123456`), checked by `phonenumbers` (Google's libphonenumber);
a number written without a country code is read as French. SIREN (9 digits) and SIRET (14 digits) are
stored as digits only and their check digits verified by `python-stdnum`. E-mail addresses are stored
trimmed and lowercased, so that one address is one value. French postcodes are five digits whose first
two or three name a department (`is_french_postcode`: no maintained library covers them).

Each `clean_*` returns the stored form or raises `ValueError` with a sentence for the person who typed
it; the services turn that into a 400 naming the field. Empty stays empty: these fields are optional.
"""

import re

import phonenumbers
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.fr import siren, siret

DEFAULT_PHONE_REGION = "FR"

# Departments that postcodes start with: 01 to 95 in metropolitan France (Corsica is 20), and three
# digits overseas (971 to 978), in the Pacific and the southern lands (984, 986 to 988) and for Monaco
# (980, served by La Poste). 00 and 96 name nothing.
_OVERSEAS_PREFIXES = frozenset({"971", "972", "973", "974", "975", "976", "977", "978", "980", "984", "986",
                                "987", "988"})  # fmt: skip
_FIVE_DIGITS = re.compile(r"^\d{5}$")


def clean_phone(value: str) -> str:
    """The number in E.164, or ValueError when it is not a number that can be dialled."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        raise ValueError(_("Enter a phone number, e.g. 03 20 12 34 56 or +33 3 20 12 34 56.")) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(_("This is not a valid phone number."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(value: str) -> str:
    """How a stored number is shown: national form for French numbers, international otherwise."""
    try:
        number = phonenumbers.parse(value or "", DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        return value or ""
    if not phonenumbers.is_valid_number(number):
        return value
    if phonenumbers.region_code_for_number(number) == DEFAULT_PHONE_REGION:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def clean_legal_id(value: str) -> str:
    """A SIREN (9 digits) or SIRET (14 digits) with valid check digits, as digits only."""
    compact = siren.compact(value or "")
    if not compact:
        return ""
    module = siren if len(compact) == 9 else siret if len(compact) == 14 else None
    try:
        if module is None:
            raise stdnum_errors.InvalidLength()
        return module.validate(compact)
    except stdnum_errors.ValidationError:
        raise ValueError(_("Enter a SIREN (9 digits) or a SIRET (14 digits) with its check digit.")) from None


def siren_of(legal_id: str) -> str:
    """The company's SIREN: the legal id itself, or a SIRET's first nine digits."""
    return (legal_id or "")[:9]


def clean_email(value: str) -> str:
    """Trimmed and lowercased (the format itself is checked by the doors' e-mail fields)."""
    return (value or "").strip().lower()


def is_french_postcode(value: str) -> bool:
    if not _FIVE_DIGITS.match(value):
        return False
    department = int(value[:2])
    return 1 <= department <= 95 or value[:3] in _OVERSEAS_PREFIXES


def clean_postcode(value: str) -> str:
    """A French postcode: five digits starting with a department number."""
    value = (value or "").strip().replace(" ", "")
    if value and not is_french_postcode(value):
        raise ValueError(_("Enter a French postcode: five digits starting with a department number, e.g. 59000."))
    return value


def has_nul(value: object) -> bool:
    """A NUL character: no text field may hold one (PostgreSQL refuses it, and nobody types it)."""
    return isinstance(value, str) and "\x00" in value
