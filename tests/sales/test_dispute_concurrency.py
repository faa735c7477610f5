"""Twenty managers decide the same dispute at the same instant: exactly one decision is taken (issue 9).

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
from trace.services import trace_verify
from workflow.models import CreditSet, Dispute
from workflow.services.disputes import dispute_decide, dispute_open
from workflow.services.sales import sale_record

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL: SQLite serialises writers, so there is no race to show",
    ),
]


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_decisions_one_taken_nineteen_conflicts(org, sales):
    managers = [org.manager_a] + [UserFactory() for _ in range(19)]
    for manager in managers[1:]:
        membership_start(actor=org.admin, user=manager, team=org.management_team_a)
    sale = sale_record(actor=sales.telesales, client_id=org.client_a.pk, product_id=sales.fibre.pk, amount="2000",
                       channel="outbound_call")  # fmt: skip
    dispute = dispute_open(actor=org.reception_a, sale_id=sale.pk, reason="I spotted it first")
    start = threading.Barrier(len(managers))
    outcomes: list[str] = []
    lock = threading.Lock()

    def decide(index, manager):
        # Half uphold (each with its own split), half reject: whichever is first is the one that stands.
        upheld = index % 2 == 0
        credits = [{"person": org.reception_a.pk, "role": "initiator", "share": "40"},
                   {"person": sales.telesales.pk, "role": "closer", "share": str(40 - index % 5)},
                   {"person": org.sales_a.pk, "role": "account_owner", "share": str(20 + index % 5)}]  # fmt: skip
        try:
            start.wait(timeout=30)
            dispute_decide(dispute_id=dispute.pk, actor=manager, outcome="upheld" if upheld else "rejected",
                           reason=f"Decision {index}", credits=credits if upheld else None)  # fmt: skip
            result = f"won:{manager.pk}"
        except Conflict:
            result = "conflict"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=decide, args=pair) for pair in enumerate(managers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    winners = [o for o in outcomes if o.startswith("won")]
    assert len(outcomes) == 20
    assert len(winners) == 1 and outcomes.count("conflict") == 19
    decided = Dispute.objects.get(pk=dispute.pk)
    assert f"won:{decided.decided_by_id}" == winners[0]
    assert TraceEvent.objects.filter(action="workflow.dispute.decided").count() == 1
    assert CreditSet.objects.filter(sale=sale).count() == (2 if decided.status == "upheld" else 1)
    assert CreditSet.objects.filter(sale=sale, counts=True).count() == 1
    assert trace_verify().ok
