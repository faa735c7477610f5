"""The policy matrix: every persona × every action × every status, through the services.

The expected outcomes are written once, below, as two tables a person can read: one block per action,
one row per persona, one column per status of the item. A cell is what the service answers:

    ok   the action is done
    403  the person sees the item but may not take this action (`workflow.policy`)
    404  the person may not see the item at all (`workflow.selectors`): ids leak nothing
    409  the person may take the action, but not in this status (`workflow.transitions`)

The personas, all about a client of agency A (Lille):

    reception    reception team of agency A
    sender       sent the item from agency A's reception, has moved to agency B's since
    holder       holds the item (request: a billing agent; lead: the client's salesperson)
    team_member  another member of the item's team (billing; sales of agency A)
    team_lead    the lead of the item's team
    other_team   after-sales of the region: sees the client, works another kind of request
    manager      management team of agency A
    delegate     granted `manage_unit` on agency A directly, in no team (someone away)
    marketing    national marketing: reads clients, acts on nothing
    admin        superuser, in no team
    outsider     in no team at all

A request in status `new` has no holder, so there its holder is one more member of its team. Leads
have two `new` columns: held (routed to the account owner) and `new_unheld` (routed to agency A's
sales team, nobody holding it yet).

Each cell also checks the item's page: it offers the action exactly when the service accepts it.
The world is built once for the module (one item per status) and each cell runs in a savepoint
that is rolled back, so every cell starts from the same state.

Changed by issue 6 (DESIGN.md section 5: seeing is not acting): marketing, which only reads, could
reopen, comment on and count repeat contacts of any request it saw; those cells were `ok`.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction

from accounts import rights
from accounts.models import Team, User
from accounts.rights import SYSTEM
from accounts.services import delegate_grant, membership_start, person_reassign
from common.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from crm.models import Client
from tests.factories import (
    AgencyFactory,
    ClientFactory,
    ProductFactory,
    RegionFactory,
    UserFactory,
    make_member,
    make_team,
)
from workflow import services
from workflow.models import Category, Lead, LeadStatus, RequestStatus, RoutingRule, ServiceRequest
from workflow.policy import lead_actions_for, request_actions_for
from workflow.selectors import lead_get_for_user, request_get_for_user
from workflow.transitions import LEAD_TRANSITIONS, REQUEST_TRANSITIONS

REQUESTS = """
                 new  assigned  in_progress  waiting_client  resolved  closed  cancelled  requalified

claim  # only the request's team; 409 once someone holds it
  reception      403  403       403          403             403       403     403        403
  sender         403  403       403          403             403       403     403        403
  holder         ok   409       409          409             409       409     409        409
  team_member    ok   409       409          409             409       409     409        409
  team_lead      ok   409       409          409             409       409     409        409
  other_team     403  403       403          403             403       403     403        403
  manager        403  403       403          403             403       403     403        403
  delegate       403  403       403          403             403       403     403        403
  marketing      403  403       403          403             403       403     403        403
  admin          403  403       403          403             403       403     403        403
  outsider       404  404       404          404             404       404     404        404

assign
  reception      403  403       403          403             403       403     403        403
  sender         403  403       403          403             403       403     403        403
  holder         403  403       403          403             403       403     403        403
  team_member    403  403       403          403             403       403     403        403
  team_lead      ok   ok        ok           ok              409       409     409        409
  other_team     403  403       403          403             403       403     403        403
  manager        ok   ok        ok           ok              409       409     409        409
  delegate       ok   ok        ok           ok              409       409     409        409
  marketing      403  403       403          403             403       403     403        403
  admin          ok   ok        ok           ok              409       409     409        409
  outsider       404  404       404          404             404       404     404        404

start
  reception      403  403       403          403             403       403     403        403
  sender         403  403       403          403             403       403     403        403
  holder         409  ok        409          ok              409       409     409        409
  team_member    409  403       403          403             403       403     403        403
  team_lead      409  ok        409          ok              409       409     409        409
  other_team     403  403       403          403             403       403     403        403
  manager        409  ok        409          ok              409       409     409        409
  delegate       409  ok        409          ok              409       409     409        409
  marketing      403  403       403          403             403       403     403        403
  admin          409  ok        409          ok              409       409     409        409
  outsider       404  404       404          404             404       404     404        404

wait
  reception      403  403       403          403             403       403     403        403
  sender         403  403       403          403             403       403     403        403
  holder         409  ok        ok           409             409       409     409        409
  team_member    409  403       403          403             403       403     403        403
  team_lead      409  ok        ok           409             409       409     409        409
  other_team     403  403       403          403             403       403     403        403
  manager        409  ok        ok           409             409       409     409        409
  delegate       409  ok        ok           409             409       409     409        409
  marketing      403  403       403          403             403       403     403        403
  admin          409  ok        ok           409             409       409     409        409
  outsider       404  404       404          404             404       404     404        404

resolve
  reception      403  403       403          403             403       403     403        403
  sender         403  403       403          403             403       403     403        403
  holder         409  ok        ok           ok              409       409     409        409
  team_member    409  403       403          403             403       403     403        403
  team_lead      409  ok        ok           ok              409       409     409        409
  other_team     403  403       403          403             403       403     403        403
  manager        409  ok        ok           ok              409       409     409        409
  delegate       409  ok        ok           ok              409       409     409        409
  marketing      403  403       403          403             403       403     403        403
  admin          409  ok        ok           ok              409       409     409        409
  outsider       404  404       404          404             404       404     404        404

reopen  # whoever takes part; marketing only reads (it could reopen before issue 6)
  reception      409  409       409          409             ok        409     409        409
  sender         409  409       409          409             ok        409     409        409
  holder         409  409       409          409             ok        409     409        409
  team_member    409  409       409          409             ok        409     409        409
  team_lead      409  409       409          409             ok        409     409        409
  other_team     409  409       409          409             ok        409     409        409
  manager        409  409       409          409             ok        409     409        409
  delegate       409  409       409          409             ok        409     409        409
  marketing      403  403       403          403             403       403     403        403
  admin          409  409       409          409             ok        409     409        409
  outsider       404  404       404          404             404       404     404        404

close
  reception      403  403       403          403             403       403     403        403
  sender         409  409       409          409             ok        409     409        409
  holder         409  409       409          409             ok        409     409        409
  team_member    409  409       409          409             ok        409     409        409
  team_lead      409  409       409          409             ok        409     409        409
  other_team     403  403       403          403             403       403     403        403
  manager        409  409       409          409             ok        409     409        409
  delegate       409  409       409          409             ok        409     409        409
  marketing      403  403       403          403             403       403     403        403
  admin          409  409       409          409             ok        409     409        409
  outsider       404  404       404          404             404       404     404        404

transfer
  reception      403  403       403          403             403       403     403        403
  sender         403  403       403          403             403       403     403        403
  holder         ok   ok        ok           ok              409       409     409        409
  team_member    ok   ok        ok           ok              409       409     409        409
  team_lead      ok   ok        ok           ok              409       409     409        409
  other_team     403  403       403          403             403       403     403        403
  manager        ok   ok        ok           ok              409       409     409        409
  delegate       ok   ok        ok           ok              409       409     409        409
  marketing      403  403       403          403             403       403     403        403
  admin          ok   ok        ok           ok              409       409     409        409
  outsider       404  404       404          404             404       404     404        404

cancel
  reception      403  403       403          403             403       403     403        403
  sender         ok   ok        ok           ok              409       409     409        409
  holder         ok   ok        ok           ok              409       409     409        409
  team_member    ok   403       403          403             403       403     403        403
  team_lead      ok   ok        ok           ok              409       409     409        409
  other_team     403  403       403          403             403       403     403        403
  manager        ok   ok        ok           ok              409       409     409        409
  delegate       ok   ok        ok           ok              409       409     409        409
  marketing      403  403       403          403             403       403     403        403
  admin          ok   ok        ok           ok              409       409     409        409
  outsider       404  404       404          404             404       404     404        404

requalify
  reception      403  403       403          403             403       403     403        403
  sender         403  403       403          403             403       403     403        403
  holder         ok   ok        ok           ok              409       409     409        409
  team_member    ok   ok        ok           ok              409       409     409        409
  team_lead      ok   ok        ok           ok              409       409     409        409
  other_team     403  403       403          403             403       403     403        403
  manager        ok   ok        ok           ok              409       409     409        409
  delegate       ok   ok        ok           ok              409       409     409        409
  marketing      403  403       403          403             403       403     403        403
  admin          ok   ok        ok           ok              409       409     409        409
  outsider       404  404       404          404             404       404     404        404

comment  # idem: marketing could comment before issue 6
  reception      ok   ok        ok           ok              ok        409     409        409
  sender         ok   ok        ok           ok              ok        409     409        409
  holder         ok   ok        ok           ok              ok        409     409        409
  team_member    ok   ok        ok           ok              ok        409     409        409
  team_lead      ok   ok        ok           ok              ok        409     409        409
  other_team     ok   ok        ok           ok              ok        409     409        409
  manager        ok   ok        ok           ok              ok        409     409        409
  delegate       ok   ok        ok           ok              ok        409     409        409
  marketing      403  403       403          403             403       403     403        403
  admin          ok   ok        ok           ok              ok        409     409        409
  outsider       404  404       404          404             404       404     404        404

repeat_contact  # idem: marketing could count repeat contacts before issue 6
  reception      ok   ok        ok           ok              ok        409     409        409
  sender         ok   ok        ok           ok              ok        409     409        409
  holder         ok   ok        ok           ok              ok        409     409        409
  team_member    ok   ok        ok           ok              ok        409     409        409
  team_lead      ok   ok        ok           ok              ok        409     409        409
  other_team     ok   ok        ok           ok              ok        409     409        409
  manager        ok   ok        ok           ok              ok        409     409        409
  delegate       ok   ok        ok           ok              ok        409     409        409
  marketing      403  403       403          403             403       403     403        403
  admin          ok   ok        ok           ok              ok        409     409        409
  outsider       404  404       404          404             404       404     404        404
"""

LEADS = """
                 new  new_unheld  accepted  in_progress  won  lost  requalified

accept  # a lead's content: its holder, its team while unheld, its managers; 404 for everyone else
  reception      404  404         404       404          404  404   404
  sender         404  404         404       404          404  404   404
  holder         ok   ok          409       409          409  409   409
  team_member    404  ok          404       404          404  404   404
  team_lead      404  ok          404       404          404  404   404
  other_team     404  404         404       404          404  404   404
  manager        ok   ok          409       409          409  409   409
  delegate       ok   ok          409       409          409  409   409
  marketing      404  404         404       404          404  404   404
  admin          ok   ok          409       409          409  409   409
  outsider       404  404         404       404          404  404   404

start
  reception      404  404         404       404          404  404   404
  sender         404  404         404       404          404  404   404
  holder         409  403         ok        409          409  409   409
  team_member    404  403         404       404          404  404   404
  team_lead      404  403         404       404          404  404   404
  other_team     404  404         404       404          404  404   404
  manager        409  409         ok        409          409  409   409
  delegate       409  409         ok        409          409  409   409
  marketing      404  404         404       404          404  404   404
  admin          409  409         ok        409          409  409   409
  outsider       404  404         404       404          404  404   404

won
  reception      404  404         404       404          404  404   404
  sender         404  404         404       404          404  404   404
  holder         409  403         ok        ok           409  409   409
  team_member    404  403         404       404          404  404   404
  team_lead      404  403         404       404          404  404   404
  other_team     404  404         404       404          404  404   404
  manager        409  409         ok        ok           409  409   409
  delegate       409  409         ok        ok           409  409   409
  marketing      404  404         404       404          404  404   404
  admin          409  409         ok        ok           409  409   409
  outsider       404  404         404       404          404  404   404

lost
  reception      404  404         404       404          404  404   404
  sender         404  404         404       404          404  404   404
  holder         ok   403         ok        ok           409  409   409
  team_member    404  403         404       404          404  404   404
  team_lead      404  403         404       404          404  404   404
  other_team     404  404         404       404          404  404   404
  manager        ok   ok          ok        ok           409  409   409
  delegate       ok   ok          ok        ok           409  409   409
  marketing      404  404         404       404          404  404   404
  admin          ok   ok          ok        ok           409  409   409
  outsider       404  404         404       404          404  404   404

requalify
  reception      404  404         404       404          404  404   404
  sender         404  404         404       404          404  404   404
  holder         ok   ok          ok        ok           409  409   409
  team_member    404  ok          404       404          404  404   404
  team_lead      404  ok          404       404          404  404   404
  other_team     404  404         404       404          404  404   404
  manager        ok   ok          ok        ok           409  409   409
  delegate       ok   ok          ok        ok           409  409   409
  marketing      404  404         404       404          404  404   404
  admin          ok   ok          ok        ok           409  409   409
  outsider       404  404         404       404          404  404   404

reassign  # managers only (the delegate too)
  reception      404  404         404       404          404  404   404
  sender         404  404         404       404          404  404   404
  holder         403  403         403       403          403  403   403
  team_member    404  403         404       404          404  404   404
  team_lead      404  403         404       404          404  404   404
  other_team     404  404         404       404          404  404   404
  manager        ok   ok          ok        ok           409  409   409
  delegate       ok   ok          ok        ok           409  409   409
  marketing      404  404         404       404          404  404   404
  admin          ok   ok          ok        ok           409  409   409
  outsider       404  404         404       404          404  404   404

comment
  reception      404  404         404       404          404  404   404
  sender         404  404         404       404          404  404   404
  holder         ok   ok          ok        ok           409  409   409
  team_member    404  ok          404       404          404  404   404
  team_lead      404  ok          404       404          404  404   404
  other_team     404  404         404       404          404  404   404
  manager        ok   ok          ok        ok           409  409   409
  delegate       ok   ok          ok        ok           409  409   409
  marketing      404  404         404       404          404  404   404
  admin          ok   ok          ok        ok           409  409   409
  outsider       404  404         404       404          404  404   404
"""

PERSONAS = ("reception", "sender", "holder", "team_member", "team_lead", "other_team", "manager", "delegate",
            "marketing", "admin", "outsider")  # fmt: skip
OUTCOMES = {"ok", "403", "404", "409"}
COLUMN_STATUS = {"new_unheld": "new"}  # a column that is a status seen in a particular case


def parse_table(text: str) -> dict[tuple[str, str, str], str]:
    """{(action, persona, status): outcome} from a table above."""
    lines = [line.split("#")[0].split() for line in text.strip("\n").splitlines()]
    lines = [line for line in lines if line]
    statuses, rows = lines[0], lines[1:]
    table: dict[tuple[str, str, str], str] = {}
    action = ""
    for row in rows:
        if len(row) == 1:
            action = row[0]
            continue
        persona, cells = row[0], row[1:]
        assert len(cells) == len(statuses), f"{action}/{persona}: {len(cells)} cells for {len(statuses)} statuses"
        for status, outcome in zip(statuses, cells, strict=True):
            assert outcome in OUTCOMES, f"{action}/{persona}/{status}: unknown outcome {outcome!r}"
            table[(action, persona, status)] = outcome
    return table


def _statuses(text: str) -> list[str]:
    return text.strip("\n").splitlines()[0].split()


EXPECTED = {"request": parse_table(REQUESTS), "lead": parse_table(LEADS)}


# --- The world --------------------------------------------------------------------------------------------


@dataclass
class World:
    people: dict[str, dict[str, User]]  # kind → persona → person
    items: dict[str, dict[str, int]]  # kind → status → item id
    other_team: Team


def _build() -> World:
    north, south = RegionFactory(name="Nord", code="nord"), RegionFactory(name="Sud", code="sud")
    agency_a = AgencyFactory(name="Lille", code="lille", region=north)
    agency_b = AgencyFactory(name="Amiens", code="amiens", region=north)
    AgencyFactory(name="Marseille", code="marseille", region=south)
    reception_a = make_team(kind="reception", agency=agency_a)
    reception_b = make_team(kind="reception", agency=agency_b)
    sales_a = make_team(kind="sales", agency=agency_a)
    billing = make_team(kind="billing", region=north)
    after_sales = make_team(kind="after_sales", region=north)
    management_a = make_team(kind="management", agency=agency_a)
    marketing = make_team(kind="marketing")
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)

    def lead_of(team: Team, username: str) -> User:
        person = UserFactory(username=username)
        membership_start(actor=SYSTEM, user=person, team=team, is_lead=True)
        return person

    common = {
        "reception": make_member(team=reception_a, username="reception"),
        "sender": make_member(team=reception_a, username="sender"),
        "other_team": make_member(team=after_sales, username="after_sales"),
        "manager": make_member(team=management_a, username="manager"),
        "delegate": UserFactory(username="delegate"),
        "marketing": make_member(team=marketing, username="marketing"),
        "admin": admin,
        "outsider": UserFactory(username="outsider"),
    }
    delegate_grant(actor=admin, user=common["delegate"], agency=agency_a, perm=rights.MANAGE_UNIT)
    people = {
        "request": {
            **common,
            "holder": make_member(team=billing, username="billing_holder"),
            "team_member": make_member(team=billing, username="billing_member"),
            "team_lead": lead_of(billing, "billing_lead"),
        },
        "lead": {
            **common,
            "holder": make_member(team=sales_a, username="salesperson"),
            "team_member": make_member(team=sales_a, username="sales_member"),
            "team_lead": lead_of(sales_a, "sales_lead"),
        },
    }
    client = ClientFactory(name="Boulangerie Dupont", agency=agency_a, account_owner=people["lead"]["holder"])
    unowned = ClientFactory(name="Garage sans commercial", agency=agency_a)
    # After-sales also handles billing: the other team a request can be transferred to.
    Category.objects.create(code="billing", name="Billing", required_fields=["invoice_number"], response_hours=4,
                            resolution_hours=48, default_team_kind="billing", extra_team_kinds=["after_sales"])  # fmt: skip
    RoutingRule.objects.create(order=10, name="Leads to the owner", kind="lead", target_type="account_owner")
    RoutingRule.objects.create(order=20, name="Leads to the sales team", kind="lead", target_type="team_of_kind",
                               target_team_kind="sales", assignment="claim")  # fmt: skip
    items = {
        "request": _requests_in_every_status(people["request"], client),
        "lead": _leads_in_every_status(people["lead"], client, unowned),
    }
    # The sender moves on: from now on they are only the items' sender.
    sender = common["sender"]
    person_reassign(actor=admin, membership_id=sender.memberships.get().pk, to_team=reception_b)
    # Loaded as a request would load them, once: no cell changes anyone's rights (each is rolled back).
    fresh = User.objects.in_bulk([person.pk for personas in people.values() for person in personas.values()])
    people = {
        kind: {persona: fresh[person.pk] for persona, person in personas.items()} for kind, personas in people.items()
    }
    return World(people=people, items=items, other_team=after_sales)


def _requests_in_every_status(people: dict[str, User], client: Client) -> dict[str, int]:
    holder = people["holder"]

    def new() -> ServiceRequest:
        return services.service_request_create(
            sender=people["sender"], client_id=client.pk, category="billing", subject="Invoice too high",
            fields={"invoice_number": "F-1"}, confirm=True, reason="One request per status")  # fmt: skip

    def claimed() -> ServiceRequest:
        return services.service_request_claim(request_id=new().pk, user=holder)

    def resolved() -> ServiceRequest:
        return services.service_request_resolve(request_id=claimed().pk, user=holder, resolution="Credit note")

    makers: dict[str, Callable[[], ServiceRequest]] = {
        "new": new,
        "assigned": claimed,
        "in_progress": lambda: services.service_request_start(request_id=claimed().pk, user=holder),
        "waiting_client": lambda: services.service_request_wait(request_id=claimed().pk, user=holder),
        "resolved": resolved,
        "closed": lambda: services.service_request_close(request_id=resolved().pk, user=holder),
        "cancelled": lambda: services.service_request_cancel(request_id=claimed().pk, user=holder, reason="Twice"),
        "requalified": lambda: services.service_request_requalify(request_id=claimed().pk, user=holder,
                                                                  reason="A sale")[0],
    }  # fmt: skip
    items = {status: make().pk for status, make in makers.items()}
    assert {status: ServiceRequest.objects.get(pk=pk).status for status, pk in items.items()} == {
        status: status for status in items
    }
    return items


def _leads_in_every_status(people: dict[str, User], client: Client, unowned: Client) -> dict[str, int]:
    holder = people["holder"]
    product = ProductFactory()  # a won lead records the sale of its product

    def new(on: Client = client) -> Lead:
        return services.lead_create(sender=people["sender"], client_id=on.pk, subject="Wants fibre",
                                    product_id=product.pk)  # fmt: skip

    def accepted() -> Lead:
        return services.lead_accept(lead_id=new().pk, user=holder, potential_amount="1000", probability=50)

    makers: dict[str, Callable[[], Lead]] = {
        "new": new,
        "new_unheld": lambda: new(on=unowned),
        "accepted": accepted,
        "in_progress": lambda: services.lead_start(lead_id=accepted().pk, user=holder),
        "won": lambda: services.lead_won(lead_id=accepted().pk, user=holder),
        "lost": lambda: services.lead_lost(lead_id=new().pk, user=holder, reason="Went elsewhere"),
        "requalified": lambda: services.lead_requalify(lead_id=new().pk, user=holder, reason="Billing",
                                                       category="billing", fields={"invoice_number": "F-2"})[0],
    }  # fmt: skip
    items = {status: make().pk for status, make in makers.items()}
    leads = {status: Lead.objects.get(pk=pk) for status, pk in items.items()}
    assert {status: lead.status for status, lead in leads.items()} == {
        status: COLUMN_STATUS.get(status, status) for status in items
    }
    assert leads["new"].assignee == holder and leads["new_unheld"].assignee is None
    return items


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build()
        transaction.set_rollback(True)


# --- The actions, called as the doors call them -------------------------------------------------------

Call = Callable[[int, User, World], object]

REQUEST_CALLS: dict[str, Call] = {
    "claim": lambda pk, user, w: services.service_request_claim(request_id=pk, user=user),
    "assign": lambda pk, user, w: services.service_request_assign(
        request_id=pk, actor=user, assignee_id=w.people["request"]["team_member"].pk),
    "start": lambda pk, user, w: services.service_request_start(request_id=pk, user=user),
    "wait": lambda pk, user, w: services.service_request_wait(request_id=pk, user=user, note="Asked for the invoice"),
    "resolve": lambda pk, user, w: services.service_request_resolve(request_id=pk, user=user, resolution="Refunded"),
    "reopen": lambda pk, user, w: services.service_request_reopen(request_id=pk, user=user, reason="Still wrong"),
    "close": lambda pk, user, w: services.service_request_close(request_id=pk, user=user),
    "transfer": lambda pk, user, w: services.service_request_transfer(
        request_id=pk, user=user, team_id=w.other_team.pk, reason="Not billing"),
    "cancel": lambda pk, user, w: services.service_request_cancel(request_id=pk, user=user, reason="Duplicate"),
    "requalify": lambda pk, user, w: services.service_request_requalify(request_id=pk, user=user, reason="A sale"),
    "comment": lambda pk, user, w: services.service_request_comment(request_id=pk, user=user, body="Called back"),
    "repeat_contact": lambda pk, user, w: services.service_request_repeat_contact(request_id=pk, user=user),
}  # fmt: skip

LEAD_CALLS: dict[str, Call] = {
    "accept": lambda pk, user, w: services.lead_accept(lead_id=pk, user=user, potential_amount="1000", probability=50),
    "start": lambda pk, user, w: services.lead_start(lead_id=pk, user=user),
    "won": lambda pk, user, w: services.lead_won(lead_id=pk, user=user, amount="1200"),
    "lost": lambda pk, user, w: services.lead_lost(lead_id=pk, user=user, reason="Went elsewhere"),
    "requalify": lambda pk, user, w: services.lead_requalify(
        lead_id=pk, user=user, reason="Billing", category="billing", fields={"invoice_number": "F-3"}),
    "reassign": lambda pk, user, w: services.lead_reassign(
        lead_id=pk, actor=user, assignee_id=w.people["lead"]["team_member"].pk),
    "comment": lambda pk, user, w: services.lead_comment(lead_id=pk, user=user, body="Met them"),
}  # fmt: skip

CALLS = {"request": REQUEST_CALLS, "lead": LEAD_CALLS}
TRANSITIONS = {"request": REQUEST_TRANSITIONS, "lead": LEAD_TRANSITIONS}


def outcome_of(call: Callable[[], object]) -> str:
    """What the service answered, as a cell of the table; anything else (400, a crash) fails the test."""
    try:
        call()
    except PermissionDenied:
        return "403"
    except NotFound:
        return "404"
    except Conflict:
        return "409"
    except InvalidInput as error:  # the inputs above are valid: a 400 is a wrong cell, say which field
        return f"400 {error.fields}"
    return "ok"


def _cases():
    for kind, table in EXPECTED.items():
        for (action, persona, status), outcome in table.items():
            yield pytest.param(kind, action, persona, status, outcome, id=f"{kind}-{action}-{persona}-{status}")


def offered_on_the_page(kind: str, item_id: int, user: User) -> list[str]:
    """The actions the item's page offers this person (`workflow.policy`, as the views ask it)."""
    if kind == "request":
        return request_actions_for(user=user, request=request_get_for_user(user=user, request_id=item_id))
    return lead_actions_for(user=user, lead=lead_get_for_user(user=user, lead_id=item_id))


@pytest.mark.parametrize(("kind", "action", "persona", "status", "expected"), list(_cases()))
def test_the_service_answers_what_the_table_says(world, db, kind, action, persona, status, expected):
    item_id = world.items[kind][status]
    user = world.people[kind][persona]
    if expected != "404":
        # A button shown is an action the service accepts, and only those are shown.
        assert (action in offered_on_the_page(kind, item_id, user)) == (expected == "ok")
    assert outcome_of(lambda: CALLS[kind][action](item_id, user, world)) == expected


@pytest.mark.parametrize("kind", ["request", "lead"])
def test_the_table_covers_every_action_persona_and_status(kind):
    text = REQUESTS if kind == "request" else LEADS
    statuses = _statuses(text)
    expected_cells = {
        (action, persona, status) for action in TRANSITIONS[kind] for persona in PERSONAS for status in statuses
    }
    assert set(EXPECTED[kind]) == expected_cells
    assert set(CALLS[kind]) == set(TRANSITIONS[kind])


def test_every_status_of_each_kind_has_a_column():
    assert {COLUMN_STATUS.get(column, column) for column in _statuses(REQUESTS)} == set(RequestStatus.values)
    assert {COLUMN_STATUS.get(column, column) for column in _statuses(LEADS)} == set(LeadStatus.values)
