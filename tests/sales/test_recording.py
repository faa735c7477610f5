"""Recording a sale: who may sell what, on which channel, with which inputs; a won lead records its sale;
cancelling within the window reverses the credits (issue 9; Done 9.2)."""

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from common.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from trace.models import TraceEvent
from workflow import services
from workflow.models import Credit, CreditSet, Lead, Sale
from workflow.services.sales import sale_cancel, sale_record

SALES_URL = "/api/v1/sales/"


def _sell(org, sales, *, actor=None, product=None, channel="outbound_call", **extra):
    data = {"client_id": org.client_a.pk, "product_id": (product or sales.fibre).pk, "amount": "1000",
            "channel": channel, **extra}  # fmt: skip
    return sale_record(actor=actor or sales.telesales, **data)


def _nothing_recorded():
    return (
        not Sale.objects.exists()
        and not Credit.objects.exists()
        and not TraceEvent.objects.filter(action__in=["workflow.sale.recorded", "workflow.credits.assigned"]).exists()
    )


def test_reception_recording_a_complex_sale_answers_400_saying_send_a_lead_and_creates_nothing(org, sales, api_as):
    """Done 9.2, through the API as reception would call it."""
    body = {"client": org.client_a.pk, "product": sales.fibre.pk, "amount": "9000", "channel": "inbound_call"}
    refused = api_as(org.reception_a).post(SALES_URL, body, format="json")

    assert refused.status_code == 400
    answer = refused.json()
    assert "complex product" in answer["detail"] and "Send a lead" in answer["detail"]
    assert answer["product"] == [answer["detail"]]
    assert _nothing_recorded()


@pytest.mark.parametrize("seller", ["reception_a", "telemarketing"])
def test_basic_sellers_cannot_close_a_complex_product_on_any_channel(org, sales, seller):
    person = getattr(org, seller, None) or getattr(sales, seller)
    for channel in ("visit", "outbound_call", "inbound_call"):
        with pytest.raises(InvalidInput) as refused:
            _sell(org, sales, actor=person, channel=channel)
        assert list(refused.value.fields) == ["product"]
    assert _nothing_recorded()


def test_who_may_sell_what(org, sales):
    assert (
        _sell(org, sales, actor=org.reception_a, product=sales.mobile, channel="inbound_call").closer == org.reception_a
    )
    assert _sell(org, sales, actor=sales.telemarketing, product=sales.box).closer == sales.telemarketing
    assert _sell(org, sales, actor=sales.telesales).closer == sales.telesales
    assert _sell(org, sales, actor=org.sales_a2, channel="visit").closer == org.sales_a2
    with pytest.raises(PermissionDenied):  # back office sells nothing
        _sell(org, sales, actor=org.billing_north, product=sales.mobile)
    with pytest.raises(NotFound):  # a client out of scope, as if it did not exist
        sale_record(actor=org.reception_b, client_id=org.client_a.pk, product_id=sales.mobile.pk, amount="10",
                    channel="inbound_call")  # fmt: skip


def test_a_direct_sale_is_on_one_of_the_products_direct_sale_channels(org, sales):
    with pytest.raises(InvalidInput) as refused:
        _sell(org, sales, actor=org.sales_a, channel="inbound_call")  # the fibre: visit or outbound call only
    assert "Visit" in refused.value.fields["channel"][0]
    sales.box.direct_sale_channels = []
    sales.box.save()
    with pytest.raises(InvalidInput) as refused:
        _sell(org, sales, actor=org.sales_a, product=sales.box, channel="visit")
    assert "through a lead" in refused.value.fields["channel"][0]
    assert _nothing_recorded()


@pytest.mark.parametrize(
    ("field", "value"),
    [("amount", "0"), ("amount", "-5"), ("amount", "1e400"), ("amount", "NaN"), ("amount", "12345678901.00"),
     ("amount", "10.001"), ("amount", "abc"), ("quantity", 0), ("quantity", 10**12), ("quantity", "2.5"),
     ("quantity", True), ("sold_on", date(1, 1, 1)), ("sold_on", timezone.localdate() + timedelta(days=2)),
     ("channel", "telepathy"), ("channel", "visit\x00")],
)  # fmt: skip
def test_odd_input_is_a_400_naming_the_field_and_records_nothing(org, sales, field, value):
    with pytest.raises(InvalidInput) as refused:
        _sell(org, sales, **{field: value})
    assert field in refused.value.fields
    assert _nothing_recorded()


def test_a_manager_records_a_sale_for_a_salesperson_but_nobody_else_names_a_closer(org, sales):
    sale = _sell(org, sales, actor=org.manager_a, closer_id=org.sales_a2.pk, channel="visit")
    assert (sale.closer, sale.recorded_by) == (org.sales_a2, org.manager_a)
    with pytest.raises(PermissionDenied):
        _sell(org, sales, actor=org.sales_a, closer_id=org.sales_a2.pk, channel="visit")
    with pytest.raises(InvalidInput):  # the manager names a receptionist for a complex product
        _sell(org, sales, actor=org.manager_a, closer_id=org.reception_a.pk, channel="visit")


def test_a_won_lead_records_its_sale_and_credits_in_the_same_step(org, sales, wf):
    lead = services.lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre",
                                product_id=sales.fibre.pk)  # fmt: skip
    services.lead_accept(lead_id=lead.pk, user=org.sales_a, potential_amount="5000", probability=50)
    services.lead_won(lead_id=lead.pk, user=org.sales_a, amount="4800", quantity=2)

    sale = Sale.objects.get(lead=lead)
    assert (sale.product, sale.quantity, str(sale.amount), sale.closer, sale.channel) == (
        sales.fibre, 2, "4800.00", org.sales_a, "visit")  # fmt: skip
    assert CreditSet.objects.get(sale=sale).version == 1
    actions = list(TraceEvent.objects.filter(client_id=org.client_a.pk).values_list("action", flat=True))
    assert actions[-3:] == ["workflow.lead.won", "workflow.sale.recorded", "workflow.credits.assigned"]


def test_a_manager_marking_a_lead_won_records_it_for_the_salesperson_who_held_it(org, sales, wf):
    lead = services.lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre",
                                product_id=sales.fibre.pk)  # fmt: skip
    services.lead_accept(lead_id=lead.pk, user=org.sales_a, potential_amount="5000", probability=50)
    services.lead_won(lead_id=lead.pk, user=org.manager_a)
    sale = Sale.objects.get(lead=lead)
    assert (sale.closer, sale.recorded_by, str(sale.amount)) == (org.sales_a, org.manager_a, "5000.00")


def test_a_lead_won_without_a_product_is_refused_and_stays_open(org, sales, wf):
    lead = services.lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Something")
    services.lead_accept(lead_id=lead.pk, user=org.sales_a, potential_amount="5000", probability=50)
    with pytest.raises(InvalidInput) as refused:
        services.lead_won(lead_id=lead.pk, user=org.sales_a)
    assert "product" in refused.value.fields
    with pytest.raises(InvalidInput):  # a sale refused (a bad date) leaves the lead as it was too
        services.lead_won(lead_id=lead.pk, user=org.sales_a, product_id=sales.box.pk, sold_on=date(1, 1, 1))
    assert Lead.objects.get(pk=lead.pk).status == "accepted"
    assert _nothing_recorded()
    services.lead_won(lead_id=lead.pk, user=org.sales_a, product_id=sales.box.pk)
    assert Sale.objects.get(lead=lead).product == sales.box


def test_cancelling_within_the_window_reverses_the_credits_once(org, sales):
    sale = _sell(org, sales)
    with pytest.raises(PermissionDenied):  # a colleague who neither closed it nor manages
        sale_cancel(sale_id=sale.pk, actor=org.sales_a2, reason="Wrong")
    with pytest.raises(InvalidInput):
        sale_cancel(sale_id=sale.pk, actor=sales.telesales, reason=" ")
    sale_cancel(sale_id=sale.pk, actor=sales.telesales, reason="Client withdrew")
    with pytest.raises(Conflict):
        sale_cancel(sale_id=sale.pk, actor=org.manager_a, reason="Twice")
    counting = Credit.objects.filter(sale=sale, counts=True)
    assert sum(c.share for c in counting) == 0 and sum(c.amount for c in counting) == 0
    assert counting.count() == 6
    assert TraceEvent.objects.filter(action="workflow.credits.reversed", object_id=str(sale.pk)).count() == 1


def test_a_sale_cannot_be_cancelled_after_the_window(org, sales, settings):
    sale = _sell(org, sales)
    later = timezone.now() + timedelta(days=settings.SALE_CANCEL_WINDOW_DAYS, minutes=1)
    with time_machine.travel(later), pytest.raises(Conflict):
        sale_cancel(sale_id=sale.pk, actor=org.manager_a, reason="Too late")
    assert Sale.objects.get(pk=sale.pk).cancelled_at is None
    assert Credit.objects.filter(sale=sale, counts=True).count() == 3
