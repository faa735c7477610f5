"""Identifiers checked by maintained libraries and stored one way (issue 8, items 3 and 6)."""

import pytest

from common.errors import InvalidInput
from crm import identifiers
from crm.services import client_create, client_update, contact_create


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("03 20 12 34 56", "+33320123456"), ("+33 3 20 12 34 56", "+33320123456"), ("0033320123456", "+33320123456"),
     ("03.20.12.34.56", "+33320123456"), ("06 12 34 56 78", "+33612345678"), ("+32 2 555 12 12", "+3225551212"),
     ("", "")],
)  # fmt: skip
def test_phones_are_stored_in_e164(typed, stored):
    assert identifiers.clean_phone(typed) == stored


@pytest.mark.parametrize("typed", ["abc", "12", "03 20 12 34", "+33 3 20 12 34 56 78 90", "07 01 23 45 67"])
def test_what_is_not_a_dialable_number_is_refused(typed):
    with pytest.raises(ValueError, match="phone number"):
        identifiers.clean_phone(typed)


def test_a_stored_number_reads_in_national_form_for_france_and_international_elsewhere():
    assert identifiers.display_phone("+33320123456") == "03 20 12 34 56"
    assert identifiers.display_phone("+3225551212") == "+32 2 555 12 12"
    assert identifiers.display_phone("not a number") == "not a number"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("552 100 554", "552100554"), ("552100554", "552100554"), ("732 829 320 00074", "73282932000074"), ("", "")],
)
def test_siren_and_siret_are_stored_as_digits(typed, stored):
    assert identifiers.clean_legal_id(typed) == stored


@pytest.mark.parametrize("typed", ["123", "552100555", "73282932000075", "ABCDEFGHI", "1234567890"])
def test_a_legal_id_with_a_wrong_length_or_check_digit_is_refused(typed):
    with pytest.raises(ValueError, match="SIREN"):
        identifiers.clean_legal_id(typed)


@pytest.mark.parametrize("postcode", ["59000", "01000", "20000", "95880", "97400", "98800", ""])
def test_french_postcodes_are_accepted(postcode):
    assert identifiers.clean_postcode(postcode) == postcode


@pytest.mark.parametrize("postcode", ["5900", "590000", "ABCDE", "00100", "96000", "97900", "98500", "59 00a"])
def test_malformed_postcodes_are_refused(postcode):
    with pytest.raises(ValueError, match="postcode"):
        identifiers.clean_postcode(postcode)


def test_a_new_client_is_stored_normalised_and_search_still_finds_it(org):
    client = client_create(actor=org.reception_a, name="Fromagerie Leclerc", agency=org.agency_a,
                           phone="03 20 44 55 66", legal_id="732 829 320", email=" Contact@Fromagerie.FR ",
                           postcode="59000")  # fmt: skip
    client.refresh_from_db()
    assert (client.phone, client.legal_id, client.email) == ("+33320445566", "732829320", "contact@fromagerie.fr")
    assert client.search_phones == "0320445566"
    from crm.selectors import client_lookup_phone, client_search

    assert list(client_lookup_phone(user=org.reception_a, phone="+33 3 20 44 55 66")) == [client]
    assert list(client_search(user=org.reception_a, q="03 20 44 55 66")) == [client]
    assert list(client_search(user=org.reception_a, q="732829320")) == [client]


@pytest.mark.parametrize(
    ("field", "value"), [("phone", "abc"), ("legal_id", "123"), ("postcode", "5900"), ("name", "Bad\x00name")]
)
def test_finding_08_bad_client_identifiers_are_400_naming_the_field(org, field, value):
    with pytest.raises(InvalidInput) as refused:
        client_create(actor=org.reception_a, agency=org.agency_a, **{"name": "Fromagerie Leclerc", field: value})
    assert field in refused.value.fields
    with pytest.raises(InvalidInput) as refused:
        client_update(actor=org.reception_a, client_id=org.client_a.pk, **{field: value})
    assert field in refused.value.fields


def test_a_contacts_phone_is_checked_and_stored_in_e164(org):
    with pytest.raises(InvalidInput) as refused:
        contact_create(actor=org.reception_a, client_id=org.client_a.pk, last_name="Moreau", phone="abc")
    assert "phone" in refused.value.fields
    contact = contact_create(actor=org.reception_a, client_id=org.client_a.pk, last_name="Moreau",
                             phone="06 11 22 33 44", email="J.Moreau@Example.fr")  # fmt: skip
    assert (contact.phone, contact.email) == ("+33611223344", "j.moreau@example.fr")


def test_finding_08_a_nul_byte_in_any_crm_text_is_refused_naming_the_field(org):
    from crm.services import interaction_log, product_create

    with pytest.raises(InvalidInput) as refused:
        contact_create(actor=org.reception_a, client_id=org.client_a.pk, last_name="Moreau", role="Gé\x00rante")
    assert "role" in refused.value.fields
    with pytest.raises(InvalidInput) as refused:
        interaction_log(actor=org.reception_a, client_id=org.client_a.pk, channel="visit", direction="inbound",
                        subject="Visite", notes="\x00")  # fmt: skip
    assert "notes" in refused.value.fields
    with pytest.raises(InvalidInput) as refused:
        product_create(actor=org.admin, code="p1", name="Forfait\x00", family="mobile", complexity="basic")
    assert "name" in refused.value.fields
