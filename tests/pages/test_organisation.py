from django.urls import reverse

from accounts.models import Membership
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
