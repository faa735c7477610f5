"""Service levels with the clock moved: one reminder, then one escalation, whatever the scan repeats.

And one rule for "overdue": what the queue and the inbox show is what the scan reminds by.
"""

import re
import threading
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from accounts.selectors import agency_managers
from config.celery import app
from trace.models import TraceEvent
from trace.services import trace_verify
from workflow import services
from workflow.models import Notification
from workflow.services.sla import auto_close_resolved, sla_scan
from workflow.tasks import auto_close_task, sla_scan_task

T0 = datetime(2030, 3, 4, 8, 0, tzinfo=UTC)  # a Monday morning, well after the fixtures were made

# These tests are about what the clocks trigger; how business hours count is tests/workflow/test_business_hours.py.
pytestmark = pytest.mark.usefixtures("open_around_the_clock")


@pytest.fixture
def at(django_capture_on_commit_callbacks):
    """Run `action` at a moment, with what the worker does at commit (notifications, e-mails) done too."""

    def run(moment: datetime, action):
        with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def scan_three_times():
    return [sla_scan() for _ in range(3)]


def _billing_request(org, **overrides):
    data = {"sender": org.reception_a, "client_id": org.client_a.pk, "category": "billing",
            "subject": "Invoice too high", "fields": {"invoice_number": "F-2030-001"}}  # fmt: skip
    return services.service_request_create(**{**data, **overrides})


def _notes(verb: str, item, recipient=None):
    notes = Notification.objects.filter(verb=verb, item_id=item.pk)
    return notes.filter(recipient=recipient) if recipient else notes


def test_an_overdue_request_is_reminded_once_then_escalated_once_to_the_agency_manager(org, wf, at):
    request = at(T0, lambda: _billing_request(org))  # billing: answer within 4 hours
    mail.outbox.clear()

    at(T0 + timedelta(hours=3, minutes=59), scan_three_times)
    assert not Notification.objects.filter(verb__startswith="sla_").exists()
    assert mail.outbox == []

    results = at(T0 + timedelta(hours=4, minutes=5), scan_three_times)
    assert [r.reminders for r in results] == [1, 0, 0]
    assert _notes("sla_reminder", request).count() == 1
    assert _notes("sla_reminder", request, org.billing_north).count() == 1  # the queue, as nobody holds it
    assert [m.to for m in mail.outbox] == [[org.billing_north.email]]
    mail.outbox.clear()

    at(T0 + timedelta(hours=7, minutes=55), scan_three_times)  # reminded, not yet past the escalation delay
    assert not _notes("sla_escalation", request).exists()

    results = at(T0 + timedelta(hours=8, minutes=5), scan_three_times)
    assert [r.escalations for r in results] == [1, 0, 0]
    assert list(_notes("sla_escalation", request).values_list("recipient__username", flat=True)) == ["manager_a"]
    assert [m.to for m in mail.outbox] == [[org.manager_a.email]]

    at(T0 + timedelta(days=3), scan_three_times)  # nothing left to send, however late it gets
    assert Notification.objects.filter(verb__startswith="sla_", item_id=request.pk).count() == 2
    assert len(mail.outbox) == 1
    request.refresh_from_db()
    assert request.sla_level == 2


def test_reminders_and_escalations_are_traced_without_any_personal_text(org, wf, at):
    request = at(T0, lambda: _billing_request(org, description="Mme Dupont, 06 12 34 56 78"))
    at(T0 + timedelta(hours=5), scan_three_times)
    at(T0 + timedelta(hours=9), scan_three_times)

    events = TraceEvent.objects.filter(object_id=str(request.pk), action__contains=".sla_").order_by("id")
    assert [e.action for e in events] == ["workflow.request.sla_reminded", "workflow.request.sla_escalated"]
    assert all(e.actor_id is None for e in events)
    assert events[1].payload["notified"] == [org.manager_a.pk]
    assert "Dupont" not in str([e.payload for e in events])
    assert trace_verify().ok


def test_an_overdue_lead_reminds_its_salesperson_then_the_manager(org, wf, at):
    lead = at(T0, lambda: services.lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre"))
    hours = settings.LEAD_RESPONSE_HOURS
    mail.outbox.clear()

    at(T0 + timedelta(hours=hours - 1), scan_three_times)
    assert not _notes("sla_reminder", lead).exists()

    at(T0 + timedelta(hours=hours, minutes=1), scan_three_times)
    assert list(_notes("sla_reminder", lead).values_list("recipient__username", flat=True)) == ["sales_a"]

    at(T0 + timedelta(hours=hours + settings.SLA_ESCALATE_AFTER_HOURS, minutes=1), scan_three_times)
    assert list(_notes("sla_escalation", lead).values_list("recipient__username", flat=True)) == ["manager_a"]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([org.sales_a.email, org.manager_a.email])


def test_a_first_response_moves_the_clock_to_the_resolution_target(org, wf, at):
    request = at(T0, lambda: _billing_request(org))
    at(T0 + timedelta(hours=1), partial(services.service_request_claim, request_id=request.pk, user=org.billing_north))

    at(T0 + timedelta(hours=5), scan_three_times)  # the 4-hour response target was met
    assert not _notes("sla_reminder", request).exists()

    at(T0 + timedelta(hours=48, minutes=1), scan_three_times)  # the 48-hour resolution target was not
    assert list(_notes("sla_reminder", request).values_list("recipient__username", flat=True)) == ["billing_north"]


def test_a_callback_window_postpones_the_reminder_and_announces_the_callback_once(org, wf, at):
    request = at(T0, lambda: _billing_request(org, callback_after=T0 + timedelta(hours=10),
                                              callback_before=T0 + timedelta(hours=12)))  # fmt: skip
    mail.outbox.clear()

    at(T0 + timedelta(hours=5), scan_three_times)  # past the 4-hour target, but the client wants a call later
    assert not Notification.objects.filter(item_id=request.pk, verb__in=["sla_reminder", "callback_due"]).exists()

    results = at(T0 + timedelta(hours=10, minutes=1), scan_three_times)
    assert [r.callbacks for r in results] == [1, 0, 0]
    assert list(_notes("callback_due", request).values_list("recipient__username", flat=True)) == ["billing_north"]
    assert not _notes("sla_reminder", request).exists()  # the window is still open: nobody is late yet

    at(T0 + timedelta(hours=12, minutes=1), scan_three_times)
    assert _notes("sla_reminder", request).count() == 1
    assert _notes("callback_due", request).count() == 1
    assert len(mail.outbox) == 2
    assert TraceEvent.objects.filter(action="workflow.request.callback_reminded").count() == 1


def test_the_managers_of_an_agency_are_its_management_team_members_only(org):
    assert list(agency_managers(agency_id=org.agency_a.pk)) == [org.manager_a]
    assert list(agency_managers(agency_id=org.agency_b.pk)) == []


def test_resolved_requests_close_themselves_after_the_configured_days(org, wf, at):
    request = at(T0, lambda: _billing_request(org))
    billing = org.billing_north
    at(T0 + timedelta(minutes=10), partial(services.service_request_claim, request_id=request.pk, user=billing))
    at(T0 + timedelta(hours=1), partial(services.service_request_resolve, request_id=request.pk, user=billing,
                                        resolution="Credit note sent"))  # fmt: skip
    days = settings.AUTO_CLOSE_RESOLVED_DAYS

    assert at(T0 + timedelta(days=days - 1), auto_close_resolved) == 0
    request.refresh_from_db()
    assert request.status == "resolved"

    assert at(T0 + timedelta(days=days, hours=2), auto_close_resolved) == 1
    assert at(T0 + timedelta(days=days, hours=3), auto_close_resolved) == 0  # already closed: nothing twice
    request.refresh_from_db()
    assert request.status == "closed" and request.closed_at is not None
    event = TraceEvent.objects.get(action="workflow.request.closed", object_id=str(request.pk))
    assert event.actor_id is None


def test_the_beat_tasks_are_scheduled_and_run_the_services(org, wf, at):
    app.loader.import_default_modules()
    scheduled = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled["workflow.tasks.sla_scan_task"] == 5 * 60
    assert scheduled["workflow.tasks.auto_close_task"] == 60 * 60
    assert set(scheduled) <= set(app.tasks)

    request = at(T0, lambda: _billing_request(org))
    assert at(T0 + timedelta(hours=5), sla_scan_task) == {"reminders": 1, "escalations": 0, "callbacks": 0}
    assert at(T0 + timedelta(hours=5), sla_scan_task) == {"reminders": 0, "escalations": 0, "callbacks": 0}
    assert at(T0 + timedelta(hours=5), auto_close_task) == 0
    assert _notes("sla_reminder", request).count() == 1


def test_after_a_transfer_the_new_team_is_reminded_but_nobody_twice(org, wf, at):
    request = at(T0, lambda: _billing_request(org))
    at(T0 + timedelta(hours=5), scan_three_times)
    at(T0 + timedelta(hours=6), partial(services.service_request_transfer, request_id=request.pk,
                                        user=org.billing_north, team_id=org.after_sales_team_north.pk,
                                        reason="A fault, not a bill"))  # fmt: skip

    at(T0 + timedelta(hours=6, minutes=5), scan_three_times)  # still past the same target: the new queue hears

    reminded = _notes("sla_reminder", request).values_list("recipient__username", flat=True)
    assert sorted(reminded) == ["after_sales_north", "billing_north"]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: SQLite serialises writers")
@pytest.mark.django_db(transaction=True)
def test_two_workers_scanning_at_once_send_one_reminder(org, wf):
    request = _billing_request(org)
    later = timezone.now() + timedelta(hours=5)
    mails_before = len(mail.outbox)
    start = threading.Barrier(8)

    def scan():
        try:
            start.wait(timeout=30)
            sla_scan(now=later)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scan) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert _notes("sla_reminder", request).count() == 1
    assert TraceEvent.objects.filter(action="workflow.request.sla_reminded").count() == 1
    assert len(mail.outbox) - mails_before == 1


def _row(page, user, url: str, row_id: str) -> str:
    html = page(user).get(url).content.decode()
    found = re.search(rf'<tr id="{row_id}">.*?</tr>', html, re.S)
    assert found, f"{row_id} is not listed"
    return found.group(0)


def _shows_overdue(at, page, user, moment: datetime, url: str, row_id: str) -> bool:
    return "overdue" in at(moment, lambda: _row(page, user, url, row_id))


def _reminders(item) -> list[str]:
    return list(_notes("sla_reminder", item).values_list("recipient__username", flat=True))


def test_a_request_waiting_on_the_client_is_not_overdue_until_it_resumes_past_its_due_time(org, wf, at, page_as):
    request = at(T0, lambda: _billing_request(org))
    billing = org.billing_north
    at(T0 + timedelta(minutes=10), partial(services.service_request_claim, request_id=request.pk, user=billing))
    at(T0 + timedelta(minutes=20), partial(services.service_request_wait, request_id=request.pk, user=billing))
    queue, row = reverse("workflow:queue"), f"request-{request.pk}"
    three_days_later = T0 + timedelta(days=3)  # far past the 48-hour resolution target

    assert not _shows_overdue(at, page_as, billing, three_days_later, queue, row)
    at(three_days_later, scan_three_times)
    assert _reminders(request) == []

    # The client answered: the clock runs again, and the targets it was promised have passed.
    at(three_days_later + timedelta(minutes=1),
       partial(services.service_request_start, request_id=request.pk, user=billing))  # fmt: skip
    assert _shows_overdue(at, page_as, billing, three_days_later + timedelta(minutes=2), queue, row)
    results = at(three_days_later + timedelta(minutes=2), scan_three_times)
    assert [r.reminders for r in results] == [1, 0, 0]
    assert _reminders(request) == ["billing_north"]


def test_a_request_whose_callback_window_is_ahead_is_not_overdue_until_the_window_closes(org, wf, at, page_as):
    request = at(T0, lambda: _billing_request(org, callback_after=T0 + timedelta(hours=10),
                                              callback_before=T0 + timedelta(hours=12)))  # fmt: skip
    billing = org.billing_north
    queue, row = reverse("workflow:queue"), f"request-{request.pk}"
    past_target = T0 + timedelta(hours=5)  # past the 4-hour response target, but the client wants a call later

    assert not _shows_overdue(at, page_as, billing, past_target, queue, row)
    at(past_target, scan_three_times)
    assert _reminders(request) == []

    window_closed = T0 + timedelta(hours=12, minutes=1)
    assert _shows_overdue(at, page_as, billing, window_closed, queue, row)
    at(window_closed, scan_three_times)
    assert _reminders(request) == ["billing_north"]


def test_a_lead_whose_callback_window_is_ahead_is_not_overdue_in_the_inbox(org, wf, at, page_as):
    lead = at(T0, lambda: services.lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre",
                                               callback_after=T0 + timedelta(days=3)))  # fmt: skip
    inbox, row = reverse("workflow:inbox"), f"lead-{lead.pk}"
    past_target = T0 + timedelta(days=2)  # past the 24-hour response target

    for person in (org.sales_a, org.manager_a):  # the salesperson's inbox and the manager's list
        assert not _shows_overdue(at, page_as, person, past_target, inbox, row)
    at(past_target, scan_three_times)
    assert _reminders(lead) == []

    after_window = T0 + timedelta(days=3, minutes=1)  # a window with no end is due at its start
    for person in (org.sales_a, org.manager_a):
        assert _shows_overdue(at, page_as, person, after_window, inbox, row)
    at(after_window, scan_three_times)
    assert _reminders(lead) == ["sales_a"]


def test_a_row_refreshed_after_an_action_reads_the_same_rule(org, wf, at, page_as):
    request = at(T0, lambda: _billing_request(org))
    billing = org.billing_north
    at(T0 + timedelta(minutes=10), partial(services.service_request_claim, request_id=request.pk, user=billing))

    def wait_from_the_queue():
        url = reverse("workflow:request-action", args=[request.pk, "wait"])
        return page_as(billing).post(url, {"return": "row"}, HTTP_HX_REQUEST="true").content.decode()

    row = at(T0 + timedelta(days=3), wait_from_the_queue)  # overdue a moment ago, now the client's clock
    assert f'id="request-{request.pk}"' in row and "overdue" not in row
