"""Twenty agents ask for their next call at the same instant: each gets a different target (issue 9).

Real concurrency needs real connections and row locks, so this runs on PostgreSQL (CI's second run);
SQLite serialises every writer (its transactions begin as writers), so the conditional UPDATE that
takes a target is decided one at a time there.
"""

import threading

import pytest
from django.conf import settings
from django.db import connections

from accounts.services import membership_start
from tests.campaigns.conftest import new_campaign
from tests.factories import ClientFactory, UserFactory
from workflow.models_campaigns import CampaignTarget
from workflow.services.calls import target_take_next
from workflow.services.campaigns import campaign_launch

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL: SQLite serialises writers, so there is no race to show",
    ),
]


def _run_at_once(count: int, work) -> list:
    start = threading.Barrier(count)
    results: list = []
    lock = threading.Lock()

    def run(index):
        try:
            start.wait(timeout=30)
            result = work(index)
        except Exception as error:  # noqa: BLE001 - reported in the results, asserted below
            result = error
        finally:
            connections.close_all()
        with lock:
            results.append(result)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_twenty_agents_taking_the_next_target_never_get_the_same(org, sales, camp):
    for number in range(25):
        ClientFactory(name=f"Cible {number}", agency=org.agency_a, account_owner=org.sales_a)
    agents = [sales.telemarketing] + [UserFactory() for _ in range(19)]
    for agent in agents[1:]:
        membership_start(actor=org.admin, user=agent, team=sales.telemarketing_team)
    campaign = new_campaign(actor=camp.marketing, team=sales.telemarketing_team, product=sales.mobile,
                            region=org.north.pk)  # fmt: skip
    assert campaign.targets_total >= 25

    results = _run_at_once(20, lambda index: target_take_next(actor=agents[index], campaign_id=campaign.pk).pk)
    assert all(isinstance(result, int) for result in results), results
    assert len(set(results)) == 20
    held = CampaignTarget.objects.filter(campaign=campaign, taken_by__isnull=False)
    assert held.count() == 20 and len(set(held.values_list("taken_by", flat=True))) == 20


@pytest.mark.django_db(transaction=True)
def test_two_launches_at_once_put_each_client_on_one_list(org, sales, camp):
    for number in range(30):
        ClientFactory(name=f"Cible {number}", agency=org.agency_a, account_owner=org.sales_a)
    drafts = [new_campaign(actor=camp.marketing, team=sales.telemarketing_team, product=sales.mobile,
                           region=org.north.pk, launch=False) for _ in range(4)]  # fmt: skip
    results = _run_at_once(4, lambda index: campaign_launch(actor=camp.marketing, campaign_id=drafts[index].pk))
    assert not [result for result in results if isinstance(result, Exception)], results
    active = CampaignTarget.objects.filter(is_active=True)
    assert active.count() == len(set(active.values_list("client_id", flat=True))) == 30 + len(camp.north_clients)
    assert sum(result.targets_total for result in results) == active.count()
