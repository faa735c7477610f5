"""Done 3: a national objective split to regions, agencies and people; refused when the parts do not
account for the whole; attainment at every level rolls up from the same facts."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from common.errors import InvalidInput, NotFound, PermissionDenied
from reporting.build import rebuild_day
from reporting.models import Objective
from reporting.periods import parse_period
from reporting.selectors import with_actuals
from reporting.services import objective_set, objective_split
from tests.factories import make_member, make_team
from tests.reporting.conftest import at
from trace.models import TraceEvent


@pytest.fixture
def manager_north(org):
    return make_member(team=make_team(kind="management", region=org.north, name="Direction Nord"),
                       username="manager_north")  # fmt: skip


def _national(org, value="10"):
    return objective_set(actor=org.admin, metric="leads_received", period="2027-01", scope="national", value=value)


def test_a_split_whose_parts_do_not_add_up_is_refused_naming_the_field(org):
    national = _national(org)
    with pytest.raises(InvalidInput) as refused:
        objective_split(actor=org.admin, objective_id=national.pk,
                        parts=[{"scope": f"region:{org.north.pk}", "value": 7},
                               {"scope": f"region:{org.south.pk}", "value": 2}])  # fmt: skip
    assert "parts" in refused.value.fields
    assert "9" in refused.value.fields["parts"][0] and "10" in refused.value.fields["parts"][0]
    assert not Objective.objects.filter(parent=national).exists()


def test_parts_must_be_units_below_and_given_the_same_way(org):
    national = _national(org)
    agency = _national(org)  # the same row again: setting twice changes, never duplicates
    assert agency.pk == national.pk
    regional = objective_set(actor=org.admin, metric="leads_received", period="2027-01",
                             scope=f"region:{org.north.pk}", value="6")  # fmt: skip
    with pytest.raises(InvalidInput) as outside:
        objective_split(actor=org.admin, objective_id=regional.pk,
                        parts=[{"scope": f"agency:{org.agency_c.pk}", "value": 6}])  # fmt: skip
    assert "parts[0].scope" in outside.value.fields
    with pytest.raises(InvalidInput) as mixed:
        objective_split(actor=org.admin, objective_id=regional.pk,
                        parts=[{"scope": f"agency:{org.agency_a.pk}", "value": 3},
                               {"scope": f"agency:{org.agency_b.pk}", "weight": 1}])  # fmt: skip
    assert "parts" in mixed.value.fields
    with pytest.raises(InvalidInput) as not_additive:
        rate = objective_set(actor=org.admin, metric="lead_conversion", period="2027-01", scope="national", value=30)
        objective_split(actor=org.admin, objective_id=rate.pk, parts=[{"scope": f"region:{org.north.pk}", "value": 30}])
    assert "metric" in not_additive.value.fields


def test_only_the_units_managers_split_and_a_unit_above_theirs_is_not_found(org, manager_north):
    national = _national(org)
    with pytest.raises(NotFound):
        objective_split(actor=manager_north, objective_id=national.pk,
                        parts=[{"scope": f"region:{org.north.pk}", "value": 10}])  # fmt: skip
    with pytest.raises(NotFound):
        objective_set(actor=org.manager_a, metric="leads_received", period="2027-01",
                      scope=f"region:{org.north.pk}", value=5)  # fmt: skip
    with pytest.raises(PermissionDenied):
        objective_set(actor=org.sales_a, metric="leads_received", period="2027-01", scope=f"user:{org.sales_a.pk}",
                      value=5)  # fmt: skip


def test_the_cascade_to_people_and_attainment_at_every_level(org, history, manager_north):
    national = _national(org)
    regions = objective_split(actor=org.admin, objective_id=national.pk,
                              parts=[{"scope": f"region:{org.north.pk}", "weight": 3},
                                     {"scope": f"region:{org.south.pk}", "weight": 1}])  # fmt: skip
    assert [(o.scope_id, o.value) for o in regions] == [
        (org.north.pk, Decimal("7.50")),
        (org.south.pk, Decimal("2.50")),
    ]
    north = regions[0]
    agencies = objective_split(actor=manager_north, objective_id=north.pk,
                               parts=[{"scope": f"agency:{org.agency_a.pk}", "weight": 2},
                                      {"scope": f"agency:{org.agency_b.pk}", "weight": 1}])  # fmt: skip
    # The cents of the rounding go to the last part: the parts always make the whole.
    assert [o.value for o in agencies] == [Decimal("5.00"), Decimal("2.50")]
    people = objective_split(actor=org.manager_a, objective_id=agencies[0].pk,
                             parts=[{"scope": f"user:{org.sales_a.pk}", "value": 4},
                                    {"scope": f"user:{org.sales_a2.pk}", "value": 1}])  # fmt: skip
    assert sum(o.value for o in people) == agencies[0].value
    with time_machine.travel(at(6, 20), tick=False):
        for day in (4, 5, 6):
            rebuild_day(date(2027, 1, day))
        rows = with_actuals(list(Objective.objects.all()), parse_period("2027-01"))
    attained = {(o.scope_kind, o.scope_id): (actual, rate) for o, actual, rate in rows}
    assert attained[("national", 0)] == (3, Decimal("30.0"))
    assert attained[("region", org.north.pk)] == (3, Decimal("40.0"))
    assert attained[("region", org.south.pk)] == (0, Decimal("0.0"))
    assert attained[("agency", org.agency_a.pk)] == (3, Decimal("60.0"))
    assert attained[("agency", org.agency_b.pk)] == (0, Decimal("0.0"))
    assert attained[("user", org.sales_a.pk)] == (2, Decimal("50.0"))
    assert attained[("user", org.sales_a2.pk)] == (1, Decimal("100.0"))
    # The people's actuals add up to their agency's, as their objectives do.
    assert attained[("user", org.sales_a.pk)][0] + attained[("user", org.sales_a2.pk)][0] == 3
    splits = TraceEvent.objects.filter(action="reporting.objective.split").count()
    assert splits == 3
