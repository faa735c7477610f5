"""A small history that can be counted by hand, written through the workflow's services on a moving clock.

Monday 4 to Wednesday 6 January 2027 (after the organisation's memberships start), 10:00 in Paris (agencies open). Who does what:

Monday      reception_a sends leads L1, L2 (client_a, owner sales_a) and L3 (client_a2, owner sales_a2);
            reception_a sends billing request R1 (client_a) → billing north; reception_b sends fault
            request R2 (client_b) → after-sales north. At 11:00 sales_a accepts L1; billing_north claims R1.
Tuesday     sales_a wins L1 (a 1000 € mobile sale); sales_a requalifies L2 as not a lead (→ billing
            request R3, billing north); billing_north transfers R1 to after-sales; reception_b records
            that the client of R2 called again.
Wednesday   sales_a2 accepts L3 and loses it; after_sales_north claims R2 and resolves it.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
import time_machine

from reporting.build import rebuild_day
from tests.factories import ClientFactory, ProductFactory
from tests.workflow.conftest import wf  # noqa: F401
from workflow import services as wf_services
from workflow.models import Lead, ServiceRequest
from workflow.services import leads as lead_services


def at(day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A moment of that week (day of January 2027), in Paris time (UTC+1 in winter)."""
    return datetime(2027, 1, day, hour - 1, minute, tzinfo=UTC)


@dataclass
class History:
    l1: Lead
    l2: Lead
    l3: Lead
    r1: ServiceRequest
    r2: ServiceRequest
    r3: ServiceRequest


def write_history(org, wf) -> History:  # noqa: F811
    client_a2 = ClientFactory(name="Fleuriste Roux", agency=org.agency_a, account_owner=org.sales_a2,
                              phone="03 20 00 00 01", email="roux@example.com", address="1 rue Haute",
                              postcode="59000", city="Lille")  # fmt: skip
    mobile = ProductFactory(code="mobile", name="Forfait mobile", family="mobile",
                            direct_sale_channels=["inbound_call", "outbound_call", "visit"])  # fmt: skip
    with time_machine.travel(at(4), tick=False):
        l1 = lead_services.lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre")
        l2 = lead_services.lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Box")
        l3 = lead_services.lead_create(sender=org.reception_a, client_id=client_a2.pk, subject="Mobiles")
        r1 = wf_services.service_request_create(sender=org.reception_a, client_id=org.client_a.pk, category="billing",
                                                subject="Invoice", fields={"invoice_number": "F1"})  # fmt: skip
        r2 = wf_services.service_request_create(sender=org.reception_b, client_id=org.client_b.pk, category="fault",
                                                subject="Line down")  # fmt: skip
    with time_machine.travel(at(4, 11), tick=False):
        lead_services.lead_accept(lead_id=l1.pk, user=org.sales_a, potential_amount="1000", probability=50)
        wf_services.service_request_claim(request_id=r1.pk, user=org.billing_north)
    with time_machine.travel(at(5), tick=False):
        lead_services.lead_won(lead_id=l1.pk, user=org.sales_a, amount="1000", product_id=mobile.pk,
                               channel="visit")  # fmt: skip
        _lead, r3 = lead_services.lead_requalify(lead_id=l2.pk, user=org.sales_a, reason="A billing question",
                                                 category="billing", fields={"invoice_number": "F2"})  # fmt: skip
        wf_services.service_request_transfer(request_id=r1.pk, user=org.billing_north,
                                             team_id=org.after_sales_team_north.pk, reason="Not ours")  # fmt: skip
        wf_services.service_request_repeat_contact(request_id=r2.pk, user=org.reception_b)
    with time_machine.travel(at(6), tick=False):
        lead_services.lead_accept(lead_id=l3.pk, user=org.sales_a2, potential_amount="500", probability=20)
        lead_services.lead_lost(lead_id=l3.pk, user=org.sales_a2, reason="Too expensive")
        wf_services.service_request_claim(request_id=r2.pk, user=org.after_sales_north)
        wf_services.service_request_resolve(request_id=r2.pk, user=org.after_sales_north, resolution="Fixed")
    return History(l1=l1, l2=l2, l3=l3, r1=r1, r2=r2, r3=r3)


@pytest.fixture
def history(org, wf) -> History:  # noqa: F811
    return write_history(org, wf)


@pytest.fixture
def built(history) -> History:
    """The history, with its three days' facts built on Wednesday evening."""
    with time_machine.travel(at(6, 20), tick=False):
        for day in (4, 5, 6):
            rebuild_day(date(2027, 1, day))
    return history
