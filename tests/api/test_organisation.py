import pytest

from accounts.models import Membership, User
from trace.models import TraceEvent


def test_the_admin_moves_a_person_in_one_call_and_rights_follow_on_the_next_request(org, api_as, token_client):
    reception = token_client("reception_a")
    assert reception.get(f"/api/v1/clients/{org.client_a.pk}/").status_code == 200
    assert reception.get(f"/api/v1/clients/{org.client_b.pk}/").status_code == 404
    admin = api_as(org.admin)
    current = admin.get("/api/v1/memberships/", {"user": org.reception_a.pk}).json()["results"]
    assert [m["team"] for m in current] == [org.reception_team_a.pk]

    moved = admin.post(f"/api/v1/memberships/{current[0]['id']}/reassign/", {"team": org.reception_team_b.pk})

    assert moved.status_code == 201
    assert moved.json()["team"] == org.reception_team_b.pk
    assert reception.get(f"/api/v1/clients/{org.client_a.pk}/").status_code == 404
    assert reception.get(f"/api/v1/clients/{org.client_b.pk}/").status_code == 200
    history = admin.get("/api/v1/memberships/", {"user": org.reception_a.pk}).json()["results"]
    periods = {m["team"]: m for m in history}
    assert set(periods) == {org.reception_team_a.pk, org.reception_team_b.pk}
    assert periods[org.reception_team_a.pk]["ended_at"] is not None
    assert periods[org.reception_team_b.pk]["ended_at"] is None
    assert TraceEvent.objects.filter(action="accounts.person.reassigned", actor=org.admin).exists()


def test_only_an_admin_reassigns_people(org, api_as):
    membership = Membership.objects.get(user=org.reception_a, ended_at__isnull=True)
    for someone in (org.reception_a, org.manager_a):
        response = api_as(someone).post(f"/api/v1/memberships/{membership.pk}/reassign/",
                                        {"team": org.reception_team_b.pk})  # fmt: skip
        assert response.status_code == 403
    assert Membership.objects.get(pk=membership.pk).ended_at is None


def test_reassigning_an_unknown_membership_or_to_an_unknown_team(org, api_as):
    admin = api_as(org.admin)
    assert admin.post("/api/v1/memberships/999999/reassign/", {"team": org.reception_team_b.pk}).status_code == 404
    membership = Membership.objects.get(user=org.reception_a, ended_at__isnull=True)
    response = admin.post(f"/api/v1/memberships/{membership.pk}/reassign/", {"team": 999999})
    assert response.status_code == 400
    assert "team" in response.json()


def test_ending_a_membership_keeps_it_in_the_history_and_twice_is_a_conflict(org, api_as):
    admin = api_as(org.admin)
    membership = Membership.objects.get(user=org.sales_a2, ended_at__isnull=True)
    ended = admin.post(f"/api/v1/memberships/{membership.pk}/end/")
    assert ended.status_code == 200
    assert ended.json()["ended_at"] is not None
    assert admin.post(f"/api/v1/memberships/{membership.pk}/end/").status_code == 409
    listed = admin.get("/api/v1/memberships/", {"team": org.sales_team_a.pk, "open": "false"}).json()["results"]
    assert [m["user"] for m in listed] == [org.sales_a2.pk]


def test_the_admin_adds_a_person_to_a_team(org, api_as):
    admin = api_as(org.admin)
    response = admin.post("/api/v1/memberships/", {"user": org.outsider.pk, "team": org.reception_team_b.pk})
    assert response.status_code == 201
    assert (
        admin.post("/api/v1/memberships/", {"user": org.outsider.pk, "team": org.reception_team_b.pk}).status_code
        == 409
    )


def test_the_admin_builds_the_organisation_and_each_step_is_traced(org, api_as):
    admin = api_as(org.admin)
    region = admin.post("/api/v1/regions/", {"name": "Est", "code": "est"})
    assert region.status_code == 201
    agency = admin.post("/api/v1/agencies/", {"name": "Metz", "code": "metz", "region": region.json()["id"]})
    assert agency.status_code == 201
    assert agency.json()["region"] == region.json()["id"]
    team = admin.post("/api/v1/teams/", {"name": "Accueil Metz", "kind": "reception", "scope": "agency",
                                         "agency": agency.json()["id"]}, format="json")  # fmt: skip
    assert team.status_code == 201
    assert team.json()["kind"] == "reception"
    person = admin.post("/api/v1/users/", {"username": "accueil_metz", "email": "metz@relais.example",
                                           "first_name": "Léa", "last_name": "Roy",
                                           "password": "a-long-pass-phrase"}, format="json")  # fmt: skip
    assert person.status_code == 201
    assert "password" not in person.json()
    assert User.objects.get(username="accueil_metz").check_password("a-long-pass-phrase")
    actions = set(TraceEvent.objects.values_list("action", flat=True))
    assert {"accounts.region.created", "accounts.agency.created", "accounts.team.created",
            "accounts.user.created"} <= actions  # fmt: skip


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [("/api/v1/regions/", {"name": "Nord bis", "code": "nord"}, "code"),
     ("/api/v1/teams/", {"name": "X", "kind": "billing", "scope": "national", "region": 0}, "scope"),
     ("/api/v1/teams/", {"name": "X", "kind": "janitor", "scope": "national"}, "kind"),
     ("/api/v1/users/", {"username": "reception_a"}, "username"),
     ("/api/v1/users/", {"username": "weak", "password": "1234"}, "password")],
)  # fmt: skip
def test_organisation_bad_input_names_the_field(org, api_as, path, body, field):
    if body.get("region") == 0:
        body["region"] = org.north.pk  # a national team names no region
    response = api_as(org.admin).post(path, body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_the_admin_switches_someones_access_off(org, api_as):
    response = api_as(org.admin).patch(f"/api/v1/users/{org.sales_a2.pk}/", {"is_active": False}, format="json")
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    event = TraceEvent.objects.get(action="accounts.user.deactivated")
    assert event.payload == {"user": org.sales_a2.pk}


def test_everyone_signed_in_reads_the_units_but_only_an_admin_changes_them(org, api_as):
    reception = api_as(org.reception_a)
    assert reception.get("/api/v1/regions/").json()["count"] == 2
    assert reception.get("/api/v1/agencies/", {"region": org.north.pk}).json()["count"] == 2
    teams = reception.get("/api/v1/teams/", {"agency": org.agency_a.pk}).json()["results"]
    assert {t["name"] for t in teams} == {"Accueil Lille", "Commerciaux Lille", "Direction Lille"}
    assert reception.post("/api/v1/regions/", {"name": "Est", "code": "est"}).status_code == 403
    assert (
        reception.post("/api/v1/agencies/", {"name": "Metz", "code": "metz", "region": org.north.pk}).status_code == 403
    )


def test_people_and_memberships_are_for_admins_only(org, api_as):
    manager = api_as(org.manager_a)
    assert manager.get("/api/v1/users/").status_code == 403
    assert manager.get(f"/api/v1/users/{org.reception_a.pk}/").status_code == 403
    assert manager.get("/api/v1/memberships/").status_code == 403
    assert manager.post("/api/v1/users/", {"username": "someone"}).status_code == 403
    listed = api_as(org.admin).get("/api/v1/users/").json()
    assert listed["count"] == User.objects.count()
    assert "password" not in listed["results"][0]
