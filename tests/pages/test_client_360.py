from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from crm.models import Contact, Holding, Interaction
from tests.factories import ContactFactory, InteractionFactory, ProductFactory
from trace.models import TraceEvent


def _360(client, crm_client):
    return client.get(reverse("crm:client_detail", args=[crm_client.pk]))


def test_the_360_shows_identity_contacts_products_and_timeline(page_as, org):
    ContactFactory(client=org.client_a, first_name="Jeanne", last_name="Moreau", role="Gérante", is_primary=True)
    Holding.objects.create(client=org.client_a, product=ProductFactory(name="Forfait Pro 20Go"),
                           since=timezone.localdate())  # fmt: skip
    InteractionFactory(client=org.client_a, subject="Question sur la facture")

    response = _360(page_as(org.reception_a), org.client_a)

    assert response.status_code == 200
    page = response.content.decode()
    for expected in ("Boulangerie Dupont", "552100554", "Sophie Martin", "Jeanne Moreau", "Forfait Pro 20Go",
                     "Question sur la facture"):  # fmt: skip
        assert expected in page
    assert response.context["completeness"] > 0
    assert 'id="interaction-form"' in page


def test_logging_a_call_through_the_page_puts_it_on_the_timeline_and_in_the_trace(page_as, org):
    client = page_as(org.reception_a)
    contact = ContactFactory(client=org.client_a, last_name="Moreau")

    response = client.post(
        reverse("crm:interaction_create", args=[org.client_a.pk]),
        {"channel": "inbound_call", "direction": "inbound", "contact": contact.pk,
         "subject": "Demande de second terminal", "notes": "Rappeler avant midi", "occurred_at": ""},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="timeline" hx-swap-oob="true"' in page  # htmx swaps the timeline in place
    assert "Demande de second terminal" in page
    interaction = Interaction.objects.get(client=org.client_a)
    assert (interaction.author, interaction.contact, interaction.team) == (
        org.reception_a,
        contact,
        org.reception_team_a,
    )
    assert TraceEvent.objects.filter(
        action="crm.interaction.logged", client_id=org.client_a.pk, object_id=str(interaction.pk)
    ).exists()
    assert "Demande de second terminal" in _360(client, org.client_a).content.decode()


def test_logging_without_htmx_returns_to_the_record(page_as, org):
    response = page_as(org.reception_a).post(
        reverse("crm:interaction_create", args=[org.client_a.pk]),
        {"channel": "visit", "direction": "inbound", "subject": "Passage en agence"},
    )
    assert response.status_code == 302
    assert response.url == reverse("crm:client_detail", args=[org.client_a.pk])


def test_a_call_without_subject_or_in_the_future_is_refused_with_the_reasons(page_as, org):
    client = page_as(org.reception_a)
    url = reverse("crm:interaction_create", args=[org.client_a.pk])
    future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")

    no_subject = client.post(url, {"channel": "inbound_call", "direction": "inbound", "subject": ""},
                             HTTP_HX_REQUEST="true")  # fmt: skip
    in_future = client.post(url, {"channel": "inbound_call", "direction": "inbound", "subject": "Appel",
                                  "occurred_at": future}, HTTP_HX_REQUEST="true")  # fmt: skip

    assert no_subject.status_code == 400 and no_subject.context["interaction_form"].errors["subject"]
    assert in_future.status_code == 400 and in_future.context["interaction_form"].errors["occurred_at"]
    assert not Interaction.objects.exists()


def test_a_contact_of_another_client_cannot_be_named(page_as, org):
    stranger = Contact.objects.create(client=org.client_b, last_name="Lefèvre")
    response = page_as(org.reception_a).post(
        reverse("crm:interaction_create", args=[org.client_a.pk]),
        {"channel": "inbound_call", "direction": "inbound", "subject": "Appel", "contact": stranger.pk},
    )
    assert response.status_code == 400
    assert not Interaction.objects.exists()


def test_nobody_logs_a_call_on_a_client_out_of_their_scope(page_as, org):
    response = page_as(org.reception_a).post(
        reverse("crm:interaction_create", args=[org.client_b.pk]),
        {"channel": "inbound_call", "direction": "inbound", "subject": "Appel"},
    )
    assert response.status_code == 404
    assert not Interaction.objects.exists()


def test_the_timeline_shows_the_newest_fifty_and_loads_older_ones_on_demand(page_as, org):
    now = timezone.now()
    for minutes in range(55):
        InteractionFactory(
            client=org.client_a, subject=f"Contact {minutes:02d}", occurred_at=now - timedelta(minutes=minutes)
        )
    client = page_as(org.reception_a)

    first = _360(client, org.client_a)
    shown = [i.subject for i in first.context["timeline"]]
    assert shown[0] == "Contact 00" and len(shown) == 50
    more_url = f"{reverse('crm:client_timeline', args=[org.client_a.pk])}?page=2"
    assert more_url in first.content.decode()

    older = client.get(more_url)
    assert [i.subject for i in older.context["timeline"]] == [f"Contact {m}" for m in range(50, 55)]
    assert client.get(reverse("crm:client_timeline", args=[org.client_b.pk])).status_code == 404


def test_the_360_costs_the_same_queries_with_a_long_history(page_as, org, queries_of):
    product = ProductFactory()

    def add_history(count: int) -> None:
        contacts = [ContactFactory(client=org.client_a) for _ in range(count)]
        for _ in range(count):
            Holding.objects.create(client=org.client_a, product=product, since=timezone.localdate())
        for n in range(count * 12):
            InteractionFactory(client=org.client_a, contact=contacts[n % count], author=org.sales_a,
                               team=org.sales_team_a)  # fmt: skip

    client = page_as(org.reception_a)
    add_history(1)
    _360(client, org.client_a)
    few = queries_of(lambda: _360(client, org.client_a))
    add_history(5)
    many = queries_of(lambda: _360(client, org.client_a))
    assert many == few
    assert many <= 20


def test_the_360_keeps_a_slot_for_requests_and_leads(page_as, org):
    response = _360(page_as(org.reception_a), org.client_a)
    assert "crm/clients/_client_work.html" in [t.name for t in response.templates]
