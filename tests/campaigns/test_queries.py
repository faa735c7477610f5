"""Done 9.7: the call list, the campaigns and the potentials lists (pages and API) cost the same queries for a few
rows or many."""

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.campaigns.conftest import new_campaign
from tests.factories import ClientFactory
from workflow.models_campaigns import Campaign
from workflow.services.calls import target_record_outcome, target_take_next
from workflow.services.campaigns import campaign_close
from workflow.services.potentials import potential_create, potential_explore


def _world(org, sales, camp, clients: int):
    """`clients` more accounts, each with two potentials (one explored), and a new campaign over all the north,
    launched, with a few calls made; the previous campaign closed so its clients join the new list."""
    for number in range(clients):
        client = ClientFactory(name=f"Compte {number}", agency=org.agency_a, account_owner=org.sales_a)
        for days in (5, 9):
            potential = potential_create(actor=camp.marketing, client_id=client.pk, product_id=sales.mobile.pk,
                                         deadline=timezone.localdate() + timedelta(days=days), amount="100")  # fmt: skip
        potential_explore(actor=org.sales_a, potential_id=potential.pk, outcome="no_potential")
    for campaign in Campaign.objects.filter(status="running"):
        campaign_close(actor=camp.marketing, campaign_id=campaign.pk)
    campaign = new_campaign(actor=camp.marketing, team=sales.telemarketing_team, product=sales.mobile,
                            region=org.north.pk)  # fmt: skip
    for outcome in ("not_reachable", "not_interested"):
        target = target_take_next(actor=sales.telemarketing, campaign_id=campaign.pk)
        target_record_outcome(actor=sales.telemarketing, target_id=target.pk, outcome=outcome)
    return campaign


def _page_costs(org, sales, camp, campaign, queries_of) -> dict[str, int]:
    pages = {
        "campaigns": (camp.marketing, reverse("workflow:campaigns")),
        "campaign": (camp.marketing, reverse("workflow:campaign-detail", args=[campaign.pk])),
        "call list (agent)": (sales.telemarketing, reverse("workflow:campaign-detail", args=[campaign.pk])),
        "call lists": (sales.telemarketing, reverse("workflow:call-lists")),
        "my potentials": (org.sales_a, reverse("workflow:potentials")),
        "potentials (manager)": (org.manager_a, reverse("workflow:potentials") + "?view=scope"),
        "potentials (marketing)": (camp.marketing_north, reverse("workflow:potentials") + "?view=scope"),
    }
    costs = {}
    for name, (user, url) in pages.items():
        page = Client()
        page.force_login(user)
        assert page.get(url).status_code == 200
        costs[name] = queries_of(lambda page=page, url=url: page.get(url))
    return costs


def test_campaign_call_list_and_potential_pages(org, sales, camp, wf, queries_of):
    few = _page_costs(org, sales, camp, _world(org, sales, camp, 2), queries_of)
    many = _page_costs(org, sales, camp, _world(org, sales, camp, 12), queries_of)
    assert many == few
    print("\npages:", few)


def _api_costs(org, sales, camp, campaign, queries_of_list) -> dict[str, int]:
    calls = {
        "campaigns": (camp.marketing, "/api/v1/campaigns/"),
        "targets": (sales.telemarketing, f"/api/v1/campaigns/{campaign.pk}/targets/"),
        "my potentials": (org.sales_a, "/api/v1/potentials/"),
        "potentials (manager)": (org.manager_a, "/api/v1/potentials/?which=scope"),
    }
    return {name: queries_of_list(user, path) for name, (user, path) in calls.items()}


def test_campaign_target_and_potential_lists_through_the_api(org, sales, camp, wf, queries_of_list):
    few = _api_costs(org, sales, camp, _world(org, sales, camp, 2), queries_of_list)
    many = _api_costs(org, sales, camp, _world(org, sales, camp, 12), queries_of_list)
    assert many == few
    print("\napi:", few)
