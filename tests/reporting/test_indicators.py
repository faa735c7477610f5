"""Done 1: every indicator, at every level, against a hand count of the history in conftest.py.

The figures are for January 2027 read on Wednesday 6 January at 20:00: flows add up the three days,
stocks are those of Wednesday's end. Anything not named below is 0 (counts, amounts) or nothing (rates,
medians, ages without anything to measure).
"""

from decimal import Decimal

import pytest
import time_machine

from reporting.indicators import AMOUNT, COUNT, INDICATORS
from reporting.periods import parse_period
from reporting.scopes import load_unit
from reporting.selectors import figures, figures_by_unit
from tests.reporting.conftest import at


def expected(**named) -> dict:
    found = {item.code: (Decimal(0) if item.unit in (COUNT, AMOUNT) and item.has_source else None)
             for item in INDICATORS}  # fmt: skip
    for code, value in named.items():
        assert code in found, code
        found[code] = None if value is None else Decimal(str(value))
    return found


NATIONAL = expected(
    leads_received=3, leads_accepted=2, leads_won=1, leads_lost=1, lead_conversion="50.0",
    lead_response_median=60, request_response_median=60, requests_opened=3, requests_resolved=1,
    backlog=2, backlog_age="2.1", misrouting_rate="33.3", repeat_contacts=1, not_a_lead_rate="33.3",
    data_completeness="25.0", sales_count=1, sales_amount=1000, credits_amount=1000,
)  # fmt: skip
NORTH = {**NATIONAL, "data_completeness": Decimal("33.3")}
SOUTH = expected(data_completeness="0.0")
LILLE = expected(
    leads_received=3, leads_accepted=2, leads_won=1, leads_lost=1, lead_conversion="50.0",
    lead_response_median=60, request_response_median=60, requests_opened=2, backlog=2, backlog_age="2.1",
    misrouting_rate="40.0", not_a_lead_rate="33.3", data_completeness="50.0", sales_count=1, sales_amount=1000,
    credits_amount=1000,
)  # fmt: skip
AMIENS = expected(requests_opened=1, requests_resolved=1, request_response_median=2880, repeat_contacts=1,
                  misrouting_rate="0.0", data_completeness="0.0")  # fmt: skip
SALES_TEAM_A = expected(
    leads_received=3, leads_accepted=2, leads_won=1, leads_lost=1, lead_conversion="50.0",
    lead_response_median=60, misrouting_rate="33.3", sales_count=1, sales_amount=1000, credits_amount=500,
)  # fmt: skip
RECEPTION_TEAM_A = expected(not_a_lead_rate="33.3", credits_amount=500)
BILLING_NORTH = expected(requests_opened=2, request_response_median=60, backlog=1, backlog_age="1.6",
                         misrouting_rate="0.0")  # fmt: skip
BILLING_PERSON = expected(request_response_median=60)
AFTER_SALES_NORTH = expected(
    requests_opened=1, requests_resolved=1, request_response_median=2880, repeat_contacts=1, backlog=1,
    backlog_age="2.6", misrouting_rate="100.0",
)  # fmt: skip
SALES_A = expected(
    leads_received=2, leads_accepted=1, leads_won=1, lead_conversion="100.0", lead_response_median=60,
    misrouting_rate="50.0", sales_count=1, sales_amount=1000, credits_amount=500, data_completeness="0.0",
)  # fmt: skip
SALES_A2 = expected(leads_received=1, leads_accepted=1, leads_lost=1, lead_conversion="0.0",
                    lead_response_median=2880, misrouting_rate="0.0", data_completeness="100.0")  # fmt: skip
RECEPTION_A = expected(not_a_lead_rate="33.3", credits_amount=500)
AFTER_SALES_PERSON = expected(requests_resolved=1, request_response_median=2880)


def units(org):
    return {
        "national": ("national", 0, NATIONAL),
        "north": ("region", org.north.pk, NORTH),
        "south": ("region", org.south.pk, SOUTH),
        "lille": ("agency", org.agency_a.pk, LILLE),
        "amiens": ("agency", org.agency_b.pk, AMIENS),
        "sales team": ("team", org.sales_team_a.pk, SALES_TEAM_A),
        "reception team": ("team", org.reception_team_a.pk, RECEPTION_TEAM_A),
        "billing team": ("team", org.billing_team_north.pk, BILLING_NORTH),
        "after-sales team": ("team", org.after_sales_team_north.pk, AFTER_SALES_NORTH),
        "sales_a": ("user", org.sales_a.pk, SALES_A),
        "sales_a2": ("user", org.sales_a2.pk, SALES_A2),
        "reception_a": ("user", org.reception_a.pk, RECEPTION_A),
        "after_sales_north": ("user", org.after_sales_north.pk, AFTER_SALES_PERSON),
        "billing_north": ("user", org.billing_north.pk, BILLING_PERSON),
    }


@pytest.mark.parametrize(
    "name",
    ["national", "north", "south", "lille", "amiens", "sales team", "reception team", "billing team",
     "after-sales team", "sales_a", "sales_a2", "reception_a", "after_sales_north",
     "billing_north"],
)  # fmt: skip
def test_every_indicator_matches_the_hand_count(built, org, name):
    kind, unit_id, wanted = units(org)[name]
    with time_machine.travel(at(6, 20), tick=False):
        found = figures(unit=load_unit(kind, unit_id), period=parse_period("2027-01"))
    assert {code: found[code] for code in wanted} == wanted


def test_units_side_by_side_match_each_unit_alone(built, org):
    with time_machine.travel(at(6, 20), tick=False):
        period = parse_period("2027-01")
        agencies = [load_unit("agency", org.agency_a.pk), load_unit("agency", org.agency_b.pk)]
        side_by_side = figures_by_unit(units=agencies, period=period)
    assert side_by_side[org.agency_a.pk] == LILLE
    assert side_by_side[org.agency_b.pk] == AMIENS


def test_a_day_and_a_week_count_only_their_days(built, org):
    with time_machine.travel(at(6, 20), tick=False):
        tuesday = figures(unit=load_unit("national", 0), period=parse_period("2027-01-05"))
        week = figures(unit=load_unit("national", 0), period=parse_period("2027-W01"))
    assert (tuesday["leads_won"], tuesday["requests_opened"], tuesday["leads_received"]) == (1, 1, 0)
    assert week == NATIONAL


def test_rates_with_nothing_to_measure_show_no_number(built):
    # This history has no potentials and no campaign calls (see test_potentials_campaigns.py for them).
    with time_machine.travel(at(6, 20), tick=False):
        found = figures(unit=load_unit("national", 0), period=parse_period("2027-01"))
    for code in ("potentials_explored", "campaign_reach", "campaign_conversion"):
        assert found[code] is None
    assert found["potentials_overdue"] == 0
