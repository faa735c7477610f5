"""The world the permission matrix is checked in: one object of each kind at each place, one person per role.

Every role works in Lille (agency A, region Nord), so each object exists three times: at Lille (the
role's own agency), at Amiens (another agency of the same region) and at Marseille (another region).
The regional back office (billing Nord) covers Lille and Amiens. Built on tests/conftest.py's `org`
and the workflow's `wf`.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from accounts import rights
from accounts.models import User
from accounts.services import delegate_grant
from crm.models import Contact
from crm.services import interaction_log
from reporting.alerts import _raise
from reporting.models import Job, JobStatus
from reporting.scopes import load_unit
from reporting.services import alert_rule_create, objective_set
from tests.factories import ProductFactory, UserFactory, make_member, make_team
from workflow import services
from workflow.models import Notification
from workflow.models_campaigns import PotentialImport
from workflow.services.campaigns import campaign_create, campaign_launch
from workflow.services.disputes import dispute_open
from workflow.services.intake import intake_submit
from workflow.services.potentials import potential_create
from workflow.services.sales import sale_record

SAME_AGENCY, OTHER_AGENCY, OTHER_REGION = "same agency", "other agency", "other region"
PLACES = (SAME_AGENCY, OTHER_AGENCY, OTHER_REGION)


@dataclass
class World:
    people: dict[str, User | None]
    # kind of object -> place -> id
    ids: dict[str, dict[str, int]] = field(default_factory=dict)


def build_world(org, wf) -> World:
    billing_south = make_team(kind="billing", region=org.south, name="Facturation Sud")
    make_member(team=billing_south, username="billing_south")
    make_member(team=make_team(kind="sales", agency=org.agency_b), username="sales_b")
    make_member(team=make_team(kind="sales", agency=org.agency_c), username="sales_c")
    delegate = UserFactory(username="delegate_a")
    delegate_grant(actor=org.admin, user=delegate, agency=org.agency_a, perm=rights.VIEW_CLIENTS)
    people = {
        "reception": org.reception_a,
        "back_office": org.billing_north,
        "sales": org.sales_a,
        "telesales": make_member(team=make_team(kind="telesales", agency=org.agency_a), username="telesales_a"),
        "telemarketing": make_member(
            team=make_team(kind="telemarketing", agency=org.agency_a), username="telemarketing_a"
        ),  # fmt: skip
        "marketing": make_member(team=make_team(kind="marketing", agency=org.agency_a), username="marketing_a"),
        "manager": org.manager_a,
        "delegate": delegate,
        "admin": org.admin,
        "outsider": org.outsider,
        "anonymous": None,
    }
    fibre = ProductFactory(
        code="fibre",
        name="Fibre",
        family="internet",
        complexity="basic",
        direct_sale_channels=["inbound_call", "visit"],
    )
    world = World(people=people)
    clients = {SAME_AGENCY: org.client_a, OTHER_AGENCY: org.client_b, OTHER_REGION: org.client_c}
    agencies = {SAME_AGENCY: org.agency_a, OTHER_AGENCY: org.agency_b, OTHER_REGION: org.agency_c}
    for place, client in clients.items():
        put = lambda kind, pk, place=place: world.ids.setdefault(kind, {}).__setitem__(place, pk)  # noqa: E731
        put("client", client.pk)
        put("agency", agencies[place].pk)
        put("region", agencies[place].region_id)
        contact = Contact.objects.create(
            client=client, first_name="Léa", last_name="Roux", email=f"lea{client.pk}@x.fr"
        )
        put("contact", contact.pk)
        interaction = interaction_log(actor=None, client_id=client.pk, channel="inbound_call", direction="inbound",
                                      subject="Call", check_rights=False)  # fmt: skip
        put("interaction", interaction.pk)
        request = services.service_request_create(sender=None, client_id=client.pk, category="billing",
                                                  subject="Invoice", fields={"invoice_number": "F-1"},
                                                  check_rights=False)  # fmt: skip
        put("request", request.pk)
        lead = services.lead_create(sender=None, client_id=client.pk, subject="Fibre", check_rights=False)
        put("lead", lead.pk)
        sale = sale_record(actor=org.admin, client_id=client.pk, product_id=fibre.pk, amount="100", channel="visit")
        put("sale", sale.pk)
        put("dispute", dispute_open(actor=org.admin, sale_id=sale.pk, reason="Mine").pk)
        put("intake", intake_submit(channel="web", name="Web", email="w@x.fr", subject="Hi", kind="lead",
                                    agency_code=agencies[place].code).pk)  # fmt: skip
        put("team", {SAME_AGENCY: org.sales_team_a, OTHER_AGENCY: org.reception_team_b,
                     OTHER_REGION: billing_south}[place].pk)  # fmt: skip
        put("user", {SAME_AGENCY: org.sales_a2, OTHER_AGENCY: org.reception_b,
                     OTHER_REGION: User.objects.get(username="sales_c")}[place].pk)  # fmt: skip
        member = User.objects.get(pk=world.ids["user"][place])
        put("membership", member.memberships.order_by("pk").first().pk)
    for role, person in people.items():
        if person is not None:
            note = Notification.objects.create(recipient=person, key=f"k{person.pk}", verb="created",
                                               item_kind="lead", item_id=world.ids["lead"][SAME_AGENCY],
                                               client_id=org.client_a.pk)  # fmt: skip
            world.ids.setdefault("notification", {})[role] = note.pk
    _campaigns_and_reporting(world, org, fibre, billing_south)
    world.ids["category"] = {SAME_AGENCY: wf.billing.pk}
    world.ids["routing_rule"] = {SAME_AGENCY: wf.lead_to_owner.pk}
    world.ids["product"] = {SAME_AGENCY: fibre.pk}
    return world


def _campaigns_and_reporting(world: World, org, product, billing_south) -> None:
    """Campaigns (with their targets), potentials, objectives, alert rules and alerts at each place; an import
    and a reporting job of each person (seen by whoever started it). Written by the admin, who acts nationally."""
    admin, today = org.admin, timezone.localdate()
    telemarketing_a = world.people["telemarketing"].memberships.get().team
    callers = {SAME_AGENCY: telemarketing_a, OTHER_AGENCY: make_team(kind="telesales", agency=org.agency_b),
               OTHER_REGION: make_team(kind="telesales", agency=org.agency_c)}  # fmt: skip
    agencies = {SAME_AGENCY: org.agency_a, OTHER_AGENCY: org.agency_b, OTHER_REGION: org.agency_c}
    clients = {SAME_AGENCY: org.client_a, OTHER_AGENCY: org.client_b, OTHER_REGION: org.client_c}
    for place, agency in agencies.items():
        put = lambda kind, pk, place=place: world.ids.setdefault(kind, {}).__setitem__(place, pk)  # noqa: E731
        # Same agency and other agency: two campaigns of the north region; other region: the south's.
        campaign = campaign_create(actor=admin, name=f"Campagne {agency.code}", product_id=product.pk,
                                   starts_on=today, ends_on=today + timedelta(days=30), team_id=callers[place].pk,
                                   criteria={"agency": agency.pk})  # fmt: skip
        campaign = campaign_launch(actor=admin, campaign_id=campaign.pk)
        put("campaign", campaign.pk)
        put("target", campaign.targets.get(client=clients[place]).pk)
        client = clients[place]
        if client.account_owner_id is None:
            client.account_owner = User.objects.get(username={OTHER_AGENCY: "sales_b", OTHER_REGION: "sales_c"}[place])
            client.save(update_fields=["account_owner"])
        put("potential", potential_create(actor=admin, client_id=client.pk, deadline=today + timedelta(days=10),
                                          product_id=product.pk).pk)  # fmt: skip
        scope = f"agency:{agency.pk}"
        put("objective", objective_set(actor=admin, metric="sales_amount", period=f"{today:%Y-%m}", scope=scope,
                                       value="1000").pk)  # fmt: skip
        rule = alert_rule_create(actor=admin, name=f"Ventes {agency.code}", metric="sales_amount", scope=scope,
                                 comparison="lt", threshold="500")  # fmt: skip
        put("alert_rule", rule.pk)
        # Raised as the evaluation would (no facts here: an indicator without figures raises nothing).
        put("alert", _raise(rule, load_unit("agency", agency.pk), value=0, now=timezone.now()).pk)
    for role, person in world.people.items():
        if person is not None:
            imported = PotentialImport.objects.create(created_by=person, filename="p.csv", content="client\n")
            world.ids.setdefault("potential_import", {})[role] = imported.pk
            job = Job.objects.create(
                kind="export",
                created_by=person,
                status=JobStatus.DONE,
                result="a,b\n1,2\n",
                params={"table": "figures", "scope": "national", "period": f"{today:%Y-%m}"},
            )
            world.ids.setdefault("job", {})[role] = job.pk
