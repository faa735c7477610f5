"""Notifications: who hears of what, once; and each e-mail delivered once, whatever SMTP and the broker do."""

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.test import override_settings
from django.utils import timezone
from kombu.exceptions import OperationalError

from common.outbox.models import Outbox
from common.outbox.services import relay
from config.celery import app as celery_app
from workflow import events
from workflow.models import Notification
from workflow.services import lead_create, service_request_claim, service_request_create
from workflow.services.notifications import EmailInProgress, notification_email_send, notify
from workflow.tasks import send_notification_email


class FlakySMTPBackend(EmailBackend):
    """The local-memory backend behind an SMTP server that drops the first `failures` attempts."""

    failures = 0
    attempts = 0

    def send_messages(self, messages):
        type(self).attempts += 1
        if type(self).attempts <= type(self).failures:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def flaky_smtp():
    """Make the SMTP server fail the first `n` attempts; returns the backend class to read `attempts` from.

    Eager tasks retry in-process, at once (no countdown), as a worker would after each backoff, but only
    when they do not propagate their errors: the test settings propagate them (so that a failing task
    fails its test), which turns the first retry into an exception. Here tasks run as on a worker.
    """

    def failing(n: int) -> type[FlakySMTPBackend]:
        FlakySMTPBackend.failures, FlakySMTPBackend.attempts = n, 0
        return FlakySMTPBackend

    propagates = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    try:
        with override_settings(EMAIL_BACKEND=f"{__name__}.FlakySMTPBackend"):
            yield failing
    finally:
        celery_app.conf.task_eager_propagates = propagates


def _lead(org):
    return lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre")


def test_a_routed_lead_notifies_its_salesperson_once_even_if_notified_again(
    org, wf, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        lead = _lead(org)
    notes = Notification.objects.filter(recipient=org.sales_a, item_id=lead.pk)
    assert [n.verb for n in notes] == ["created"]
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(event=events.LEAD_CREATED, item=lead, key=notes[0].key) == []  # the same event again
    assert Notification.objects.filter(recipient=org.sales_a).count() == 1
    assert len(mail.outbox) == 1 and "L-" in mail.outbox[0].subject
    assert notification_email_send(notification_id=notes[0].pk) is False  # never twice
    assert len(mail.outbox) == 1


def test_a_new_queue_item_tells_the_team_on_the_bell_and_the_claim_tells_nobody(
    org, wf, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = service_request_create(sender=org.reception_a, client_id=org.client_a.pk, category="billing",
                                         subject="Invoice", fields={"invoice_number": "F-9"})  # fmt: skip
    note = Notification.objects.get(recipient=org.billing_north, verb="created", item_id=request.pk)
    assert (note.topic, note.email_wanted) == ("team_queue", False)  # a queue is read, not mailed, by default
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        service_request_claim(request_id=request.pk, user=org.billing_north)
    assert not Notification.objects.filter(verb="claimed").exists()  # a step: reception hears of outcomes


def test_notifications_are_written_with_the_change_and_their_email_leaves_only_after_commit(
    org, wf, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        lead = _lead(org)
        # Inside the transaction: the notification exists with the lead, its e-mail has not left.
        assert Notification.objects.filter(recipient=org.sales_a, item_id=lead.pk).exists()
    assert mail.outbox == []
    for callback in callbacks:  # the commit
        callback()
    assert [m.to for m in mail.outbox] == [[org.sales_a.email]]


def test_with_smtp_failing_twice_the_mail_is_delivered_once(org, wf, flaky_smtp, django_capture_on_commit_callbacks):
    backend = flaky_smtp(2)
    with (
        mock.patch.object(send_notification_email, "retry", wraps=send_notification_email.retry) as retry,
        django_capture_on_commit_callbacks(execute=True),
    ):
        lead = _lead(org)

    note = Notification.objects.get(recipient=org.sales_a, item_id=lead.pk)
    assert backend.attempts == 3  # two failures, each retried, then delivered
    # Exponential backoff with jitter: the n-th retry waits at most 10 s × 2ⁿ.
    countdowns = [call.kwargs["countdown"] for call in retry.call_args_list]
    assert len(countdowns) == 2
    assert all(0 <= wait <= settings.NOTIFICATION_EMAIL_RETRY_BACKOFF * 2**n for n, wait in enumerate(countdowns))
    assert [m.to for m in mail.outbox] == [[org.sales_a.email]]
    assert note.emailed_at is not None and note.email_lease_until is None

    send_notification_email.delay(note.pk)  # queued again (a sweep, a redelivered message): nothing more
    assert backend.attempts == 3 and len(mail.outbox) == 1


def test_the_email_task_retries_with_exponential_backoff_on_smtp_errors():
    assert issubclass(smtplib.SMTPException, send_notification_email.autoretry_for)
    assert OSError in send_notification_email.autoretry_for
    assert send_notification_email.retry_backoff == settings.NOTIFICATION_EMAIL_RETRY_BACKOFF > 0
    assert send_notification_email.max_retries == settings.NOTIFICATION_EMAIL_MAX_RETRIES


def test_when_every_retry_fails_the_outbox_publishes_the_mail_again_later_and_it_is_delivered_once(
    org, wf, flaky_smtp, django_capture_on_commit_callbacks
):
    backend = flaky_smtp(settings.NOTIFICATION_EMAIL_MAX_RETRIES + 1)
    with django_capture_on_commit_callbacks(execute=True):
        lead = _lead(org)
    note = Notification.objects.get(recipient=org.sales_a)
    assert backend.attempts == settings.NOTIFICATION_EMAIL_MAX_RETRIES + 1
    assert note.emailed_at is None and note.email_lease_until is None and mail.outbox == []
    row = Outbox.objects.get(key=f"notification-email:{note.pk}")
    assert row.done_at is None and row.last_error == "SMTPServerDisconnected"

    assert relay() == 0  # too early: not due before the redelivery delay
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.OUTBOX_REDELIVER_AFTER + 1)):
        assert relay() == 1
        assert relay() == 0
    assert [m.to for m in mail.outbox] == [[org.sales_a.email]] and lead.pk == note.item_id
    assert Outbox.objects.get(pk=row.pk).done_at is not None


def test_a_broker_that_does_not_answer_never_fails_the_write_and_the_relay_publishes_the_mail_later(
    org, wf, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(send_notification_email, "apply_async", side_effect=OperationalError("broker down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        lead = _lead(org)
    assert lead.pk and mail.outbox == []
    assert relay() == 1  # due at once: the fast path gave it back
    assert [m.to for m in mail.outbox] == [[org.sales_a.email]]
    assert relay() == 0


def test_a_mail_that_another_worker_is_sending_is_not_sent_again(org, wf, django_capture_on_commit_callbacks):
    lead = _lead(org)  # not committed: no e-mail queued
    note = Notification.objects.get(recipient=org.sales_a, item_id=lead.pk)
    Notification.objects.filter(pk=note.pk).update(email_lease_until=timezone.now() + timedelta(minutes=5))

    with pytest.raises(EmailInProgress):  # the task comes back when the lease runs out
        notification_email_send(notification_id=note.pk)
    assert mail.outbox == []
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):  # that worker died: its lease ran out
        assert notification_email_send(notification_id=note.pk) is True
    assert len(mail.outbox) == 1


@override_settings(SITE_URL="https://crm.example.com")
def test_links_in_emails_are_absolute(org, wf, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lead = _lead(org)
    assert f"https://crm.example.com/work/leads/{lead.pk}/" in mail.outbox[0].body
