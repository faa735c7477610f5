"""The demo's campaigns and potentials (issue 9): a running campaign with outcomes, potentials due, explored
and overdue; the scheduler reminds the overdue ones once; the trace verifies."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from trace.services import trace_verify
from workflow.models_campaigns import Campaign, CampaignTarget, Potential
from workflow.services.potentials import potentials_remind_overdue

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_running_campaign_and_potentials_of_every_kind():
    call_command("seed_demo", clients=20, interactions_per_client=1, stdout=StringIO())

    running = Campaign.objects.get(status="running")
    assert running.targets_total > 6 and running.reached == 4 and running.converted == 2
    outcomes = set(
        CampaignTarget.objects.filter(campaign=running).exclude(outcome="").values_list("outcome", flat=True)
    )
    assert outcomes == {"not_reachable", "not_interested", "callback", "lead", "sale"}
    assert Campaign.objects.filter(status="draft").exists()
    today = timezone.localdate()
    assert Potential.objects.filter(explored_at__isnull=True, deadline__gte=today).exists()
    assert Potential.objects.filter(explored_at__isnull=False).exists()
    overdue = Potential.objects.filter(explored_at__isnull=True, deadline__lt=today).count()
    assert overdue and potentials_remind_overdue() == overdue and potentials_remind_overdue() == 0
    assert trace_verify().ok
