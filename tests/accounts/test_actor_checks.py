"""Every write to the organisation checks who acts, whatever door calls it (issue 6).

Organisation admins, or the system acting by itself (`SYSTEM`, for commands such as `seed_demo`); anyone
else, or nobody named, is refused with 403 before anything is written or traced.
"""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from accounts import rights
from accounts.models import Agency, AgencyUserObjectPermission, Membership, Region, Team, User
from accounts.rights import SYSTEM
from accounts.services import (
    agency_close,
    agency_create,
    agency_update,
    delegate_grant,
    delegate_revoke,
    membership_end,
    membership_start,
    person_reassign,
    region_close,
    region_create,
    region_update,
    team_close,
    team_create,
    team_update,
    user_create,
    user_deactivate,
    user_reactivate,
    user_send_password_reset,
    user_set_language,
    user_update,
)
from common.errors import InvalidInput, PermissionDenied
from trace.models import TraceEvent


def _open_membership(org, user: User) -> Membership:
    return Membership.objects.get(user=user, ended_at__isnull=True)


# Each write, with valid input: only the actor decides whether it happens.
WRITES: dict[str, Callable] = {
    "region_create": lambda org, actor: region_create(actor=actor, name="Est", code="est"),
    "agency_create": lambda org, actor: agency_create(actor=actor, name="Arras", code="arras", region=org.north),
    "team_create": lambda org, actor: team_create(actor=actor, name="SAV Sud", kind="after_sales", scope="region",
                                                  region=org.south),
    "user_create": lambda org, actor: user_create(actor=actor, username="newcomer"),
    "user_update": lambda org, actor: user_update(actor=actor, user_id=org.reception_a.pk, is_active=False),
    "membership_start": lambda org, actor: membership_start(actor=actor, user=org.outsider, team=org.sales_team_a),
    "membership_end": lambda org, actor: membership_end(
        actor=actor, membership_id=_open_membership(org, org.reception_a).pk),
    "person_reassign": lambda org, actor: person_reassign(
        actor=actor, membership_id=_open_membership(org, org.reception_a).pk, to_team=org.reception_team_b),
    "delegate_grant": lambda org, actor: delegate_grant(actor=actor, user=org.sales_a2, agency=org.agency_a,
                                                        perm=rights.MANAGE_UNIT),
    "delegate_revoke": lambda org, actor: delegate_revoke(actor=actor, user=org.sales_a, agency=org.agency_a,
                                                          perm=rights.VIEW_DASHBOARDS),
    "region_update": lambda org, actor: region_update(actor=actor, region_id=org.south.pk, name="Midi"),
    "agency_update": lambda org, actor: agency_update(actor=actor, agency_id=org.agency_c.pk, name="Marseille Port"),
    "team_update": lambda org, actor: team_update(actor=actor, team_id=org.sales_team_a.pk, name="Vente Lille"),
    "agency_close": lambda org, actor: agency_close(actor=actor, agency_id=org.agency_c.pk),
    "region_close": lambda org, actor: region_close(actor=actor, region_id=Region.objects.get(code="empty").pk),
    "team_close": lambda org, actor: team_close(actor=actor, team_id=Team.objects.get(name="Vide").pk),
    "user_deactivate": lambda org, actor: user_deactivate(actor=actor, user_id=org.sales_a.pk),
    "user_reactivate": lambda org, actor: user_reactivate(actor=actor, user_id=org.outsider.pk),
    "user_send_password_reset": lambda org, actor: user_send_password_reset(actor=actor, user_id=org.reception_a.pk),
}  # fmt: skip


def _organisation_state() -> tuple:
    """Everything an organisation write could change, to show that a refused one changed nothing."""
    return (
        TraceEvent.objects.count(),
        Region.objects.count(),
        Agency.objects.count(),
        Team.objects.count(),
        sorted(User.objects.values_list("username", "is_active", "first_name")),
        sorted(Region.objects.values_list("name", "is_active")),
        sorted(Agency.objects.values_list("name", "is_active")),
        sorted(Team.objects.values_list("name", "is_active")),
        sorted(Membership.objects.values_list("pk", "user_id", "team_id", "ended_at")),
        sorted(AgencyUserObjectPermission.objects.values_list("user_id", "content_object_id", "permission_id")),
    )


@pytest.fixture
def revocable(org):
    """A grant for `delegate_revoke` to take back; an empty team to close; someone switched off and an
    address for the writes that need them."""
    delegate_grant(actor=org.admin, user=org.sales_a, agency=org.agency_a, perm=rights.VIEW_DASHBOARDS)
    team_create(actor=org.admin, name="Vide", kind="billing", scope="region", region=org.south)
    Region.objects.create(name="Vide", code="empty")
    User.objects.filter(pk=org.outsider.pk).update(is_active=False)
    User.objects.filter(pk=org.reception_a.pk).update(email="agent@relais.example")


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("who", ["manager_a", "reception_a", "outsider", "nobody", "anonymous"])
def test_every_organisation_write_refuses_anyone_but_an_admin_and_traces_nothing(org, revocable, write, who):
    actor = {"nobody": None, "anonymous": AnonymousUser()}[who] if who in ("nobody", "anonymous") else getattr(org, who)
    before = _organisation_state()

    with pytest.raises(PermissionDenied) as refused:
        WRITES[write](org, actor)

    assert refused.value.message  # the 403 says why
    assert _organisation_state() == before


@pytest.mark.parametrize("write", WRITES)
def test_every_organisation_write_is_done_for_an_admin_and_traced(org, revocable, write):
    events = TraceEvent.objects.count()
    WRITES[write](org, org.admin)
    assert TraceEvent.objects.count() > events
    assert TraceEvent.objects.order_by("-pk").first().actor_id == org.admin.pk


def test_the_system_acting_by_itself_is_accepted_and_traced_without_an_actor(db):
    region = region_create(actor=SYSTEM, name="Est", code="est")
    event = TraceEvent.objects.get(action="accounts.region.created", object_id=str(region.pk))
    assert event.actor_id is None


def test_an_inactive_superuser_is_no_admin(org):
    User.objects.filter(pk=org.admin.pk).update(is_active=False)
    with pytest.raises(PermissionDenied):
        region_create(actor=User.objects.get(pk=org.admin.pk), name="Est", code="est")


def test_a_person_sets_their_own_language_and_nobody_elses(org):
    assert user_set_language(actor=org.reception_a, language="en").language == "en"
    assert User.objects.get(pk=org.reception_a.pk).language == "en"
    with pytest.raises(PermissionDenied):
        user_set_language(actor=AnonymousUser(), language="en")
    with pytest.raises(InvalidInput) as error:
        user_set_language(actor=org.reception_a, language="xx")
    assert "language" in error.value.fields


def test_the_api_and_the_pages_refuse_with_the_same_check(org, api_as, page_as):
    response = api_as(org.manager_a).post("/api/v1/regions/", {"name": "Est", "code": "est"})
    assert response.status_code == 403
    assert response.json()["detail"] == "Only an organisation administrator can do this."
    assert api_as(org.manager_a).get("/api/v1/regions/").status_code == 200  # reading stays open
    assert page_as(org.manager_a).get(reverse("accounts:organisation")).status_code == 403
    assert not Region.objects.filter(code="est").exists()
