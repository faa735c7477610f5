"""One client per company (issue 8, item 3): an identifier already held anywhere is a 409 that
`confirm` cannot force, told by its agency only when the caller may not see it; a near name is only
a look-alike that the caller confirms."""

import pytest

from common.errors import Conflict
from crm.models import Client
from crm.services import client_create, client_update
from tests.factories import ClientFactory


def _refused(**data) -> Conflict:
    with pytest.raises(Conflict) as refused:
        client_create(**data)
    return refused.value


@pytest.mark.parametrize(
    ("field", "value"),
    [("phone", "+33 3 22 98 76 54"), ("phone", "03.22.98.76.54"), ("email", "GARAGE@lefevre.fr"),
     ("legal_id", "732829320"), ("legal_id", "732 829 320 00074")],
)  # fmt: skip
def test_an_identifier_of_another_agencys_client_is_a_409_naming_only_that_agency(org, field, value):
    Client.objects.filter(pk=org.client_b.pk).update(email="garage@lefevre.fr", legal_id="732829320")

    error = _refused(actor=org.reception_a, agency=org.agency_a, confirm=True,
                     **{"name": "Société Nouvelle", field: value})  # fmt: skip

    assert error.extra["confirmable"] is False
    assert error.extra["candidates"] == []
    assert error.extra["elsewhere"] == [{"agency": org.agency_b.pk, "agency_name": "Amiens", "managers": [],
                                         "matched_on": [field]}]  # fmt: skip
    assert "Amiens" in error.message
    assert "Garage" not in str(error.message) + str(error.extra)
    assert not Client.objects.filter(name="Société Nouvelle").exists()


def test_the_agency_to_ask_names_its_managers(org):
    error = _refused(actor=org.reception_b, agency=org.agency_b, name="Autre", phone="03 20 12 34 56")
    assert error.extra["elsewhere"][0]["agency_name"] == "Lille"
    assert error.extra["elsewhere"][0]["managers"] == [str(org.manager_a)]
    assert str(org.manager_a) in error.message


def test_a_visible_client_with_the_same_phone_is_a_candidate_that_cannot_be_confirmed(org):
    error = _refused(actor=org.reception_a, agency=org.agency_a, name="Tout autre nom", phone="0320123456",
                     confirm=True)  # fmt: skip
    assert error.extra["confirmable"] is False
    assert [(c["id"], c["matched_on"]) for c in error.extra["candidates"]] == [(org.client_a.pk, ["phone"])]
    assert error.extra["elsewhere"] == []


def test_a_near_name_asks_for_confirmation_and_confirming_creates_it(org):
    error = _refused(actor=org.reception_a, agency=org.agency_a, name="Boulangerie Dupond")
    assert error.extra["confirmable"] is True
    assert [c["matched_on"] for c in error.extra["candidates"]] == [["name"]]
    assert client_create(actor=org.reception_a, agency=org.agency_a, name="Boulangerie Dupond", confirm=True)


def test_a_near_name_in_another_agency_is_not_told(org):
    # Two shops may share a name in two towns: only identifiers say it is the same company.
    client = client_create(actor=org.reception_a, agency=org.agency_a, name="Garage Lefevre")
    assert client.pk


def test_another_establishment_of_a_company_is_a_look_alike(org):
    Client.objects.filter(pk=org.client_a.pk).update(legal_id="73282932000074")
    error = _refused(actor=org.reception_a, agency=org.agency_a, name="Autre", legal_id="73282932000058")
    assert error.extra["confirmable"] is True
    assert error.extra["candidates"][0]["matched_on"] == ["company"]


def test_a_contacts_number_is_a_look_alike_not_the_company(org):
    from crm.services import contact_create

    contact_create(actor=org.reception_a, client_id=org.client_a.pk, last_name="Moreau", phone="06 11 22 33 44")
    error = _refused(actor=org.reception_a, agency=org.agency_a, name="Moreau Conseil", phone="06 11 22 33 44")
    assert error.extra["confirmable"] is True
    assert error.extra["candidates"][0]["matched_on"] == ["contact_phone"]


def test_changing_a_clients_phone_to_another_clients_is_a_409(org):
    with pytest.raises(Conflict) as refused:
        client_update(actor=org.admin, client_id=org.client_a.pk, phone="04 91 00 11 22")
    assert refused.value.extra["candidates"][0]["id"] == org.client_c.pk
    org.client_a.refresh_from_db()
    assert org.client_a.phone == "03 20 12 34 56"


def test_twins_kept_from_before_the_rule_can_still_be_edited(org):
    twin = ClientFactory(agency=org.agency_a, name="Doublon", phone="03 20 12 34 56")
    client_update(actor=org.reception_a, client_id=twin.pk, city="Lille")
    twin.refresh_from_db()
    assert twin.city == "Lille"
