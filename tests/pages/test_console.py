from django.urls import reverse

from tests.factories import ClientFactory, ContactFactory, UserFactory


def test_the_console_opens_with_the_search_box_focused(page_as, org):
    response = page_as(org.reception_a).get(reverse("crm:console"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="q"' in page and "autofocus" in page
    assert 'hx-trigger="keyup changed delay:250ms, search"' in page


def test_a_misspelt_name_finds_the_agents_client_and_not_another_agencys(page_as, org):
    response = page_as(org.reception_a).get(reverse("crm:search_results"), {"q": "boulangrie"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert list(response.context["results"]) == [org.client_a]
    page = response.content.decode()
    assert "Boulangerie Dupont" in page and "Garage Lef" not in page
    assert "<html" not in page  # a fragment for htmx to swap in
    # What the agent needs to recognise the caller: agency, phone, account owner.
    assert "Lille" in page and "03 20 12 34 56" in page and "Sophie Martin" in page


def test_a_full_page_search_shows_the_same_results(page_as, org):
    response = page_as(org.reception_a).get(reverse("crm:console"), {"q": "boulangrie"})
    assert list(response.context["results"]) == [org.client_a]


def test_a_search_for_another_agencys_client_finds_nothing(page_as, org):
    response = page_as(org.reception_a).get(reverse("crm:search_results"), {"q": "garage lefevre"})
    assert list(response.context["results"]) == []
    assert "Garage Lef" not in response.content.decode()


def test_the_caller_id_of_a_known_client_opens_their_record(page_as, org):
    response = page_as(org.reception_a).get(reverse("crm:console"), {"phone": "+33 3 20 12 34 56"})
    assert response.status_code == 302
    assert response.url == reverse("crm:client_detail", args=[org.client_a.pk])


def test_an_unknown_caller_id_offers_to_create_the_client(page_as, org):
    response = page_as(org.reception_a).get(reverse("crm:console"), {"phone": "+33 3 22 98 76 54"})
    assert response.status_code == 200  # client_b's number: out of reception_a's scope, so unknown
    assert response.context["results"] == []
    assert f"{reverse('crm:client_create')}?phone=" in response.content.decode()


def test_a_number_shared_by_several_clients_lists_them(page_as, org):
    twin = ClientFactory(name="Boulangerie Dupont Fils", agency=org.agency_a, phone="03 20 12 34 56")
    response = page_as(org.reception_a).get(reverse("crm:console"), {"phone": "0320123456"})
    assert response.status_code == 200
    assert {c.pk for c in response.context["results"]} == {org.client_a.pk, twin.pk}


def test_another_agencys_client_record_is_not_found(page_as, org):
    assert page_as(org.reception_a).get(reverse("crm:client_detail", args=[org.client_b.pk])).status_code == 404


def test_pages_need_a_signed_in_person(client, org):
    for url in (reverse("crm:console"), reverse("crm:client_detail", args=[org.client_a.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_search_results_cost_the_same_queries_for_many_clients(page_as, org, queries_of):
    client = page_as(org.reception_a)
    client.get(reverse("crm:console"))  # warm the session

    def search():
        assert client.get(reverse("crm:search_results"), {"q": "boulangerie"}).status_code == 200

    few = queries_of(search)
    for n in range(15):
        owner = UserFactory()
        shop = ClientFactory(name=f"Boulangerie {n}", agency=org.agency_a, account_owner=owner)
        ContactFactory(client=shop)
    many = queries_of(search)
    assert many == few
    assert many <= 15
    assert len(client.get(reverse("crm:search_results"), {"q": "boulangerie"}).context["results"]) == 16


def test_finding_08_a_nul_byte_in_the_search_is_a_400_page_not_a_500(page_as, org):
    client = page_as(org.reception_a)
    assert client.get(reverse("crm:console"), {"q": "dupont\x00"}).status_code == 400
    assert client.get(reverse("crm:search_results"), {"q": "\x00"}, HTTP_HX_REQUEST="true").status_code == 400
    # A caller-ID with a NUL is only digits once read: it still finds the caller.
    response = client.get(reverse("crm:console"), {"phone": "03 20 12 34 56\x00"})
    assert response.status_code == 302


def test_stored_numbers_read_in_national_form(page_as, org):
    ClientFactory(name="Boucherie Normalisée", agency=org.agency_a, phone="+33320778899")
    page = page_as(org.reception_a).get(reverse("crm:console"), {"q": "boucherie"}).content.decode()
    assert "03 20 77 88 99" in page
