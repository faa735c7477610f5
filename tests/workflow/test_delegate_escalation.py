"""A delegate standing in for a manager hears of what is escalated, as the managers do (issue 6).

Escalations go to whoever holds `manage_unit` on the client's agency (`accounts.rights.people_holding`):
the management team's members and a delegate granted it directly. An admin in no team is not told.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings

from accounts import rights
from accounts.services import delegate_grant, delegate_revoke
from tests.factories import UserFactory
from workflow import services
from workflow.models import Notification
from workflow.services.sla import sla_scan

T0 = datetime(2030, 3, 4, 8, 0, tzinfo=UTC)  # a Monday morning, well after the fixtures were made
RESPONSE_HOURS = 4  # the `billing` category of the `wf` fixture

# These tests are about what the clocks trigger; how business hours count is tests/workflow/test_business_hours.py.
pytestmark = pytest.mark.usefixtures("open_around_the_clock")


def at(moment: datetime, action):
    """Run `action` with the clock frozen at `moment` (notifications are rows: no worker needed)."""
    with time_machine.travel(moment, tick=False):
        return action()


def _overdue_billing_request(org):
    request = at(T0, lambda: services.service_request_create(
        sender=org.reception_a, client_id=org.client_a.pk, category="billing", subject="Invoice too high",
        fields={"invoice_number": "F-2030-001"}))  # fmt: skip
    at(T0 + timedelta(hours=RESPONSE_HOURS, minutes=5), sla_scan)  # reminds its team first
    return request


def _escalated() -> None:
    at(T0 + timedelta(hours=RESPONSE_HOURS + settings.SLA_ESCALATE_AFTER_HOURS, minutes=5), sla_scan)


def _escalation_recipients(request) -> set[str]:
    notes = Notification.objects.filter(verb="sla_escalation", item_id=request.pk)
    return set(notes.values_list("recipient__username", flat=True))


def test_a_delegate_with_manage_unit_on_the_clients_agency_receives_the_escalation(org, wf):
    delegate = UserFactory(username="delegate_a")  # in no team: the grant is all they hold
    delegate_grant(actor=org.admin, user=delegate, agency=org.agency_a, perm=rights.MANAGE_UNIT)
    request = _overdue_billing_request(org)

    _escalated()

    assert _escalation_recipients(request) == {"manager_a", "delegate_a"}  # not the admin, who is in no team


def test_a_delegate_on_another_agency_or_whose_grant_was_taken_back_hears_nothing(org, wf):
    elsewhere, back = UserFactory(username="delegate_b"), UserFactory(username="delegate_back")
    delegate_grant(actor=org.admin, user=elsewhere, agency=org.agency_b, perm=rights.MANAGE_UNIT)
    delegate_grant(actor=org.admin, user=back, agency=org.agency_a, perm=rights.MANAGE_UNIT)
    delegate_revoke(actor=org.admin, user=back, agency=org.agency_a, perm=rights.MANAGE_UNIT)
    request = _overdue_billing_request(org)

    _escalated()

    assert _escalation_recipients(request) == {"manager_a"}
