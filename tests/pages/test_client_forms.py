from django.urls import reverse

from crm.models import Client, Contact
from trace.models import TraceEvent

NEW_SHOP = {"name": "Boulangerie Dupond", "segment": "mass", "status": "active", "phone": "03 20 55 66 77"}


def _create(client, org, **extra):
    return client.post(reverse("crm:client_create"), {**NEW_SHOP, "agency": org.agency_a.pk, **extra})


def test_a_client_that_looks_like_an_existing_one_is_not_created_until_confirmed(page_as, org):
    client = page_as(org.reception_a)

    response = _create(client, org)

    assert response.status_code == 409
    assert response.context["candidates"] == [org.client_a]
    page = response.content.decode()
    assert reverse("crm:client_detail", args=[org.client_a.pk]) in page
    assert 'name="confirm" value="true"' in page
    assert not Client.objects.filter(name="Boulangerie Dupond").exists()

    confirmed = _create(client, org, confirm="true")

    created = Client.objects.get(name="Boulangerie Dupond")
    assert confirmed.status_code == 302
    assert confirmed.url == reverse("crm:client_detail", args=[created.pk])
    assert TraceEvent.objects.get(action="crm.client.created", client_id=created.pk).payload["confirmed_duplicate"]


def test_a_new_client_with_no_look_alike_is_created_at_once(page_as, org):
    response = page_as(org.reception_a).post(
        reverse("crm:client_create"),
        {"name": "Fleuriste des Halles", "segment": "mass", "status": "active", "agency": org.agency_a.pk},
    )
    assert response.status_code == 302
    assert Client.objects.filter(name="Fleuriste des Halles", agency=org.agency_a).exists()


def test_a_client_cannot_be_created_in_an_agency_outside_the_agents_scope(page_as, org):
    response = page_as(org.reception_a).post(
        reverse("crm:client_create"),
        {"name": "Fleuriste des Halles", "segment": "mass", "status": "active", "agency": org.agency_b.pk},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["agency"]
    assert not Client.objects.filter(name="Fleuriste des Halles").exists()


def test_the_create_form_is_prefilled_from_an_unknown_caller_id(page_as, org):
    response = page_as(org.reception_a).get(reverse("crm:client_create"), {"phone": "03 20 99 99 99"})
    assert response.status_code == 200
    assert response.context["form"].initial["phone"] == "03 20 99 99 99"
    assert response.context["form"].initial["agency"] == org.agency_a


def test_people_who_may_not_edit_clients_cannot_open_the_create_form(page_as, org):
    assert page_as(org.billing_north).get(reverse("crm:client_create")).status_code == 403


def test_editing_a_client_saves_and_traces_the_change(page_as, org):
    client = page_as(org.reception_a)
    url = reverse("crm:client_edit", args=[org.client_a.pk])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(agency=org.agency_a.pk, account_owner=org.sales_a.pk, city="Lille")

    response = client.post(url, data)

    assert response.status_code == 302
    org.client_a.refresh_from_db()
    assert org.client_a.city == "Lille"
    assert TraceEvent.objects.filter(action="crm.client.updated", client_id=org.client_a.pk).exists()


def test_a_client_out_of_scope_cannot_be_edited_and_a_viewer_may_not_edit(page_as, org):
    assert page_as(org.reception_a).get(reverse("crm:client_edit", args=[org.client_b.pk])).status_code == 404
    assert page_as(org.billing_north).get(reverse("crm:client_edit", args=[org.client_b.pk])).status_code == 403


def test_adding_and_editing_a_contact(page_as, org):
    client = page_as(org.reception_a)
    created = client.post(reverse("crm:contact_create", args=[org.client_a.pk]),
                          {"first_name": "Jeanne", "last_name": "Moreau", "phone": "06 11 22 33 44"})  # fmt: skip
    assert created.status_code == 302
    contact = Contact.objects.get(client=org.client_a)

    edited = client.post(reverse("crm:contact_edit", args=[org.client_a.pk, contact.pk]),
                         {"first_name": "Jeanne", "last_name": "Moreau-Petit", "role": "Gérante"})  # fmt: skip

    assert edited.status_code == 302
    contact.refresh_from_db()
    assert (contact.last_name, contact.role) == ("Moreau-Petit", "Gérante")
    # The contact's name now finds the client from the console.
    results = client.get(reverse("crm:search_results"), {"q": "moreau petit"}).context["results"]
    assert list(results) == [org.client_a]


def test_a_contact_needs_a_last_name(page_as, org):
    response = page_as(org.reception_a).post(reverse("crm:contact_create", args=[org.client_a.pk]), {"first_name": "X"})
    assert response.status_code == 400
    assert response.context["form"].errors["last_name"]


def test_a_contact_is_only_edited_through_its_own_client(page_as, org):
    contact_b = Contact.objects.create(client=org.client_b, last_name="Lefèvre")
    client = page_as(org.reception_a)
    assert client.get(reverse("crm:contact_edit", args=[org.client_a.pk, contact_b.pk])).status_code == 404
    assert client.get(reverse("crm:contact_edit", args=[org.client_b.pk, contact_b.pk])).status_code == 404


def test_another_agencys_clients_phone_is_a_409_naming_only_that_agency_and_creates_nothing(page_as, org):
    response = _create(page_as(org.reception_a), org, name="Carrosserie Nouvelle", phone="+33 3 22 98 76 54",
                       confirm="true")  # fmt: skip

    assert response.status_code == 409
    page = response.content.decode()
    assert "Amiens" in page
    # Neither the other client's name nor its data. (Its whole name: the demo's people have random
    # French names, and one called "René Lefèvre" signed the page once.)
    hidden = org.client_b
    assert "Garage Lefèvre" not in page
    assert all(value not in page for value in (hidden.email, hidden.legal_id, hidden.address) if value)
    assert 'name="confirm"' not in page  # one client per company: confirming cannot create a twin
    assert not Client.objects.filter(name="Carrosserie Nouvelle").exists()


def test_finding_04_saving_a_client_form_opened_before_someone_elses_save_is_a_409(page_as, org):
    url = reverse("crm:client_edit", args=[org.client_a.pk])
    first, second = page_as(org.reception_a), page_as(org.sales_a2)
    opened = {k: v for k, v in first.get(url).context["form"].initial.items() if v is not None}
    opened["agency"] = org.agency_a.pk
    assert opened["version"] == 1
    # As the browser sends it: each field, and its value as opened (the form's hidden initials).
    as_opened = {f"initial-{name}": value for name, value in opened.items() if name != "version"}
    second.post(url, {**opened, **as_opened, "city": "Roubaix"})

    response = first.post(url, {**opened, **as_opened, "address": "2 rue Neuve"})

    assert response.status_code == 409
    org.client_a.refresh_from_db()
    assert (org.client_a.city, org.client_a.address, org.client_a.version) == ("Roubaix", "", 2)
    # The form now holds the saved record (and its version), and what was typed is shown, not lost.
    assert response.context["form"].initial["city"] == "Roubaix"
    assert response.context["form"].initial["version"] == 2
    assert [(str(label), value) for label, value in response.context["unsaved"]] == [("Address", "2 rue Neuve")]


def test_finding_04_saving_a_contact_form_opened_before_someone_elses_save_is_a_409(page_as, org):
    contact = Contact.objects.create(client=org.client_a, last_name="Moreau")
    url = reverse("crm:contact_edit", args=[org.client_a.pk, contact.pk])
    first, second = page_as(org.reception_a), page_as(org.sales_a2)
    opened = {k: v for k, v in first.get(url).context["form"].initial.items() if v not in (None, False)}
    assert second.post(url, {**opened, "role": "Gérante"}).status_code == 302

    response = first.post(url, {**opened, "role": "Comptable"})

    assert response.status_code == 409
    contact.refresh_from_db()
    assert contact.role == "Gérante"
    assert response.context["form"].initial["role"] == "Gérante"


def test_finding_08_a_bad_phone_siren_or_postcode_on_the_form_is_a_400_on_that_field(page_as, org):
    for field, value in (("phone", "abc"), ("legal_id", "123"), ("postcode", "5900")):
        response = _create(page_as(org.reception_a), org, name="Cordonnerie Lambert", **{field: value})
        assert response.status_code == 400
        assert response.context["form"].errors[field]
