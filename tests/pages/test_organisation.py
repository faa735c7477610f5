from django.urls import reverse

from accounts.models import Agency, Membership, User
from accounts.services import user_deactivate
from crm.models import Client
from tests.factories import make_member


def test_an_admin_moves_a_person_in_one_post_and_their_rights_follow_at_once(client, org):
    membership = Membership.objects.get(user=org.reception_a, ended_at__isnull=True)
    client.force_login(org.admin)

    shown = client.post(
        reverse("accounts:membership_reassign", args=[membership.pk]), {"team": org.reception_team_b.pk}
    )
    assert shown.status_code == 200 and "handover" in shown.content.decode()
    assert Membership.objects.get(pk=membership.pk).ended_at is None  # nothing done before it is confirmed

    response = client.post(
        reverse("accounts:membership_reassign", args=[membership.pk]), {"team": org.reception_team_b.pk, "confirm": "1"}
    )

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:organisation"))
    client.force_login(org.reception_a)
    assert client.get(reverse("crm:client_detail", args=[org.client_a.pk])).status_code == 404
    assert client.get(reverse("crm:client_detail", args=[org.client_b.pk])).status_code == 200


def test_the_organisation_page_lists_people_with_their_teams_and_a_move_button(page_as, org):
    response = page_as(org.admin).get(reverse("accounts:organisation"))
    assert response.status_code == 200
    page = response.content.decode()
    membership = Membership.objects.get(user=org.reception_a, ended_at__isnull=True)
    assert reverse("accounts:membership_reassign", args=[membership.pk]) in page
    assert "Accueil Lille" in page and "Facturation Nord" in page


def test_only_administrators_see_the_organisation(page_as, org):
    for person in (org.reception_a, org.manager_a, org.outsider):
        client = page_as(person)
        assert client.get(reverse("accounts:organisation")).status_code == 403
        membership = Membership.objects.get(user=org.sales_a, ended_at__isnull=True)
        moved = client.post(reverse("accounts:membership_reassign", args=[membership.pk]),
                            {"team": org.reception_team_b.pk, "confirm": "1"})  # fmt: skip
        assert moved.status_code == 403
    assert Membership.objects.get(user=org.sales_a, ended_at__isnull=True).team == org.sales_team_a


def test_moving_someone_to_the_team_they_are_in_is_a_conflict(page_as, org):
    membership = Membership.objects.get(user=org.reception_a, ended_at__isnull=True)
    response = page_as(org.admin).post(
        reverse("accounts:membership_reassign", args=[membership.pk]), {"team": org.reception_team_a.pk, "confirm": "1"}
    )
    assert response.status_code == 409
    assert Membership.objects.get(pk=membership.pk).ended_at is None


def test_moving_an_unknown_membership_is_not_found(page_as, org):
    response = page_as(org.admin).post(reverse("accounts:membership_reassign", args=[999999]),
                                       {"team": org.reception_team_b.pk})  # fmt: skip
    assert response.status_code == 404


def test_ending_and_adding_memberships(page_as, org):
    client = page_as(org.admin)
    membership = Membership.objects.get(user=org.reception_a, ended_at__isnull=True)

    confirming = client.post(reverse("accounts:membership_end", args=[membership.pk]))
    assert confirming.status_code == 200 and "End the membership" in confirming.content.decode()
    assert Membership.objects.get(pk=membership.pk).ended_at is None  # one click ends nothing
    assert client.post(reverse("accounts:membership_end", args=[membership.pk]), {"confirm": "1"}).status_code == 302
    assert client.post(reverse("accounts:membership_end", args=[membership.pk]), {"confirm": "1"}).status_code == 409
    added = client.post(reverse("accounts:membership_start"), {"user": org.reception_a.pk, "team": org.sales_team_a.pk})

    assert added.status_code == 302
    assert [m.team for m in Membership.objects.filter(user=org.reception_a, ended_at__isnull=True)] == [
        org.sales_team_a
    ]


def test_creating_a_team_and_a_person(page_as, org):
    client = page_as(org.admin)
    team = client.post(reverse("accounts:team_create"),
                       {"name": "Accueil Marseille", "kind": "reception", "scope": "agency", "agency": org.agency_c.pk})  # fmt: skip
    person = client.post(reverse("accounts:user_create"),
                         {"username": "reception_c", "first_name": "Paul", "last_name": "Roux",
                          "password": "a-long-pass-phrase-42"})  # fmt: skip
    assert team.status_code == 302 and person.status_code == 302
    page = client.get(reverse("accounts:organisation")).content.decode()
    assert "Accueil Marseille" in page and "Paul Roux" in page


def test_a_team_whose_unit_does_not_match_its_scope_is_refused_with_the_reason(page_as, org):
    response = page_as(org.admin).post(reverse("accounts:team_create"),
                                       {"name": "Bancale", "kind": "billing", "scope": "region", "agency": org.agency_a.pk})  # fmt: skip
    assert response.status_code == 400
    assert response.context["team_form"].errors


def test_the_organisation_page_costs_the_same_queries_for_more_people(page_as, org, queries_of):
    client = page_as(org.admin)
    url = reverse("accounts:organisation")
    client.get(url)
    few = queries_of(lambda: client.get(url))
    for n in range(10):
        make_member(team=org.reception_team_a if n % 2 else org.billing_team_north)
    many = queries_of(lambda: client.get(url))
    assert many == few
    assert many <= 20


def test_switching_someone_off_shows_the_handover_then_does_it_once_confirmed(page_as, org):
    client = page_as(org.admin)
    url = reverse("accounts:user_deactivate", args=[org.sales_a.pk])

    shown = client.post(url)
    page = shown.content.decode()
    assert shown.status_code == 200
    assert 'id="handover-accounts"' in page and str(org.sales_a2) in page  # one account, a successor to choose
    assert User.objects.get(pk=org.sales_a.pk).is_active

    refused = client.post(url, {"handover_accounts": org.reception_a.pk, "confirm": "1"})
    assert refused.status_code == 400 and "no salesperson" in refused.content.decode()
    assert User.objects.get(pk=org.sales_a.pk).is_active

    done = client.post(url, {"handover_accounts": org.sales_a2.pk, "confirm": "1"})
    assert done.status_code == 302
    assert not User.objects.get(pk=org.sales_a.pk).is_active
    assert Client.objects.get(pk=org.client_a.pk).account_owner == org.sales_a2
    assert client.post(reverse("accounts:user_reactivate", args=[org.sales_a.pk])).status_code == 302
    assert User.objects.get(pk=org.sales_a.pk).is_active


def test_renaming_and_closing_units_from_the_page(page_as, org):
    client = page_as(org.admin)
    page = client.get(reverse("accounts:organisation")).content.decode()
    assert reverse("accounts:unit_rename", args=["agency", org.agency_c.pk]) in page

    renamed = client.post(reverse("accounts:unit_rename", args=["agency", org.agency_c.pk]), {"name": "Marseille Port"})
    assert renamed.status_code == 302
    assert Agency.objects.get(pk=org.agency_c.pk).name == "Marseille Port"
    assert (
        client.post(reverse("accounts:unit_rename", args=["agency", org.agency_c.pk]), {"name": ""}).status_code == 400
    )
    assert client.post(reverse("accounts:unit_rename", args=["planet", 1]), {"name": "X"}).status_code == 404

    confirming = client.post(reverse("accounts:unit_close", args=["agency", org.agency_c.pk]))
    assert confirming.status_code == 200 and Agency.objects.get(pk=org.agency_c.pk).is_active
    closed = client.post(reverse("accounts:unit_close", args=["agency", org.agency_c.pk]), {"confirm": "1"})
    assert closed.status_code == 302 and not Agency.objects.get(pk=org.agency_c.pk).is_active
    refused = client.post(reverse("accounts:unit_close", args=["region", org.north.pk]), {"confirm": "1"})
    assert refused.status_code == 409 and "Lille" in refused.content.decode()

    team_with_people = client.post(reverse("accounts:team_close", args=[org.reception_team_a.pk]))
    assert team_with_people.status_code == 409


def test_the_admin_sends_a_password_link_from_the_page(page_as, org, mailoutbox, django_capture_on_commit_callbacks):
    User.objects.filter(pk=org.reception_a.pk).update(email="agent@relais.example")
    client = page_as(org.admin)
    assert (
        reverse("accounts:user_password_reset", args=[org.reception_a.pk])
        in client.get(reverse("accounts:organisation")).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(reverse("accounts:user_password_reset", args=[org.reception_a.pk]))
    assert sent.status_code == 302
    assert mailoutbox[0].to == ["agent@relais.example"]


def test_the_organisation_pages_are_for_admins_only(page_as, org):
    client = page_as(org.manager_a)
    for url in (
        reverse("accounts:user_deactivate", args=[org.sales_a.pk]),
        reverse("accounts:user_reactivate", args=[org.sales_a.pk]),
        reverse("accounts:user_password_reset", args=[org.sales_a.pk]),
        reverse("accounts:unit_rename", args=["region", org.north.pk]),
        reverse("accounts:unit_close", args=["agency", org.agency_c.pk]),
        reverse("accounts:team_close", args=[org.sales_team_a.pk]),
    ):
        assert client.post(url, {"confirm": "1", "name": "X"}).status_code == 403
    assert Agency.objects.get(pk=org.agency_c.pk).is_active


def test_a_person_switched_off_is_signed_out_of_their_open_session(client, org):
    client.force_login(org.reception_a)
    assert client.get(reverse("crm:client_detail", args=[org.client_a.pk])).status_code == 200

    user_deactivate(actor=org.admin, user_id=org.reception_a.pk)
    response = client.get(reverse("crm:client_detail", args=[org.client_a.pk]))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_walk_a_successor_written_in_superscript_digits_is_a_400_not_a_500(page_as, org):
    """Walk: `handover_accounts=²` passed `str.isdigit` and `int` refused it (500)."""
    url = reverse("accounts:user_deactivate", args=[org.sales_a.pk])
    refused = page_as(org.admin).post(url, {"handover_accounts": "²", "confirm": "1"})
    assert refused.status_code == 400 and "Choose an active person." in refused.content.decode()
    assert User.objects.get(pk=org.sales_a.pk).is_active
