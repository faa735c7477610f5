"""Done 5: the dashboard page and the indicators API answer in a number of queries that does not grow with
the number of people, units or days shown (measured at two sizes)."""

import random
from datetime import date, timedelta
from decimal import Decimal

import time_machine
from django.db import connection
from django.test import Client as PageClient
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import Team, User
from accounts.rights import sync_team_permissions
from reporting.models import Alert, AlertRule, DailyFact, Objective
from tests.factories import AgencyFactory, make_member, make_team
from tests.reporting.conftest import at

METRICS = ("leads_received", "leads_won", "leads_lost", "requests_opened", "backlog_requests", "lead_frt_le_60",
           "sales_amount")  # fmt: skip


def grow(org, *, agencies: int, people: int, days: int, seed: int) -> None:
    """Agencies in the north, each with a sales team of `people`, facts on `days` days, an objective and an alert."""
    rng = random.Random(seed)
    rule = AlertRule.objects.create(name="Backlog", metric="backlog", scope_kind="region", scope_id=org.north.pk,
                                    each="agency", comparison="gt", threshold=0)  # fmt: skip
    rows = []
    for index in range(agencies):
        agency = AgencyFactory(name=f"Agence {seed}-{index}", code=f"ag-{seed}-{index}", region=org.north)
        team = make_team(kind="sales", agency=agency, name=f"Vente {seed}-{index}")
        members = [make_member(team=team, username=f"v{seed}-{index}-{n}") for n in range(people)]
        Objective.objects.create(metric="leads_received", period="2027-01", scope_kind="agency", scope_id=agency.pk,
                                 value=10)  # fmt: skip
        Alert.objects.create(rule=rule, unit_kind="agency", unit_id=agency.pk, agency=agency, region=org.north,
                             value=3, raised_at=at(6, 8))  # fmt: skip
        for back in range(days):
            day = date(2027, 1, 6) - timedelta(days=back)
            for person in members:
                for metric in METRICS:
                    rows.append(DailyFact(day=day, metric=metric, person=person, team=team, agency=agency,
                                          region=org.north, value=Decimal(rng.randint(1, 5))))  # fmt: skip
    DailyFact.objects.bulk_create(rows)
    for regional in Team.objects.filter(region=org.north):  # as creating an agency through the services does
        sync_team_permissions(regional)


def count(user, path: str, *, api: bool) -> int:
    with time_machine.travel(at(6, 20), tick=False):
        client = APIClient() if api else PageClient()
        fresh = User.objects.get(pk=user.pk)  # no rights memoised from an earlier call
        if api:
            client.force_authenticate(fresh)
        else:
            client.force_login(fresh)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, response.content[:500]
        return len(captured)


def measure(org, manager) -> tuple[int, int, int, int]:
    north = f"region:{org.north.pk}"
    team = f"team:{org.sales_team_a.pk}"
    return (
        count(manager, f"/reporting/?scope={north}&period=2027-01", api=False),
        count(manager, f"/api/v1/reports/indicators/?scope={north}&period=2027-01&below=1", api=True),
        count(org.admin, f"/reporting/?scope={team}&period=2027-01", api=False),
        count(org.admin, f"/api/v1/reports/indicators/?scope={team}&period=2027-Q1&below=1", api=True),
    )


def test_query_counts_do_not_grow_with_units_people_or_days(org):
    manager = make_member(team=make_team(kind="management", region=org.north, name="Direction Nord"),
                          username="manager_north")  # fmt: skip
    grow(org, agencies=1, people=1, days=2, seed=1)
    small = measure(org, manager)
    grow(org, agencies=6, people=5, days=30, seed=2)
    large = measure(org, manager)
    assert DailyFact.objects.count() > 6000
    print("queries (small, large):", small, large)
    assert large == small, (small, large)
