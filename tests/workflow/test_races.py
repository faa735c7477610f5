"""Twenty people act on one item at the same instant (issue 7, finding 3 and done 4): the database decides.

- claim against transfer: whatever the order the database serialises them in, nobody ends up
  holding a request outside its team (the claim also requires the claimer's team; the transfer locks
  the row);
- twenty accepts of one unheld lead: exactly one wins, the others get 409.

Real concurrency needs real connections and row locks: this runs on PostgreSQL (CI's second run).
"""

import threading
from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import connections

from accounts.services import membership_start
from common.errors import Conflict, NotFound, PermissionDenied
from tests.factories import ClientFactory, UserFactory
from trace.models import TraceEvent
from workflow.models import Lead, ServiceRequest
from workflow.routing import team_members
from workflow.services import (
    lead_accept,
    lead_create,
    service_request_claim,
    service_request_create,
    service_request_transfer,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL: SQLite serialises writers, so there is no race to show",
    ),
]

ACTORS = 20
ROUNDS = 5


def at_once(calls: list[Callable[[], object]]) -> list[str]:
    """Run the calls in threads released together; each answers "ok", or the error's class name."""
    start = threading.Barrier(len(calls))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(call):
        try:
            start.wait(timeout=30)
            call()
            result = "ok"
        except (Conflict, PermissionDenied, NotFound) as error:
            result = type(error).__name__
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == len(calls), "a thread hung"
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_finding_03_claim_against_transfer_never_leaves_a_holder_outside_the_requests_team(org, wf):
    # Ten billing agents claim while ten of their colleagues transfer the request to after-sales.
    billing = [org.billing_north] + [UserFactory() for _ in range(ACTORS - 1)]
    for agent in billing[1:]:
        membership_start(actor=org.admin, user=agent, team=org.billing_team_north)
    claimers, transferers = billing[: ACTORS // 2], billing[ACTORS // 2 :]
    after_sales = org.after_sales_team_north.pk
    for round_ in range(ROUNDS):
        client = ClientFactory(agency=org.agency_a)
        request = service_request_create(sender=org.reception_a, client_id=client.pk, category="billing",
                                         subject=f"Invoice {round_}", fields={"invoice_number": "F-1"})  # fmt: skip
        pk = request.pk
        calls = [lambda agent=agent, pk=pk: service_request_claim(request_id=pk, user=agent) for agent in claimers]
        calls += [lambda agent=agent, pk=pk: service_request_transfer(request_id=pk, user=agent, team_id=after_sales,
                                                                      reason="A fault")
                  for agent in transferers]  # fmt: skip

        outcomes = at_once(calls)

        request = ServiceRequest.objects.select_related("team").get(pk=request.pk)
        assert request.team_id in (org.billing_team_north.pk, org.after_sales_team_north.pk)
        holder_ok = request.assignee_id is None or request.assignee_id in {m.pk for m in team_members(request.team)}
        assert holder_ok, f"round {round_}: held by {request.assignee} in {request.team} ({outcomes})"
        transfers = TraceEvent.objects.filter(action="workflow.request.transferred", object_id=str(request.pk))
        claims = TraceEvent.objects.filter(action="workflow.request.claimed", object_id=str(request.pk))
        assert transfers.count() <= 1 and claims.count() <= 1
        assert outcomes.count("ok") == transfers.count() + claims.count()
        assert request.transfer_count == transfers.count()


@pytest.mark.django_db(transaction=True)
def test_finding_03_twenty_simultaneous_accepts_of_one_lead_one_wins_the_others_409(org, wf):
    # A client without an account owner: the lead lands unheld in the agency's sales team.
    client = ClientFactory(agency=org.agency_a, account_owner=None)
    sellers = [org.sales_a, org.sales_a2] + [UserFactory() for _ in range(ACTORS - 2)]
    for seller in sellers[2:]:
        membership_start(actor=org.admin, user=seller, team=org.sales_team_a)
    lead = lead_create(sender=org.reception_a, client_id=client.pk, subject="Fibre for 3 sites")
    assert (lead.team, lead.assignee) == (org.sales_team_a, None)

    outcomes = at_once([
        lambda seller=seller: lead_accept(lead_id=lead.pk, user=seller, potential_amount="5000", probability=40)
        for seller in sellers
    ])  # fmt: skip

    # One wins. A colleague who waited for the row's lock is told someone was first (409); one whose
    # request reached the server after the winner committed no longer sees the lead at all, as the
    # policy matrix says of a held lead for the rest of its team (404: a lead's content is its holder's).
    assert outcomes.count("ok") == 1, outcomes
    assert set(outcomes) <= {"ok", "Conflict", "NotFound"}, outcomes
    lead = Lead.objects.get(pk=lead.pk)
    assert lead.status == "accepted" and lead.assignee_id in {seller.pk for seller in sellers}
    assert TraceEvent.objects.filter(action="workflow.lead.accepted", object_id=str(lead.pk)).count() == 1


@pytest.mark.django_db(transaction=True)
def test_finding_05_twenty_agents_matching_one_public_message_open_one_item(org, wf):
    from tests.factories import make_member
    from workflow.models import Intake
    from workflow.services.intake import intake_match, intake_submit

    agents = [org.reception_a] + [make_member(team=org.reception_team_a) for _ in range(ACTORS - 1)]
    intake = intake_submit(channel="web", name="Claire", email="claire@example.org", subject="Hi", kind="lead",
                           agency_code=org.agency_a.code)  # fmt: skip

    outcomes = at_once([
        lambda agent=agent: intake_match(actor=agent, intake_id=intake.pk, client_id=org.client_a.pk)
        for agent in agents
    ])  # fmt: skip

    assert sorted(outcomes) == ["Conflict"] * (ACTORS - 1) + ["ok"], outcomes
    assert Lead.objects.filter(client=org.client_a).count() == 1
    assert Intake.objects.get(pk=intake.pk).status == "matched"
    assert TraceEvent.objects.filter(action="workflow.intake.matched").count() == 1
