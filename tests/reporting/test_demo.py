"""The demo's reporting part: a year of facts, this quarter's objectives split to people, alerts in each state."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from reporting.models import Alert, DailyFact, Objective
from reporting.periods import period_containing

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_year_of_facts_objectives_to_people_and_alerts():
    call_command("seed_demo", clients=20, interactions_per_client=1, stdout=StringIO())
    today = timezone.localdate()
    oldest = DailyFact.objects.order_by("day").values_list("day", flat=True).first()
    assert (today - oldest).days >= 360
    quarter = period_containing("quarter", today).code
    people = Objective.objects.filter(period=quarter, scope_kind="user", metric="leads_received")
    assert people.count() >= 5
    national = Objective.objects.get(period=quarter, scope_kind="national", metric="leads_received")
    regions = national.children.all()
    assert sum(r.value for r in regions) == national.value
    for agency in Objective.objects.filter(period=quarter, scope_kind="agency", metric="leads_received"):
        assert sum(p.value for p in agency.children.all()) == agency.value
    assert sorted(Alert.objects.values_list("status", flat=True)) == ["acknowledged", "open", "resolved"]
    # Potentials and campaign calls are in the demo's facts, so their indicators show on the dashboard.
    metrics = set(DailyFact.objects.values_list("metric", flat=True).distinct())
    assert {"potentials_due", "potentials_explored_in_time", "campaign_called", "campaign_reached"} <= metrics
