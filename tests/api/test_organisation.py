import pytest

from accounts.models import Membership, Team, User
from tests.factories import make_team
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


# --- An editable organisation (issue 8 item 6) and handovers (item 2) --------------------------------------


def test_the_admin_renames_units_and_each_rename_is_traced(org, api_as):
    admin = api_as(org.admin)
    assert (
        admin.patch(f"/api/v1/regions/{org.north.pk}/", {"name": "Hauts-de-France"}).json()["name"] == "Hauts-de-France"
    )
    assert admin.patch(f"/api/v1/agencies/{org.agency_a.pk}/", {"name": "Lille Centre"}).json()["code"] == "lille"
    assert admin.patch(f"/api/v1/teams/{org.sales_team_a.pk}/", {"name": "Vente Lille"}).status_code == 200
    actions = set(TraceEvent.objects.values_list("action", flat=True))
    assert {"accounts.region.updated", "accounts.agency.updated", "accounts.team.updated"} <= actions
    assert admin.patch(f"/api/v1/teams/{org.sales_team_a.pk}/", {"name": ""}).status_code == 400
    assert admin.patch(f"/api/v1/teams/{org.sales_team_a.pk}/", {"name": "a\x00b"}).status_code == 400


def test_closing_units_asks_for_what_must_close_first(org, api_as):
    admin = api_as(org.admin)
    refused = admin.post(f"/api/v1/agencies/{org.agency_c.pk}/close/")
    assert refused.status_code == 200  # Marseille has no team of its own
    assert admin.post(f"/api/v1/agencies/{org.agency_c.pk}/close/").status_code == 409  # already closed
    region = admin.post(f"/api/v1/regions/{org.north.pk}/close/")
    assert region.status_code == 409 and set(region.json()["agencies"]) == {org.agency_a.pk, org.agency_b.pk}
    team = admin.post(f"/api/v1/teams/{org.reception_team_a.pk}/close/", {}, format="json")
    assert team.status_code == 409 and team.json()["members"] == 1
    closed_agency = admin.post("/api/v1/teams/", {"name": "X", "kind": "sales", "scope": "agency",
                                                  "agency": org.agency_c.pk}, format="json")  # fmt: skip
    assert closed_agency.status_code == 400 and "agency" in closed_agency.json()


def test_closing_a_team_with_queued_work_previews_then_hands_it_to_the_successor_team(org, api_as):
    from workflow.models import Category
    from workflow.services.requests import service_request_create

    Category.objects.create(code="fault", name="Fault", response_hours=2, resolution_hours=24,
                            default_team_kind="after_sales")  # fmt: skip
    request = service_request_create(sender=org.reception_a, client_id=org.client_a.pk, category="fault",
                                     subject="Line down")  # fmt: skip
    successor = make_team(kind="after_sales", agency=org.agency_a, name="SAV Lille")
    admin = api_as(org.admin)
    member = Membership.objects.get(user=org.after_sales_north)
    assert admin.post(f"/api/v1/memberships/{member.pk}/end/", {}, format="json").status_code == 200

    missing = admin.post(f"/api/v1/teams/{org.after_sales_team_north.pk}/close/", {}, format="json")
    assert missing.status_code == 400 and "successor_team" in missing.json()
    preview = admin.post(f"/api/v1/teams/{org.after_sales_team_north.pk}/close/",
                         {"successor_team": successor.pk, "preview": True}, format="json")  # fmt: skip
    assert preview.json()["handover"]["requests"] == {"count": 1, "to": "queue", "successor": None,
                                                      "target": "SAV Lille"}  # fmt: skip
    assert Team.objects.get(pk=org.after_sales_team_north.pk).is_active

    closed = admin.post(f"/api/v1/teams/{org.after_sales_team_north.pk}/close/",
                        {"successor_team": successor.pk}, format="json")  # fmt: skip
    assert closed.status_code == 200 and closed.json()["is_active"] is False
    request.refresh_from_db()
    assert request.team == successor


def test_reassign_with_a_handover_previews_then_moves_leads_and_accounts(org, api_as):
    from workflow.models import Lead
    from workflow.services.leads import lead_create

    lead = lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre")
    sales_b = make_team(kind="sales", agency=org.agency_b, name="Commerciaux Amiens")
    membership = Membership.objects.get(user=org.sales_a)
    admin = api_as(org.admin)
    body = {"team": sales_b.pk, "handover": {"leads": org.sales_a2.pk, "accounts": org.sales_a2.pk}}

    preview = admin.post(f"/api/v1/memberships/{membership.pk}/reassign/", {**body, "preview": True}, format="json")
    assert preview.status_code == 200
    assert preview.json()["handover"]["leads"]["count"] == 1
    assert Membership.objects.get(pk=membership.pk).ended_at is None

    done = admin.post(f"/api/v1/memberships/{membership.pk}/reassign/", body, format="json")
    assert done.status_code == 201
    assert done.json()["team"] == sales_b.pk
    assert done.json()["handover"]["accounts"] == {"count": 1, "to": "person", "successor": org.sales_a2.pk,
                                                   "target": str(org.sales_a2)}  # fmt: skip
    assert Lead.objects.get(pk=lead.pk).assignee == org.sales_a2


@pytest.mark.parametrize(
    "handover, status",
    [({"leads": 999999999}, 400), ({"leads": "x\x00"}, 400), ({"cars": None}, 201), ({"leads": 10**30}, 400)],
)
def test_odd_handover_input_is_a_400_or_ignored(org, api_as, handover, status):
    sales_b = make_team(kind="sales", agency=org.agency_b, name="Commerciaux Amiens")
    membership = Membership.objects.get(user=org.sales_a)
    response = api_as(org.admin).post(f"/api/v1/memberships/{membership.pk}/reassign/",
                                      {"team": sales_b.pk, "handover": handover}, format="json")  # fmt: skip
    assert response.status_code == status


def test_deactivate_reactivate_and_password_link_through_the_api(
    org, api_as, mailoutbox, django_capture_on_commit_callbacks
):
    admin = api_as(org.admin)
    refused = admin.patch(f"/api/v1/users/{org.sales_a.pk}/", {"is_active": False}, format="json")
    assert refused.status_code == 409 and refused.json()["handover"]["accounts"]["count"] == 1
    preview = admin.post(f"/api/v1/users/{org.sales_a.pk}/deactivate/", {"preview": True}, format="json")
    assert preview.status_code == 200 and preview.json()["handover"]["accounts"]["count"] == 1
    assert User.objects.get(pk=org.sales_a.pk).is_active
    off = admin.post(f"/api/v1/users/{org.sales_a.pk}/deactivate/", {"handover": {"accounts": org.sales_a2.pk}},
                     format="json")  # fmt: skip
    assert off.status_code == 200 and off.json()["is_active"] is False
    assert off.json()["handover"]["accounts"]["successor"] == org.sales_a2.pk
    assert admin.post(f"/api/v1/users/{org.sales_a.pk}/deactivate/", {}, format="json").status_code == 409
    assert admin.post(f"/api/v1/users/{org.sales_a.pk}/password-reset/").status_code == 409
    assert admin.post(f"/api/v1/users/{org.sales_a.pk}/reactivate/").json()["is_active"] is True
    assert admin.post(f"/api/v1/users/{org.sales_a.pk}/reactivate/").status_code == 409

    User.objects.filter(pk=org.sales_a.pk).update(email="")
    assert admin.post(f"/api/v1/users/{org.sales_a.pk}/password-reset/").status_code == 400  # no e-mail address
    User.objects.filter(pk=org.sales_a.pk).update(email="sophie@relais.example")
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail leaves once the change is committed
        sent = admin.post(f"/api/v1/users/{org.sales_a.pk}/password-reset/")
    assert sent.status_code == 202
    assert [mail.to for mail in mailoutbox] == [["sophie@relais.example"]]
    assert "/accounts/password-reset/" in mailoutbox[0].body
    assert TraceEvent.objects.filter(action="accounts.user.password_reset_sent").count() == 1


@pytest.mark.parametrize("who", ["reception_a", "manager_a", "outsider"])
def test_only_an_admin_edits_the_organisation(org, api_as, who):
    someone = api_as(getattr(org, who))
    membership = Membership.objects.get(user=org.sales_a)
    attempts = [
        someone.patch(f"/api/v1/regions/{org.north.pk}/", {"name": "X"}),
        someone.post(f"/api/v1/agencies/{org.agency_c.pk}/close/"),
        someone.post(f"/api/v1/teams/{org.sales_team_a.pk}/close/", {}),
        someone.post(f"/api/v1/users/{org.sales_a.pk}/deactivate/", {}),
        someone.post(f"/api/v1/users/{org.sales_a.pk}/reactivate/"),
        someone.post(f"/api/v1/users/{org.sales_a.pk}/password-reset/"),
        someone.post(f"/api/v1/memberships/{membership.pk}/end/", {"preview": True}),
    ]
    assert [response.status_code for response in attempts] == [403] * len(attempts)
    assert not TraceEvent.objects.filter(actor=getattr(org, who)).exists()


@pytest.mark.parametrize("path", ["regions", "agencies", "teams"])
def test_unknown_and_huge_ids_are_not_found(org, api_as, path):
    admin = api_as(org.admin)
    for pk in (999999, 2**63, 10**30):
        assert admin.patch(f"/api/v1/{path}/{pk}/", {"name": "X"}).status_code == 404
        assert admin.post(f"/api/v1/{path}/{pk}/close/", {}).status_code == 404
    assert admin.post(f"/api/v1/users/{10**30}/deactivate/", {}).status_code == 404
