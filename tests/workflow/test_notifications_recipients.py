"""Who hears of what (issue 8, item 7): the people who must act hear of it; reception hears of outcomes only.

Each step of a request's and a lead's life is taken by the person who would take it, and the test
reads who was told, of what, and what it is to them (the topic they choose e-mails by).
"""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.factories import ProductFactory, make_member
from workflow import services
from workflow.models import Notification
from workflow.services.sla import sla_scan

# Who hears of what, not how business hours count (tests/workflow/test_business_hours.py): the reminder
# must come four days later whatever day of the week the suite runs.
pytestmark = pytest.mark.usefixtures("open_around_the_clock")


class Told:
    """The notifications written since the last look, as (recipient, verb, topic)."""

    def __init__(self) -> None:
        self.seen = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def __call__(self) -> set[tuple[str, str, str]]:
        new = Notification.objects.filter(pk__gt=self.seen).select_related("recipient").order_by("pk")
        rows = list(new)
        if rows:
            self.seen = rows[-1].pk
        return {(n.recipient.username, n.verb, n.topic) for n in rows}


def _billing_request(org, subject="Invoice too high"):
    # Several billing requests of one client are open at once in some tests: each is about its own invoice
    # (wfrules' one open matter per category asks for that reason).
    return services.service_request_create(sender=org.reception_a, client_id=org.client_a.pk, category="billing",
                                           subject=subject, fields={"invoice_number": "F-1"}, confirm=True,
                                           reason="Another invoice")  # fmt: skip


def test_a_request_tells_its_queue_then_its_holder_and_its_sender_only_of_its_outcome(org, wf):
    told = Told()
    request = _billing_request(org)
    assert told() == {("billing_north", "created", "team_queue")}  # its team's queue, not the sender

    services.service_request_claim(request_id=request.pk, user=org.billing_north)
    services.service_request_start(request_id=request.pk, user=org.billing_north)
    services.service_request_wait(request_id=request.pk, user=org.billing_north, note="Waiting for the invoice")
    services.service_request_comment(request_id=request.pk, user=org.billing_north, body="Asked the client")
    assert told() == set()  # steps: taken in charge, started, waiting, the holder's own comment

    services.service_request_comment(request_id=request.pk, user=org.reception_a, body="The client called back")
    assert told() == {("billing_north", "commented", "activity")}  # the holder hears what the sender adds

    services.service_request_start(request_id=request.pk, user=org.billing_north)
    services.service_request_resolve(request_id=request.pk, user=org.billing_north, resolution="Credit note sent")
    assert told() == {("reception_a", "resolved", "outcomes")}

    services.service_request_reopen(request_id=request.pk, user=org.reception_a, reason="Still wrong")
    assert told() == {("billing_north", "reopened", "given_to_me")}

    services.service_request_cancel(request_id=request.pk, user=org.reception_a, reason="Duplicate")
    assert told() == {("billing_north", "cancelled", "activity")}  # the holder stops working on it


def test_a_request_cancelled_by_its_holder_or_transferred_tells_who_it_concerns(org, wf):
    told = Told()
    request = _billing_request(org)
    told()
    services.service_request_claim(request_id=request.pk, user=org.billing_north)
    services.service_request_transfer(request_id=request.pk, user=org.billing_north,
                                      team_id=org.after_sales_team_north.pk, reason="A fault")  # fmt: skip
    assert told() == {("after_sales_north", "transferred", "team_queue")}  # not the sender: a step

    services.service_request_claim(request_id=request.pk, user=org.after_sales_north)
    services.service_request_cancel(request_id=request.pk, user=org.after_sales_north, reason="Client gave up")
    assert told() == {("reception_a", "cancelled", "outcomes")}


def test_nobody_hears_of_an_unheld_request_cancelled_by_its_sender_the_queue_just_shows_it(org, wf):
    told = Told()
    request = _billing_request(org)
    told()
    services.service_request_comment(request_id=request.pk, user=org.reception_a, body="More details")
    services.service_request_cancel(request_id=request.pk, user=org.reception_a, reason="Duplicate")
    assert told() == set()


def test_a_request_assigned_by_a_manager_is_given_to_the_person(org, wf):
    told = Told()
    request = _billing_request(org)
    told()
    services.service_request_assign(request_id=request.pk, actor=org.admin, assignee_id=org.billing_north.pk)
    assert told() == {("billing_north", "assigned", "given_to_me")}


def test_a_requalified_request_tells_its_sender_and_the_new_leads_salesperson(org, wf):
    told = Told()
    request = _billing_request(org)
    services.service_request_claim(request_id=request.pk, user=org.billing_north)
    told()
    services.service_request_requalify(request_id=request.pk, user=org.billing_north, reason="Wants an offer")
    assert told() == {("reception_a", "requalified", "outcomes"), ("sales_a", "created", "given_to_me")}


def test_a_lead_tells_its_salesperson_and_its_sender_only_of_its_outcome(org, wf):
    told = Told()
    lead = services.lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre for 3 sites")
    assert told() == {("sales_a", "created", "given_to_me")}  # the account owner

    services.lead_accept(lead_id=lead.pk, user=org.sales_a, potential_amount="9000", probability=40)
    services.lead_start(lead_id=lead.pk, user=org.sales_a)
    services.lead_comment(lead_id=lead.pk, user=org.sales_a, body="Meeting on Monday")
    assert told() == set()  # accepted and in progress are steps; the comment is the salesperson's own

    services.lead_reassign(lead_id=lead.pk, actor=org.manager_a, assignee_id=org.sales_a2.pk, reason="Holidays")
    assert told() == {("sales_a2", "reassigned", "given_to_me")}

    services.lead_comment(lead_id=lead.pk, user=org.manager_a, body="Call them before Friday")
    assert told() == {("sales_a2", "commented", "activity")}  # never the sender: a lead's comments are content

    services.lead_won(lead_id=lead.pk, user=org.sales_a2, amount="9000", product_id=ProductFactory().pk)
    assert told() == {("reception_a", "won", "outcomes")}


def test_a_lead_lost_or_requalified_tells_its_sender(org, wf):
    told = Told()
    lost = services.lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Mobiles")
    services.lead_accept(lead_id=lost.pk, user=org.sales_a, potential_amount="500", probability=20)
    told()
    services.lead_lost(lead_id=lost.pk, user=org.sales_a, reason="Too expensive")
    assert told() == {("reception_a", "lost", "outcomes")}

    requalified = services.lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="An invoice")
    told()
    services.lead_requalify(lead_id=requalified.pk, user=org.sales_a, reason="Only an invoice question",
                            category="billing", fields={"invoice_number": "F-2"})  # fmt: skip
    assert told() == {("reception_a", "requalified", "outcomes"), ("billing_north", "created", "team_queue")}


def test_a_lead_of_a_client_without_account_owner_is_the_sales_teams_until_one_accepts_it(org, wf):
    told = Told()
    org.client_a.account_owner = None
    org.client_a.save(update_fields=["account_owner"])
    lead = services.lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre")
    assert told() == {("sales_a", "created", "team_queue"), ("sales_a2", "created", "team_queue")}

    services.lead_accept(lead_id=lead.pk, user=org.sales_a2, potential_amount="100", probability=10)
    assert not Notification.objects.filter(item_id=lead.pk, read_at__isnull=True).exists()  # taken: no longer news


def test_past_its_target_the_holder_is_reminded_then_the_agency_manager_hears_of_the_escalation(org, wf):
    told = Told()
    request = _billing_request(org)
    services.service_request_claim(request_id=request.pk, user=org.billing_north)
    told()
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        sla_scan()
        assert told() == {("billing_north", "sla_reminder", "reminders")}
        sla_scan()
        assert told() == {("manager_a", "sla_escalation", "escalations")}


def test_reception_is_told_of_outcomes_only_over_a_whole_day_of_work(org, wf):
    """What the bell of reception holds after a day of requests and leads: one line per outcome."""
    requests = [_billing_request(org, subject=f"Invoice {n}") for n in range(3)]
    for request in requests:
        services.service_request_claim(request_id=request.pk, user=org.billing_north)
        services.service_request_start(request_id=request.pk, user=org.billing_north)
        services.service_request_comment(request_id=request.pk, user=org.billing_north, body="On it")
    services.service_request_resolve(request_id=requests[0].pk, user=org.billing_north, resolution="Done")
    lead = services.lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre")
    services.lead_accept(lead_id=lead.pk, user=org.sales_a, potential_amount="900", probability=50)

    bell = Notification.objects.filter(recipient=org.reception_a)
    assert [(n.verb, n.item_id) for n in bell] == [("resolved", requests[0].pk)]


def test_once_a_colleague_takes_an_item_or_it_leaves_the_queue_the_queues_news_of_it_is_settled(org, wf):
    colleague = make_member(team=org.billing_team_north, username="billing_north2")
    taken, transferred, untouched = (_billing_request(org, subject=f"Invoice {n}") for n in range(3))
    assert Notification.objects.filter(recipient=colleague, read_at__isnull=True).count() == 3

    services.service_request_claim(request_id=taken.pk, user=org.billing_north)
    services.service_request_transfer(request_id=transferred.pk, user=org.billing_north,
                                      team_id=org.after_sales_team_north.pk, reason="A fault")  # fmt: skip
    still_news = Notification.objects.filter(recipient=colleague, read_at__isnull=True)
    assert [n.item_id for n in still_news] == [untouched.pk]  # the work that still waits in the queue
    assert Notification.objects.get(recipient=org.after_sales_north, item_id=transferred.pk).read_at is None

    services.service_request_resolve(request_id=taken.pk, user=org.billing_north, resolution="Done")
    assert Notification.objects.get(recipient=org.reception_a, verb="resolved").read_at is None  # outcomes stay
