"""Workflow settings as an admin would set them up: categories and routing rules."""

from dataclasses import dataclass

import pytest

from workflow.models import AgencyCalendar, Category, RoutingRule, Weekday


@dataclass
class Workflow:
    billing: Category
    fault: Category
    lead_to_owner: RoutingRule
    lead_to_sales_team: RoutingRule
    billing_to_billing_team: RoutingRule


@pytest.fixture
def wf(org) -> Workflow:
    # Billing questions are sometimes after-sales' business: a billing request may be transferred there.
    billing = Category.objects.create(code="billing", name="Billing question", required_fields=["invoice_number"],
                                      response_hours=4, resolution_hours=48, default_team_kind="billing",
                                      extra_team_kinds=["after_sales"])  # fmt: skip
    fault = Category.objects.create(code="fault", name="Fault", response_hours=2, resolution_hours=24,
                                    default_team_kind="after_sales")  # fmt: skip
    return Workflow(
        billing=billing,
        fault=fault,
        lead_to_owner=RoutingRule.objects.create(
            order=10, name="Leads to the account owner", kind="lead", target_type="account_owner"
        ),  # fmt: skip
        lead_to_sales_team=RoutingRule.objects.create(
            order=20,
            name="Leads to the agency's sales team",
            kind="lead",
            target_type="team_of_kind",
            target_team_kind="sales",
            assignment="claim",
        ),  # fmt: skip
        billing_to_billing_team=RoutingRule.objects.create(
            order=10,
            name="Billing to billing",
            kind="service_request",
            match={"category": "billing"},
            target_type="team_of_kind",
            target_team_kind="billing",
        ),  # fmt: skip
    )


ALWAYS_OPEN = {day: [["00:00", "24:00"]] for day in Weekday.values}


@pytest.fixture
def open_around_the_clock(org):
    """Every agency open day and night, holidays included: targets count plain hours.

    For the tests of what the clocks trigger (reminders, escalations), not of how business hours count.
    """
    for agency in (org.agency_a, org.agency_b, org.agency_c):
        AgencyCalendar.objects.create(agency=agency, opening_hours=ALWAYS_OPEN, closed_on_public_holidays=False)
