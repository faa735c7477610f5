"""Twenty agents click "claim" on the same request at the same instant: exactly one gets it.

Real concurrency needs real connections and row locks, so this runs on PostgreSQL (CI's second run);
SQLite serialises every writer and cannot show the race.
"""

import threading

import pytest
from django.conf import settings
from django.db import connections

from accounts.services import membership_start
from common.errors import Conflict
from tests.factories import UserFactory
from trace.models import TraceEvent
from workflow.models import ServiceRequest
from workflow.services import service_request_claim, service_request_create

pytestmark = [
    pytest.mark.postgres,
    # Decided before the database is set up: a transactional test on SQLite would flush the trace
    # table with DELETE, which its append-only trigger refuses.
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL: SQLite serialises writers, so there is no race to show",
    ),
]


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_claims_one_winner_nineteen_conflicts_one_trace_event(org, wf):
    agents = [org.billing_north] + [UserFactory() for _ in range(19)]
    for agent in agents[1:]:
        membership_start(actor=org.admin, user=agent, team=org.billing_team_north)
    request = service_request_create(sender=org.reception_a, client_id=org.client_a.pk, category="billing",
                                     subject="Invoice", fields={"invoice_number": "F-1"})  # fmt: skip
    start = threading.Barrier(len(agents))
    outcomes: list[str] = []
    lock = threading.Lock()

    def claim(agent):
        try:
            start.wait(timeout=30)
            service_request_claim(request_id=request.pk, user=agent)
            result = f"won:{agent.pk}"
        except Conflict:
            result = "conflict"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=claim, args=(agent,)) for agent in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    winners = [o for o in outcomes if o.startswith("won")]
    assert len(outcomes) == 20
    assert len(winners) == 1 and outcomes.count("conflict") == 19
    request.refresh_from_db()
    assert f"won:{request.assignee_id}" == winners[0]
    assert TraceEvent.objects.filter(action="workflow.request.claimed", object_id=str(request.pk)).count() == 1
    assert ServiceRequest.objects.get(pk=request.pk).status == "assigned"
