import pytest

from common.errors import NotFound
from crm.search import normalise_phone, normalise_text, strict_word_similarity
from crm.selectors import client_get_for_user, client_lookup_phone, client_search


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("+33 6 12 34 56 78", "0612345678"), ("06 12 34 56 78", "0612345678"), ("0033612345678", "0612345678"),
     ("06.12.34.56.78", "0612345678"), ("", "")],
)  # fmt: skip
def test_phone_numbers_are_compared_as_national_digits(raw, expected):
    assert normalise_phone(raw) == expected


def test_text_is_compared_without_case_accents_or_punctuation():
    assert normalise_text("Société  Générale-Est") == "societe generale est"


def test_a_typo_keeps_a_high_similarity_and_an_unrelated_word_does_not():
    assert strict_word_similarity("boulangrie", "boulangerie dupont") > 0.5
    assert strict_word_similarity("garage", "boulangerie dupont") < 0.2


def test_reception_finds_a_client_of_their_agency_by_misspelt_name(org):
    results = list(client_search(user=org.reception_a, q="boulangrie dupond"))
    assert results[0] == org.client_a


@pytest.mark.parametrize("phone", ["03 20 12 34 56", "+33 3 20 12 34 56", "0320123456", "+33320123456"])
def test_reception_finds_a_client_by_phone_however_written(org, phone):
    assert list(client_search(user=org.reception_a, q=phone)) == [org.client_a]
    assert list(client_lookup_phone(user=org.reception_a, phone=phone)) == [org.client_a]


def test_search_never_lists_a_client_outside_the_users_agencies(org):
    assert list(client_search(user=org.reception_a, q="garage lefevre")) == []
    assert list(client_search(user=org.reception_a, q="+33 3 22 98 76 54")) == []
    assert list(client_search(user=org.reception_b, q="garage lefevre")) == [org.client_b]


def test_out_of_scope_client_is_not_found_rather_than_forbidden(org):
    with pytest.raises(NotFound):
        client_get_for_user(user=org.reception_a, client_id=org.client_b.pk)
    with pytest.raises(NotFound):
        client_get_for_user(user=org.outsider, client_id=org.client_a.pk)
    assert client_get_for_user(user=org.reception_a, client_id=org.client_a.pk) == org.client_a


def test_regional_back_office_sees_every_agency_of_its_region_only(org):
    assert client_get_for_user(user=org.billing_north, client_id=org.client_b.pk) == org.client_b
    with pytest.raises(NotFound):
        client_get_for_user(user=org.billing_north, client_id=org.client_c.pk)


def test_search_by_contact_name_and_email(org):
    from tests.factories import ContactFactory

    ContactFactory(client=org.client_a, first_name="Jeanne", last_name="Moreau", email="jeanne@dupont.fr")
    assert list(client_search(user=org.reception_a, q="jeane moreau")) == [org.client_a]
    assert list(client_search(user=org.reception_a, q="Jeanne@Dupont.fr")) == [org.client_a]


def test_search_by_legal_id(org):
    assert list(client_search(user=org.reception_a, q="552 100 554")) == [org.client_a]


def test_a_client_shared_with_a_person_or_a_team_outside_its_agency_is_visible_to_them(org):
    from guardian.shortcuts import assign_perm

    from accounts.models import User
    from crm.selectors import clients_visible

    assert org.client_b not in clients_visible(user=org.reception_a)
    assign_perm("crm.view_client", org.reception_a, org.client_b)  # a delegate while a colleague is away
    assert client_get_for_user(user=User.objects.get(pk=org.reception_a.pk), client_id=org.client_b.pk)
    assign_perm("crm.view_client", org.billing_team_north.group, org.client_c)  # shared with a team
    assert org.client_c in clients_visible(user=User.objects.get(pk=org.billing_north.pk))
    assert org.client_c not in clients_visible(user=User.objects.get(pk=org.reception_a.pk))
